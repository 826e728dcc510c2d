package dev.zeph.pidfile.cluster;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The fencing table in each engine's words: the statements a refusal names must run as they
 * are printed, whatever the schema or database is called.
 */
class FencingSchemaTests {

	private static final ClusterLockSettings SETTINGS = ClusterLockSettings.of("orders",
			"jdbc:postgresql://127.0.0.1:5432/app", "app", "secret");

	@Test
	void qualifyShouldQuoteASchemaThatIsNoPlainNameInEachEnginesQuotes() throws Exception {
		assertThat(FencingSchema.POSTGRESQL.qualify(SETTINGS, "db", "fence", "Billing \"EU\"", "none"))
			.isEqualTo("\"Billing \"\"EU\"\"\".fence");
		assertThat(FencingSchema.MYSQL.qualify(SETTINGS, "db", "fence", "billing-`eu`", "none"))
			.isEqualTo("`billing-``eu```.fence");
	}

	@Test
	void qualifyShouldLeaveAPlainSchemaAndAQualifiedTableAsTheyAre() throws Exception {
		assertThat(FencingSchema.POSTGRESQL.qualify(SETTINGS, "db", "fence", "billing", "none"))
			.isEqualTo("billing.fence");
		assertThat(FencingSchema.POSTGRESQL.qualify(SETTINGS, "db", "fence", "Billing", "none"))
			.as("PostgreSQL folds an unquoted name to lower case").isEqualTo("\"Billing\".fence");
		assertThat(FencingSchema.MYSQL.qualify(SETTINGS, "db", "fence", "Billing", "none")).isEqualTo("Billing.fence");
		assertThat(FencingSchema.MYSQL.qualify(SETTINGS, "db", "jobs.fence", null, "none")).isEqualTo("jobs.fence");
	}

	@Test
	void qualifyWithNowhereToPutTheTableShouldRefuseSayingWhy() {
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> FencingSchema.MYSQL.qualify(SETTINGS, "127.0.0.1:3306/", "fence", null,
					"the URL names none"))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.FENCING))
			.withMessageContaining("the fencing table fence is in no database: the URL names none");
	}

	@Test
	void refusalShouldNameTheStatementsInTheEnginesWords() {
		assertThat(FencingSchema.POSTGRESQL.refusal(FencingSchema.Problem.MAY_NOT_CREATE, "creating failed",
				"audit.fence", "app"))
			.isEqualTo("creating failed. Role app may not create the fencing table audit.fence: create it as a role"
					+ " that may, with: " + FencingSchema.POSTGRESQL.createTable("audit.fence")
					+ "; GRANT SELECT, INSERT, UPDATE ON audit.fence TO app;");
		assertThat(FencingSchema.MYSQL.refusal(FencingSchema.Problem.NO_CONTAINER, "raising failed", "audit.fence",
				"'app'@'%'"))
			.startsWith("raising failed. The database of the fencing table audit.fence does not exist")
			.endsWith("GRANT SELECT, INSERT, UPDATE ON audit.fence TO 'app'@'%';");
		assertThat(FencingSchema.MYSQL.refusal(null, "raising failed: disk full", "audit.fence", "'app'@'%'"))
			.isEqualTo("raising failed: disk full");
	}

	@Test
	void createTableShouldBeTheShippedScriptInOneLineForTheGivenTable() {
		assertThat(FencingSchema.MYSQL.createTable("jobs.lock_fence"))
			.startsWith("CREATE TABLE IF NOT EXISTS jobs.lock_fence (name VARCHAR(255)")
			.endsWith("ENGINE = InnoDB")
			.doesNotContain("--")
			.doesNotContain("\n");
		assertThat(FencingSchema.POSTGRESQL.createTable("public.zeph_lock_fence"))
			.startsWith("CREATE TABLE IF NOT EXISTS public.zeph_lock_fence (name TEXT NOT NULL PRIMARY KEY");
	}

}
