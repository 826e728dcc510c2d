package dev.zeph.pidfile.fencing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import dev.zeph.pidfile.autoconfigure.TestGuards;
import dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock;
import dev.zeph.pidfile.autoconfigure.cluster.ClusterLockActivatedEvent;
import dev.zeph.pidfile.autoconfigure.cluster.ClusterLockLostEvent;
import dev.zeph.pidfile.autoconfigure.cluster.ClusterLockStartupException;
import dev.zeph.pidfile.autoconfigure.diagnostics.TestAnalyzers;
import dev.zeph.pidfile.autoconfigure.health.TestHealth;
import dev.zeph.pidfile.cluster.ClusterLockUnavailableException;
import dev.zeph.pidfile.standby.ActiveInstance;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Fenced writes in whole applications against a real PostgreSQL server: the token of each
 * tenure, {@link Fenced} methods and {@link Fence} in transactions, the refusals at start-up,
 * and the step down of an instance whose token was passed.
 */
@ExtendWith(OutputCaptureExtension.class)
class FencingApplicationTests {

	private static PostgresServer server;

	@TempDir
	Path temp;

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private final AtomicInteger instances = new AtomicInteger();

	@BeforeAll
	static void startServer() throws Exception {
		server = PostgresServer.start();
		admin("GRANT CREATE ON SCHEMA public TO " + PostgresServer.USER);
		try (Connection connection = dataSource().getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE ledger (id BIGSERIAL PRIMARY KEY, token BIGINT NOT NULL, what TEXT)");
		}
	}

