package dev.zeph.pidfile.fencing;

import java.sql.SQLException;

import javax.sql.DataSource;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.PostgresServer;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Fenced writes on PostgreSQL, which also tells a transaction whether it has written: a check
 * after a write is refused.
 */
class PostgresFencingApplicationTests extends FencingApplicationContractTests {

	@Override
	LockDatabase startServer() throws Exception {
		PostgresServer server = PostgresServer.start();
		this.server = server;
		// the lock creates its table in the role's schema, as an application's migration would
		admin("GRANT CREATE ON SCHEMA public TO " + LockDatabase.USER);
		return server;
	}

	@Override
	String container() {
		return "public";
	}

	@Override
	String principal() {
		return "Role app";
	}

	@Override
	String grantee() {
		return "app";
	}

	@Override
	DataSource dataSource() {
		return new SimpleDriverDataSource(new org.postgresql.Driver(), this.server.url(), LockDatabase.USER,
				LockDatabase.PASSWORD);
	}

	@Override
	String createTableTheLockMayNotWrite() throws SQLException {
		admin("CREATE TABLE locked_fence (name TEXT PRIMARY KEY, token BIGINT NOT NULL, holder TEXT NOT NULL,"
				+ " acquired_at TIMESTAMPTZ NOT NULL)");
		return "public.locked_fence";
	}

	@Override
	String createLedger() {
		return "CREATE TABLE ledger (id BIGSERIAL PRIMARY KEY, token BIGINT NOT NULL, what TEXT)";
	}

	@Test
	void fenceCheckedAfterAWriteInTheTransactionShouldBeRefusedWithoutCommittingIt() throws Exception {
		ConfigurableApplicationContext context = runActive("late");
		Fence fence = context.getBean(Fence.class);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		assertThatIllegalStateException()
			.isThrownBy(() -> context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				jdbc.update("INSERT INTO ledger (token, what) VALUES (0, 'template-late')");
				fence.check();
			}))
			.withMessageContaining("checked in a transaction that had written already");
		assertThat(rows("template-late")).isZero();
	}

}
