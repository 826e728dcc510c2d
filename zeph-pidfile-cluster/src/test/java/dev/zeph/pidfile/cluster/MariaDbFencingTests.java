package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.zeph.pidfile.cluster.ClusterLockSettings.Fencing;
import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Fencing tokens on MariaDB, through both drivers: the increment on the lock's session, the
 * check in the writer's transaction, and how the two wait for each other on the counter's row.
 */
class MariaDbFencingTests {

	private static MariaDbServer server;

	@BeforeAll
	static void startServer() throws Exception {
		server = MariaDbServer.start();
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, token BIGINT NOT NULL,"
					+ " writer VARCHAR(64)) ENGINE = InnoDB");
		}
	}

	@AfterAll
	static void stopServer() throws Exception {
		if (server != null) {
			server.close();
		}
	}

	private static ClusterLockSettings settings(String name, String table, boolean initializeSchema) {
		return ClusterLockSettings.of(name, server.url(), LockDatabase.USER, LockDatabase.PASSWORD)
			.withFencing(new Fencing(table, initializeSchema));
	}

	private static Connection connect() throws SQLException {
		return DriverManager.getConnection(server.url(), LockDatabase.USER, LockDatabase.PASSWORD);
	}

	private static ClusterLock acquire(ClusterLockSettings settings) throws ClusterLockException {
		return ClusterLock.acquire(settings, new ClusterLock.Listener() {
		});
	}

	/** A transaction that checks the token and writes a row of it, left open. */
	private static Connection checkAndWrite(FencingToken token, String writer) throws Exception {
		Connection connection = connect();
		connection.setAutoCommit(false);
		try {
			token.check(connection);
			try (PreparedStatement insert = connection
				.prepareStatement("INSERT INTO writes (token, writer) VALUES (?, ?)")) {
				insert.setLong(1, token.getValue());
				insert.setString(2, writer);
				insert.executeUpdate();
			}
			return connection;
		}
		catch (Exception ex) {
			connection.close();
			throw ex;
		}
	}

	private static CompletableFuture<ClusterLock> awaitInBackground(ClusterLockSettings settings) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return ClusterLock.await(settings, Duration.ZERO, new ClusterLock.Listener() {
				});
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/**
	 * The transactions that wait for a row lock, as the engine's own status tells them: its
	 * {@code INNODB_TRX} table is a cache, and may not show a wait that began a moment ago.
	 */
	private static int transactionsWaitingForALock() {
		try (Connection admin = server.admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery("SHOW ENGINE INNODB STATUS")) {
			result.next();
			return result.getString(3).split("TRX HAS BEEN WAITING", -1).length - 1;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void awaitIncrementWaiting(CompletableFuture<ClusterLock> next) throws InterruptedException {
		Polling.await(() -> next.isDone() || transactionsWaitingForALock() > 0, "the increment to wait on the row");
		assertThat(next).as("the new holder, its increment waiting").isNotDone();
	}

	private static long waitTimeout(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT @@session.wait_timeout")) {
			result.next();
			return result.getLong(1);
		}
	}

	@Test
	void acquireWithFencingShouldCreateTheTableAndRaiseTheTokenWithEachTenure() throws Exception {
		ClusterLockSettings settings = settings("invoices", "fence_created", true);
		try (ClusterLock first = acquire(settings)) {
			FencingToken token = first.getFencingToken().orElseThrow();
			assertThat(token.getValue()).isEqualTo(1);
			assertThat(token.getTable()).isEqualTo("app.fence_created");
			assertThat(token.isSynchronouslyReplicated()).isFalse();
			assertThat(server.queryInt("SELECT count(*) FROM app.fence_created WHERE name = 'invoices' AND token = 1"
					+ " AND holder = 'PID " + ProcessHandle.current().pid() + " on " + first.getIdentity().host() + "'"))
				.isOne();
		}
		try (ClusterLock second = acquire(settings)) {
			assertThat(second.getFencingToken().orElseThrow().getValue()).isEqualTo(2);
		}
	}

	@Test
	void raiseAndCheckShouldWorkThroughMySqlsDriver() throws Exception {
		MariaDbServer mysql = server.withMySqlDriver();
		ClusterLockSettings settings = ClusterLockSettings.of("through-connector-j", mysql.url(), LockDatabase.USER,
				LockDatabase.PASSWORD)
			.withFencing(new Fencing("zeph_lock_fence", true));
		FencingToken earlier;
		try (ClusterLock lock = acquire(settings)) {
			earlier = lock.getFencingToken().orElseThrow();
		}
		try (ClusterLock lock = acquire(settings);
				Connection connection = DriverManager.getConnection(mysql.url(), LockDatabase.USER,
						LockDatabase.PASSWORD)) {
			FencingToken current = lock.getFencingToken().orElseThrow();
			assertThat(current.getValue()).isEqualTo(earlier.getValue() + 1);
			connection.setAutoCommit(false);
			current.check(connection);
			connection.rollback();
			assertThatExceptionOfType(StaleFencingTokenException.class).isThrownBy(() -> earlier.check(connection));
			connection.rollback();
		}
	}

	/**
	 * The refusal names the table and the statements to run; run as written, they make the
	 * next start succeed.
	 */
	@Test
	void acquireWithFencingWhenTheTableIsMissingShouldRefuseNamingItAndTheStatementsToRun() throws Exception {
		ClusterLockSettings settings = settings("shipments", "fence_missing", false);
		ClusterLockUnavailableException refused = assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> acquire(settings))
			.actual();
		assertThat(refused.getReason()).isEqualTo(Reason.FENCING);
		String create = FencingSchema.MYSQL.createTable("app.fence_missing");
		assertThat(refused.getMessage()).contains("The fencing table app.fence_missing does not exist")
			.contains(create)
			.contains("GRANT SELECT, INSERT, UPDATE ON app.fence_missing TO 'app'@'");
		String grant = refused.getMessage().substring(refused.getMessage().indexOf("GRANT "));
		server.execute(create, grant.substring(0, grant.indexOf(';')));
		try (ClusterLock lock = acquire(settings)) {
			assertThat(lock.getFencingToken().orElseThrow().getValue()).isOne();
		}
		assertThat(server.queryInt("SELECT count(*) FROM information_schema.TABLES WHERE TABLE_NAME = 'fence_missing'"
				+ " AND ENGINE = 'InnoDB'")).isOne();
	}

	@Test
	void acquireWithFencingWhenTheUserMayNotWriteTheTableShouldRefuseNamingTheGrant() throws Exception {
		server.execute(FencingSchema.MYSQL.createTable("app.fence_owned"), "CREATE USER reader@'%' IDENTIFIED BY 'reader-secret'",
				"CREATE USER reader@localhost IDENTIFIED BY 'reader-secret'", "GRANT SELECT ON app.* TO reader@'%'",
				"GRANT SELECT ON app.* TO reader@localhost");
		ClusterLockSettings settings = ClusterLockSettings.of("owned", server.url(), "reader", "reader-secret")
			.withFencing(new Fencing("fence_owned", false));
		ClusterLockUnavailableException refused = assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> acquire(settings))
			.actual();
		assertThat(refused.getReason()).isEqualTo(Reason.FENCING);
		assertThat(refused.getMessage()).contains("User 'reader'@'")
			.contains("may not write the fencing table app.fence_owned")
			.contains("GRANT SELECT, INSERT, UPDATE ON app.fence_owned TO 'reader'@'");
		String grant = refused.getMessage().substring(refused.getMessage().indexOf("GRANT "));
		server.execute(grant.substring(0, grant.indexOf(';')));
		try (ClusterLock lock = acquire(settings)) {
			assertThat(lock.getFencingToken().orElseThrow().getValue()).isOne();
		}
	}

	@Test
	void acquireWithFencingWhenTheUrlNamesNoDatabaseShouldRefuseSayingWhere() throws Exception {
		ClusterLockSettings settings = ClusterLockSettings
			.of("nowhere", "jdbc:mariadb://127.0.0.1:" + server.port() + "/", LockDatabase.USER, LockDatabase.PASSWORD)
			.withFencing(new Fencing("zeph_lock_fence", true));
		assertThatExceptionOfType(ClusterLockUnavailableException.class).isThrownBy(() -> acquire(settings))
			.withMessageContaining("the fencing table zeph_lock_fence is in no database: the URL names none")
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.FENCING));
	}

	@Test
	void checkShouldPassForTheCurrentTokenAndRefuseAnEarlierOneNamingTheCurrent() throws Exception {
		ClusterLockSettings settings = settings("orders-check", "zeph_lock_fence", true);
		FencingToken earlier;
		try (ClusterLock lock = acquire(settings)) {
			earlier = lock.getFencingToken().orElseThrow();
		}
		try (ClusterLock lock = acquire(settings); Connection connection = connect()) {
			FencingToken current = lock.getFencingToken().orElseThrow();
			connection.setAutoCommit(false);
			current.check(connection);
			connection.rollback();
			StaleFencingTokenException stale = assertThatExceptionOfType(StaleFencingTokenException.class)
				.isThrownBy(() -> earlier.check(connection))
				.actual();
			connection.rollback();
			assertThat(stale.getToken()).isEqualTo(earlier.getValue());
			assertThat(stale.getCurrentToken()).hasValue(current.getValue());
			assertThat(stale.getMessage())
				.startsWith("Fencing token " + earlier.getValue() + " of cluster lock 'orders-check' on 127.0.0.1:")
				.contains("is no longer current: token " + current.getValue() + " is, taken by PID "
						+ ProcessHandle.current().pid())
				.contains(" UTC; the transaction must not commit");
		}
	}

	@Test
	void checkOnAConnectionInAutocommitShouldRefuseSayingWhy() throws Exception {
		try (ClusterLock lock = acquire(settings("autocommit", "zeph_lock_fence", true));
				Connection connection = connect()) {
			assertThatIllegalStateException().isThrownBy(() -> lock.getFencingToken().orElseThrow().check(connection))
				.withMessageContaining("checked on a connection in autocommit")
				.withMessageContaining("the increment can slip in before the write");
		}
	}

	/**
	 * The server bounds a session's idle time, not a transaction's: the check lowers the
	 * session's {@code wait_timeout} to the lock's server timeout, and the restore gives back
	 * what it was; a session with a shorter bound keeps it.
	 */
	@Test
	void checkShouldBoundTheSessionsIdleTimeUntilRestoredUnlessItHadAShorterBound() throws Exception {
		try (ClusterLock lock = acquire(settings("idle-bound", "zeph_lock_fence", true));
				Connection connection = connect()) {
			FencingToken token = lock.getFencingToken().orElseThrow();
			long before = waitTimeout(connection);
			long bound = (ClusterLockSettings.DEFAULT_SERVER_TIMEOUT.toMillis() + 999) / 1000;
			assertThat(before).isGreaterThan(bound);
			connection.setAutoCommit(false);
			token.check(connection);
			assertThat(waitTimeout(connection)).isEqualTo(bound);
			token.check(connection);
			connection.rollback();
			token.restore(connection);
			assertThat(waitTimeout(connection)).isEqualTo(before);
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET SESSION wait_timeout = 2");
			}
			token.check(connection);
			assertThat(waitTimeout(connection)).isEqualTo(2);
			connection.rollback();
			token.restore(connection);
			assertThat(waitTimeout(connection)).isEqualTo(2);
		}
	}

	/**
	 * A writer that checked the old token and then went quiet, as a frozen one does: the
	 * server ends its session after the lock's server timeout, which frees the row, and the
	 * new holder's increment goes ahead; the quiet writer's row is never committed.
	 */
	@Test
	void raisingTheTokenShouldWaitForAQuietWriterOnlyUntilTheServerEndsItsSession() throws Exception {
		ClusterLockSettings settings = settings("quiet-writer", "zeph_lock_fence", true)
			.withTimings(Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofMillis(700));
		ClusterLock old = acquire(settings);
		FencingToken oldToken = old.getFencingToken().orElseThrow();
		Connection quiet = checkAndWrite(oldToken, "quiet");
		old.close();
		try (ClusterLock next = awaitInBackground(settings).join()) {
			assertThat(next.getFencingToken().orElseThrow().getValue()).isEqualTo(oldToken.getValue() + 1);
			assertThat(next.getFencingToken().orElseThrow().getWaited()).isPositive();
			assertThatExceptionOfType(SQLException.class).isThrownBy(quiet::commit);
		}
		finally {
			quiet.close();
		}
		assertThat(server.queryInt("SELECT count(*) FROM app.writes WHERE writer = 'quiet'")).isZero();
	}

	/**
	 * A writer that checked the old token and has not committed holds the row in share mode:
	 * the new holder's increment waits for it, so every row of the old token commits before the
	 * new token exists, and a check of the old token that comes after fails.
	 */
	@Test
	void raisingTheTokenShouldWaitForATransactionThatCheckedTheEarlierOne() throws Exception {
		ClusterLockSettings settings = settings("orders-wait", "zeph_lock_fence", true);
		ClusterLock old = acquire(settings);
		FencingToken oldToken = old.getFencingToken().orElseThrow();
		try (Connection inFlight = checkAndWrite(oldToken, "old")) {
			old.close();
			CompletableFuture<ClusterLock> next = awaitInBackground(settings);
			awaitIncrementWaiting(next);
			long sawWaiting = System.nanoTime();
			assertThat(next).isNotDone();
			Thread.sleep(100);
			assertThat(next).isNotDone();
			inFlight.commit();
			long committed = System.nanoTime();
			try (ClusterLock lock = next.join()) {
				FencingToken newToken = lock.getFencingToken().orElseThrow();
				assertThat(newToken.getValue()).isEqualTo(oldToken.getValue() + 1);
				assertThat(newToken.getWaited()).isGreaterThanOrEqualTo(Duration.ofNanos(committed - sawWaiting));
				assertThatExceptionOfType(StaleFencingTokenException.class).isThrownBy(() -> checkAndWrite(oldToken, "late"));
				try (Connection connection = checkAndWrite(newToken, "new")) {
					connection.commit();
				}
			}
		}
		assertThat(server.queryInt("SELECT count(*) FROM app.writes WHERE writer = 'late'")).isZero();
		assertThat(server.queryInt("SELECT count(*) FROM app.writes WHERE writer IN ('old', 'new')")).isEqualTo(2);
	}

	/**
	 * InnoDB grants a share lock beside an exclusive one that waits: a check of the old token
	 * that begins while the increment waits passes, and the increment waits for its transaction
	 * too, so that every write of the old token commits before the new token exists.
	 */
	@Test
	void checkOfTheEarlierTokenWhileTheIncrementWaitsShouldHoldTheIncrementOffUntilItCommits() throws Exception {
		ClusterLockSettings settings = settings("orders-queue", "zeph_lock_fence", true);
		ClusterLock old = acquire(settings);
		FencingToken oldToken = old.getFencingToken().orElseThrow();
		Connection first = checkAndWrite(oldToken, "first");
		old.close();
		CompletableFuture<ClusterLock> next = awaitInBackground(settings);
		awaitIncrementWaiting(next);
		Connection second = checkAndWrite(oldToken, "second");
		first.commit();
		first.close();
		Thread.sleep(1500);
		assertThat(next).as("the increment waits for the second transaction").isNotDone();
		assertThat(transactionsWaitingForALock()).isOne();
		second.commit();
		second.close();
		try (ClusterLock lock = next.join()) {
			assertThat(lock.getFencingToken().orElseThrow().getValue()).isEqualTo(oldToken.getValue() + 1);
			assertThatExceptionOfType(StaleFencingTokenException.class).isThrownBy(() -> checkAndWrite(oldToken, "third"));
		}
		assertThat(server.queryInt("SELECT count(*) FROM app.writes WHERE writer IN ('first', 'second')")).isEqualTo(2);
		assertThat(server.queryInt("SELECT count(*) FROM app.writes WHERE writer = 'third'")).isZero();
	}

}