	@AfterAll
	static void stopServer() throws Exception {
		if (server != null) {
			server.close();
		}
	}

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	private static void admin(String sql) throws Exception {
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			statement.execute(sql);
		}
	}

	static DataSource dataSource() {
		return new SimpleDriverDataSource(new org.postgresql.Driver(), server.url(), PostgresServer.USER,
				PostgresServer.PASSWORD);
	}

	private String[] args(String name, String... overrides) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("zeph.pidfile.path", this.temp.resolve("app-" + this.instances.incrementAndGet() + ".pid").toString());
		properties.put("zeph.pidfile.mode", "standby");
		properties.put("zeph.pidfile.cluster.enabled", "true");
		properties.put("zeph.pidfile.cluster.name", name);
		properties.put("zeph.pidfile.cluster.url", server.url());
		properties.put("zeph.pidfile.cluster.username", PostgresServer.USER);
		properties.put("zeph.pidfile.cluster.password", PostgresServer.PASSWORD);
		properties.put("zeph.pidfile.cluster.fencing.enabled", "true");
		properties.put("zeph.pidfile.cluster.fencing.initialize-schema", "always");
		for (String override : overrides) {
			int equals = override.indexOf('=');
			properties.put(override.substring(2, equals), override.substring(equals + 1));
		}
		List<String> args = new ArrayList<>();
		properties.forEach((key, value) -> args.add("--" + key + "=" + value));
		return args.toArray(String[]::new);
	}

	private ConfigurableApplicationContext run(Class<?> configuration, String... args) {
		ConfigurableApplicationContext context = TestGuards.application(configuration).run(args);
		this.contexts.add(context);
		return context;
	}

	private ConfigurableApplicationContext runActive(String name, String... overrides) throws Exception {
		ConfigurableApplicationContext context = run(LedgerConfiguration.class, args(name, overrides));
		ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
		Polling.await(lock::isActive, "the instance to become active");
		return context;
	}

	private static int rows(String what) throws Exception {
		return server.queryInt("SELECT count(*) FROM ledger WHERE what = '" + what + "'");
	}

	private static long token(String name) {
		return server.queryInt("SELECT token FROM zeph_lock_fence WHERE name = '" + name + "'");
	}

	@Test
	void activeInstanceShouldTellItsTokenAndWriteUnderIt(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = runActive("tell");
		ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
		long token = token("tell");
		assertThat(lock.getFencingToken()).hasValue(token);
		assertThat(context.getBean(Fence.class).getToken()).hasValue(token);
		Polling.await(() -> !context.getBean(Events.class).activated.isEmpty(), "the activation event");
		assertThat(context.getBean(Events.class).activated.get(0).getFencingToken()).hasValue(token);
		Health health = TestHealth.of(lock, context.getBean(ActiveInstance.class));
		assertThat(health.getDetails()).containsEntry("fencingToken", token);
		assertThat(output).contains("fencing token " + token + " in public.zeph_lock_fence")
			.contains("Fencing tokens of cluster lock 'tell' are committed on 127.0.0.1:" + server.port()
					+ "/postgres without waiting for a synchronous standby");
		context.getBean(Ledger.class).record("told");
		assertThat(server.queryInt("SELECT token FROM ledger WHERE what = 'told'")).isEqualTo((int) token);
	}

	@Test
	void fencedMethodOutsideATransactionShouldFailAtOnceNamingIt() throws Exception {
		ConfigurableApplicationContext context = runActive("outside");
		assertThatExceptionOfType(IllegalTransactionStateException.class)
			.isThrownBy(() -> context.getBean(Ledger.class).recordWithoutTransaction("outside"))
			.withMessageStartingWith("@Fenced method " + Ledger.class.getName()
					+ ".recordWithoutTransaction() was called outside a transaction");
		assertThat(rows("outside")).isZero();
	}

	@Test
	void fencedMethodsNestedInOneTransactionShouldCheckOnceAndCommitTogether() throws Exception {
		ConfigurableApplicationContext context = runActive("nested");
		context.getBean(Bookkeeper.class).recordBoth("nested-1", "nested-2");
		assertThat(rows("nested-1")).isOne();
		assertThat(rows("nested-2")).isOne();
	}

	@Test
	void fenceInATransactionTemplateShouldCheckBeforeTheWrite() throws Exception {
		ConfigurableApplicationContext context = runActive("template");
		Fence fence = context.getBean(Fence.class);
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
			fence.check();
			jdbc.update("INSERT INTO ledger (token, what) VALUES (?, 'template')", fence.getToken().getAsLong());
		});
		assertThat(rows("template")).isOne();
		assertThatIllegalStateException()
			.isThrownBy(() -> context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				jdbc.update("INSERT INTO ledger (token, what) VALUES (0, 'template-late')");
				fence.check();
			}))
			.withMessageContaining("checked in a transaction that had written already");
		assertThat(rows("template-late")).isZero();
		assertThatExceptionOfType(IllegalTransactionStateException.class).isThrownBy(fence::check)
			.withMessageContaining("none is active on this thread");
	}

	/**
	 * Another holder's token became current behind this instance's back (here raised by hand,
	 * as an operator restoring a backup would): the fenced write fails with a data access
	 * exception that retrying cannot cure, writes nothing, and the instance steps down as on a
	 * loss; in standby mode it then takes the lock again, with a new token.
	 */
	@Test
	void passedTokenShouldFailTheWriteAndStepTheInstanceDown() throws Exception {
		ConfigurableApplicationContext context = runActive("passed");
		ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
		long token = token("passed");
		admin("UPDATE zeph_lock_fence SET token = token + 1 WHERE name = 'passed'");
		assertThatExceptionOfType(FencedOutException.class)
			.isThrownBy(() -> context.getBean(Ledger.class).record("passed"))
			.isInstanceOf(NonTransientDataAccessException.class)
			.withMessageContaining("Fencing token " + token + " of cluster lock 'passed'")
			.withMessageContaining("is no longer current: token " + (token + 1) + " is")
			.withMessageEndingWith("This instance stepped down");
		assertThat(rows("passed")).isZero();
		Events events = context.getBean(Events.class);
		Polling.await(() -> !events.lost.isEmpty(), "the loss event");
		assertThat(events.lost.get(0).getReason()).startsWith("fenced out: Fencing token " + token);
		Polling.await(() -> lock.getFencingToken().orElse(0) == token + 2, "the lock taken again with a new token");
		context.getBean(Ledger.class).record("passed-again");
		assertThat(rows("passed-again")).isOne();
	}

	@Test
	void fencedWriteOnAStandbyShouldFailWithoutWriting() throws Exception {
		ConfigurableApplicationContext active = runActive("standby");
		ConfigurableApplicationContext standby = run(LedgerConfiguration.class, args("standby"));
		assertThat(standby.getBean(ApplicationClusterLock.class).getFencingToken()).isEmpty();
		assertThatExceptionOfType(FencedOutException.class)
			.isThrownBy(() -> standby.getBean(Ledger.class).record("from-standby"))
			.withMessageContaining("this instance is not the active one");
		assertThat(rows("from-standby")).isZero();
		active.getBean(Ledger.class).record("from-active");
		assertThat(rows("from-active")).isOne();
	}

	@Test
	void missingTableShouldBeRefusedWithExit69NamingTheTableAndTheStatements() {
		assertThatExceptionOfType(ClusterLockStartupException.class)
			.isThrownBy(() -> run(LedgerConfiguration.class, args("missing", "--zeph.pidfile.cluster.fencing.table=ghost_fence",
					"--zeph.pidfile.cluster.fencing.initialize-schema=never")))
			.satisfies((ex) -> {
				assertThat(ex.getExitCode()).isEqualTo(ClusterLockStartupException.EX_UNAVAILABLE);
				assertThat(((ClusterLockUnavailableException) ex.getCause()).getReason())
					.isEqualTo(ClusterLockUnavailableException.Reason.FENCING);
				FailureAnalysis analysis = TestAnalyzers.clusterLock(ex);
				assertThat(analysis.getDescription()).contains("The fencing table public.ghost_fence does not exist")
					.contains("CREATE TABLE IF NOT EXISTS public.ghost_fence (name TEXT NOT NULL PRIMARY KEY")
					.contains("GRANT SELECT, INSERT, UPDATE ON public.ghost_fence TO app;");
				assertThat(analysis.getAction()).contains("zeph.pidfile.cluster.fencing.initialize-schema=always");
			});
	}

	@Test
	void tableTheRoleMayNotWriteShouldBeRefusedWithExit69NamingTheGrant() throws Exception {
		admin("CREATE TABLE locked_fence (name TEXT PRIMARY KEY, token BIGINT NOT NULL, holder TEXT NOT NULL,"
				+ " acquired_at TIMESTAMPTZ NOT NULL)");
		assertThatExceptionOfType(ClusterLockStartupException.class)
			.isThrownBy(() -> run(LedgerConfiguration.class, args("locked", "--zeph.pidfile.cluster.fencing.table=locked_fence")))
			.satisfies((ex) -> {
				assertThat(ex.getExitCode()).isEqualTo(69);
				assertThat(ex.getMessage()).contains("Role app may not write the fencing table public.locked_fence:"
						+ " as its owner, run GRANT SELECT, INSERT, UPDATE ON public.locked_fence TO app;");
			});
	}

	@Test
	void tableNameThatIsNoIdentifierShouldBeRefusedNamingTheProperty() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> run(LedgerConfiguration.class,
					args("bad-table", "--zeph.pidfile.cluster.fencing.table=fence; DROP TABLE ledger")))
			.satisfies((ex) -> {
				assertThat(ex.getName()).isEqualTo("zeph.pidfile.cluster.fencing.table");
				assertThat(ex.getValue()).isEqualTo("fence; DROP TABLE ledger");
			});
	}

	@Test
	void fencedBeanWithoutFencingShouldBeRefusedNamingIt() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> run(LedgerConfiguration.class, args("unfenced", "--zeph.pidfile.cluster.fencing.enabled=false")))
			.withMessageContaining("Bean 'ledger' (" + Ledger.class.getName() + ") has @Fenced methods, but the"
					+ " cluster lock hands out no fencing tokens: set zeph.pidfile.cluster.fencing.enabled=true.");
	}

	@Test
	void fencedFinalMethodShouldBeRefusedNamingIt() {
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> run(FinalMethodConfiguration.class, args("final")))
			.withMessageContaining("@Fenced method record() of bean 'finalLedger' (" + FinalLedger.class.getName()
					+ ".record) is final");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableTransactionManagement
	static class DataConfiguration {

		@Bean
		DataSource dataSource() {
			return FencingApplicationTests.dataSource();
		}

		@Bean
		DataSourceTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		TransactionTemplate transactionTemplate(PlatformTransactionManager transactionManager) {
			return new TransactionTemplate(transactionManager);
		}

		@Bean
		JdbcTemplate jdbcTemplate(DataSource dataSource) {
			return new JdbcTemplate(dataSource);
		}

		@Bean
		Events events() {
			return new Events();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(DataConfiguration.class)
	static class LedgerConfiguration {

		@Bean
		Ledger ledger(JdbcTemplate jdbc, Fence fence) {
			return new Ledger(jdbc, fence);
		}

		@Bean
		Bookkeeper bookkeeper(Ledger ledger) {
			return new Bookkeeper(ledger);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(DataConfiguration.class)
	static class FinalMethodConfiguration {

		@Bean
		FinalLedger finalLedger() {
			return new FinalLedger();
		}

	}

	static class Ledger {

		private final JdbcTemplate jdbc;

		private final Fence fence;

		Ledger(JdbcTemplate jdbc, Fence fence) {
			this.jdbc = jdbc;
			this.fence = fence;
		}

		@Transactional
		@Fenced
		public void record(String what) {
			this.jdbc.update("INSERT INTO ledger (token, what) VALUES (?, ?)", this.fence.getToken().orElse(0), what);
		}

		@Fenced
		public void recordWithoutTransaction(String what) {
			this.jdbc.update("INSERT INTO ledger (token, what) VALUES (?, ?)", this.fence.getToken().orElse(0), what);
		}

	}

	static class Bookkeeper {

		private final Ledger ledger;

		Bookkeeper(Ledger ledger) {
			this.ledger = ledger;
		}

		@Transactional
		public void recordBoth(String first, String second) {
			this.ledger.record(first);
			this.ledger.record(second);
		}

	}

	static class FinalLedger {

		@Transactional
		@Fenced
		public final void record() {
		}

	}

	static class Events {

		final List<ClusterLockActivatedEvent> activated = new CopyOnWriteArrayList<>();

		final List<ClusterLockLostEvent> lost = new CopyOnWriteArrayList<>();

		@EventListener
		void onActivated(ClusterLockActivatedEvent event) {
			this.activated.add(event);
		}

		@EventListener
		void onLost(ClusterLockLostEvent event) {
			this.lost.add(event);
		}

	}

}
