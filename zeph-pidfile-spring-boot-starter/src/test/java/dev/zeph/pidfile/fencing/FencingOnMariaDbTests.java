package dev.zeph.pidfile.fencing;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import dev.zeph.pidfile.autoconfigure.TestGuards;
import dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock;
import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.NonTransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link Fenced} writes on MariaDB: the check in the write's transaction, a passed token that
 * steps the instance down, and a pooled connection given back to the pool with the idle bound
 * it had before the check.
 */
class FencingOnMariaDbTests {

	private static MariaDbServer server;

	@TempDir
	Path temp;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void startServer() throws Exception {
		server = MariaDbServer.start();
		try (Connection connection = DriverManager.getConnection(server.url(), LockDatabase.USER, LockDatabase.PASSWORD)) {
			connection.createStatement()
				.execute("CREATE TABLE ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY, token BIGINT NOT NULL,"
						+ " what VARCHAR(64)) ENGINE = InnoDB");
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

	private ConfigurableApplicationContext runActive(String name) throws Exception {
		ConfigurableApplicationContext context = TestGuards.application(LedgerConfiguration.class)
			.run("--zeph.pidfile.path=" + this.temp.resolve(name + ".pid"), "--zeph.pidfile.mode=standby",
					"--zeph.pidfile.cluster.enabled=true", "--zeph.pidfile.cluster.name=" + name,
					"--zeph.pidfile.cluster.url=" + server.url(), "--zeph.pidfile.cluster.username=" + LockDatabase.USER,
					"--zeph.pidfile.cluster.password=" + LockDatabase.PASSWORD,
					"--zeph.pidfile.cluster.fencing.enabled=true",
					"--zeph.pidfile.cluster.fencing.initialize-schema=always");
		this.contexts.add(context);
		Polling.await(context.getBean(ApplicationClusterLock.class)::isActive, "the instance to become active");
		return context;
	}

	private static int rows(String what) {
		return server.queryInt("SELECT count(*) FROM app.ledger WHERE what = '" + what + "'");
	}

	@Test
	void fencedWriteShouldCommitUnderTheTokenAndGiveTheConnectionBackWithItsIdleBound() throws Exception {
		ConfigurableApplicationContext context = runActive("mariadb-ledger");
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		long before = jdbc.queryForObject("SELECT @@session.wait_timeout", Long.class);
		long token = context.getBean(ApplicationClusterLock.class).getFencingToken().getAsLong();
		assertThat(server.queryInt("SELECT token FROM app.zeph_lock_fence WHERE name = 'mariadb-ledger'"))
			.isEqualTo((int) token);
		context.getBean(Ledger.class).record("told");
		assertThat(server.queryInt("SELECT token FROM app.ledger WHERE what = 'told'")).isEqualTo((int) token);
		assertThat(context.getBean(Ledger.class).idleBoundInTheTransaction("bounded")).isEqualTo(6);
		assertThat(jdbc.queryForObject("SELECT @@session.wait_timeout", Long.class)).as("the same connection, after")
			.isEqualTo(before);
	}

	@Test
	void passedTokenShouldFailTheWriteAndStepTheInstanceDown() throws Exception {
		ConfigurableApplicationContext context = runActive("mariadb-passed");
		ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
		long token = lock.getFencingToken().getAsLong();
		server.execute("UPDATE app.zeph_lock_fence SET token = token + 1 WHERE name = 'mariadb-passed'");
		assertThatExceptionOfType(FencedOutException.class)
			.isThrownBy(() -> context.getBean(Ledger.class).record("passed"))
			.isInstanceOf(NonTransientDataAccessException.class)
			.withMessageContaining("Fencing token " + token + " of cluster lock 'mariadb-passed'")
			.withMessageContaining("is no longer current: token " + (token + 1) + " is")
			.withMessageEndingWith("This instance stepped down");
		assertThat(rows("passed")).isZero();
		Polling.await(() -> lock.getFencingToken().orElse(0) == token + 2, "the lock taken again with a new token");
		context.getBean(Ledger.class).record("passed-again");
		assertThat(rows("passed-again")).isOne();
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableTransactionManagement
	static class LedgerConfiguration {

		/** One connection, lent to each transaction in turn, as a pool of one would. */
		@Bean
		SingleConnectionDataSource dataSource() {
			SingleConnectionDataSource dataSource = new SingleConnectionDataSource(server.url(), LockDatabase.USER,
					LockDatabase.PASSWORD, true);
			dataSource.setAutoCommit(true);
			return dataSource;
		}

		@Bean
		DataSourceTransactionManager transactionManager(DataSource dataSource) {
			return new DataSourceTransactionManager(dataSource);
		}

		@Bean
		JdbcTemplate jdbcTemplate(DataSource dataSource) {
			return new JdbcTemplate(dataSource);
		}

		@Bean
		Ledger ledger(JdbcTemplate jdbc, Fence fence) {
			return new Ledger(jdbc, fence);
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

		@Transactional
		@Fenced
		public long idleBoundInTheTransaction(String what) {
			record(what);
			return this.jdbc.queryForObject("SELECT @@session.wait_timeout", Long.class);
		}

	}

}
