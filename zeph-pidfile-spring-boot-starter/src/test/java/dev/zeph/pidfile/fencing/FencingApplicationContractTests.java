package dev.zeph.pidfile.fencing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
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
import dev.zeph.pidfile.testsupport.LockDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.SpringApplication;
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
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Fenced writes in whole applications against a real server of every engine, run once per
 * engine by a subclass: the token of each tenure, {@link Fenced} methods and {@link Fence} in
 * transactions, the refusals at start-up, and the step down of an instance whose token was
 * passed.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FencingApplicationContractTests {

	LockDatabase server;

	@TempDir
	Path temp;

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private final AtomicInteger instances = new AtomicInteger();

	private final List<DisposableBean> dataSources = new CopyOnWriteArrayList<>();

	/**
	 * Start the engine's server.
	 * @return the server
	 */
	abstract LockDatabase startServer() throws Exception;

	/**
	 * The schema or database that an unqualified table is in, for the lock's user.
	 * @return its name
	 */
	abstract String container();

	/**
	 * The lock's user as a refusal names it, with the word for it: {@code Role app}.
	 * @return the words
	 */
	abstract String principal();

	/**
	 * The lock's user as a {@code GRANT} names it.
	 * @return the grantee
	 */
	abstract String grantee();

	/**
	 * The application's {@code DataSource}, one for each application.
	 * @return the data source
	 */
	abstract DataSource dataSource();

	/**
	 * Create a fencing table, shaped as the lock needs it, that the lock's user may not write.
	 * @return its qualified name
	 */
	abstract String createTableTheLockMayNotWrite() throws SQLException;

	/**
	 * The {@code CREATE TABLE} of the application's ledger, in the engine's words.
	 * @return the statement
	 */
	abstract String createLedger();

	@BeforeAll
	void startTheServer() throws Exception {
		this.server = startServer();
		DataSource dataSource = dataSource();
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute(createLedger());
		}
		finally {
			if (dataSource instanceof DisposableBean disposable) {
				disposable.destroy();
			}
		}
	}

	@AfterAll
	void stopTheServer() throws Exception {
		if (this.server != null) {
			this.server.close();
		}
	}

	@AfterEach
	void closeContexts() throws Exception {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.contexts.clear();
		for (DisposableBean dataSource : this.dataSources) {
			dataSource.destroy();
		}
		this.dataSources.clear();
	}

	void admin(String sql) throws SQLException {
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement()) {
			statement.execute(sql);
		}
	}

	long queryLong(String query) throws SQLException {
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery(query)) {
			result.next();
			return result.getLong(1);
		}
	}

	private String[] args(String name, String... overrides) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("zeph.pidfile.path", this.temp.resolve("app-" + this.instances.incrementAndGet() + ".pid").toString());
		properties.put("zeph.pidfile.mode", "standby");
		properties.put("zeph.pidfile.cluster.enabled", "true");
		properties.put("zeph.pidfile.cluster.name", name);
		properties.put("zeph.pidfile.cluster.url", this.server.url());
		properties.put("zeph.pidfile.cluster.username", LockDatabase.USER);
		properties.put("zeph.pidfile.cluster.password", LockDatabase.PASSWORD);
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

	ConfigurableApplicationContext run(Class<?> configuration, String... args) {
		DataSource dataSource = dataSource();
		if (dataSource instanceof DisposableBean disposable) {
			this.dataSources.add(disposable);
		}
		SpringApplication application = TestGuards.application(configuration);
		application.addInitializers((context) -> context.getBeanFactory().registerSingleton("dataSource", dataSource));
		ConfigurableApplicationContext context = application.run(args);
		this.contexts.add(context);
		return context;
	}

	ConfigurableApplicationContext runActive(String name, String... overrides) throws Exception {
		ConfigurableApplicationContext context = run(LedgerConfiguration.class, args(name, overrides));
		ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
		Polling.await(lock::isActive, "the instance to become active");
		return context;
	}

	long rows(String what) throws SQLException {
		return queryLong("SELECT count(*) FROM " + container() + ".ledger WHERE what = '" + what + "'");
	}

	long token(String name) throws SQLException {
		return queryLong("SELECT token FROM " + container() + ".zeph_lock_fence WHERE name = '" + name + "'");
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
		assertThat(output).contains("fencing token " + token + " in " + container() + ".zeph_lock_fence")
			.containsPattern("Fencing tokens of cluster lock 'tell' are committed on 127.0.0.1:" + this.server.port()
					+ "/\\S+ without waiting for a synchronous standby");
		context.getBean(Ledger.class).record("told");
		assertThat(queryLong("SELECT token FROM " + container() + ".ledger WHERE what = 'told'")).isEqualTo(token);
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
		admin("UPDATE " + container() + ".zeph_lock_fence SET token = token + 1 WHERE name = 'passed'");
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
				String table = container() + ".ghost_fence";
				assertThat(analysis.getDescription()).contains("The fencing table " + table + " does not exist")
					.contains("CREATE TABLE IF NOT EXISTS " + table + " (name ")
					.contains("GRANT SELECT, INSERT, UPDATE ON " + table + " TO " + grantee() + ";");
				assertThat(analysis.getAction()).contains("zeph.pidfile.cluster.fencing.initialize-schema=always");
			});
	}

	@Test
	void tableTheLockMayNotWriteShouldBeRefusedWithExit69NamingTheGrant() throws Exception {
		String table = createTableTheLockMayNotWrite();
		assertThatExceptionOfType(ClusterLockStartupException.class)
			.isThrownBy(() -> run(LedgerConfiguration.class, args("locked", "--zeph.pidfile.cluster.fencing.table=" + table)))
			.satisfies((ex) -> {
				assertThat(ex.getExitCode()).isEqualTo(69);
				assertThat(ex.getMessage()).contains(principal() + " may not write the fencing table " + table + ": as a "
						+ principal().substring(0, principal().indexOf(' ')).toLowerCase()
						+ " that may grant it, run GRANT SELECT, INSERT, UPDATE ON " + table + " TO " + grantee() + ";");
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

		/** Record, then ask a query in the same transaction. */
		@Transactional
		@Fenced
		public long recordThenAsk(String what, String query) {
			record(what);
			return this.jdbc.queryForObject(query, Long.class);
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
