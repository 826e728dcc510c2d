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
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Fencing tokens against a real PostgreSQL server: the table, its refusals, the increment of
 * each tenure, and the check in a writer's transaction.
 */
class ClusterLockFencingTests {

	private static PostgresServer server;

	@BeforeAll
	static void startServer() throws Exception {
		server = PostgresServer.start();
		// PostgreSQL 15 and later let only the owner create in public, as a production database would
		admin("GRANT CREATE ON SCHEMA public TO " + PostgresServer.USER);
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE writes (id BIGSERIAL PRIMARY KEY, token BIGINT NOT NULL, writer TEXT)");
			statement.execute(FencingSchema.POSTGRESQL.createTable("public.zeph_lock_fence"));
		}
	}

	@AfterAll
	static void stopServer() throws Exception {
		if (server != null) {
			server.close();
		}
	}

	private static ClusterLockSettings settings(String name, String table, boolean initializeSchema) {
		return ClusterLockSettings.of(name, server.url(), PostgresServer.USER, PostgresServer.PASSWORD)
			.withFencing(new Fencing(table, initializeSchema));
	}

	private static Connection connect() throws SQLException {
		return DriverManager.getConnection(server.url(), PostgresServer.USER, PostgresServer.PASSWORD);
	}

	private static void admin(String sql) throws SQLException {
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			statement.execute(sql);
		}
	}

	/** A transaction that checks the token and writes a row of it, left open. */
	private static Connection checkAndWrite(FencingToken token, String writer) throws Exception {
		Connection connection = connect();
		connection.setAutoCommit(false);
		token.check(connection);
		try (PreparedStatement insert = connection.prepareStatement("INSERT INTO writes (token, writer) VALUES (?, ?)")) {
			insert.setLong(1, token.getValue());
			insert.setString(2, writer);
			insert.executeUpdate();
		}
		return connection;
	}

	private static long token(ClusterLock lock) {
		return lock.getFencingToken().orElseThrow().getValue();
	}

	@Test
	void acquireWithFencingShouldCreateTheTableAndRaiseTheTokenWithEachTenure() throws Exception {
		ClusterLockSettings settings = settings("invoices", "fence_created", true);
		try (ClusterLock first = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		})) {
			FencingToken token = first.getFencingToken().orElseThrow();
			assertThat(token.getValue()).isEqualTo(1);
			assertThat(token.getTable()).isEqualTo("public.fence_created");
			assertThat(token.isSynchronouslyReplicated()).isFalse();
			assertThat(token.getReplicationWarning()).isEmpty();
			assertThat(server.queryInt("SELECT count(*) FROM fence_created WHERE name = 'invoices' AND token = 1"
					+ " AND holder = 'PID " + ProcessHandle.current().pid() + " on " + first.getIdentity().host() + "'"))
				.isOne();
		}
		try (ClusterLock second = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		})) {
			assertThat(token(second)).isEqualTo(2);
		}
	}

	@Test
	void acquireWithoutFencingShouldHandOutNoToken() throws Exception {
		try (ClusterLock lock = ClusterLock.acquire(
				ClusterLockSettings.of("unfenced", server.url(), PostgresServer.USER, PostgresServer.PASSWORD),
				new ClusterLock.Listener() {
				})) {
			assertThat(lock.getFencingToken()).isEmpty();
		}
	}

	/**
	 * The refusal names the table and the statements to run; run by the owner as written,
	 * they make the next start succeed.
	 */
	@Test
	void acquireWithFencingWhenTheTableIsMissingShouldRefuseNamingItAndTheStatementsToRun() throws Exception {
		ClusterLockSettings settings = settings("shipments", "fence_missing", false);
		ClusterLockUnavailableException refused = assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
			}))
			.actual();
		assertThat(refused.getReason()).isEqualTo(Reason.FENCING);
		String create = "CREATE TABLE IF NOT EXISTS public.fence_missing (name TEXT NOT NULL PRIMARY KEY, token BIGINT"
				+ " NOT NULL, holder TEXT NOT NULL, acquired_at TIMESTAMP WITH TIME ZONE NOT NULL)";
		String grant = "GRANT SELECT, INSERT, UPDATE ON public.fence_missing TO app;";
		assertThat(refused.getMessage()).startsWith("Cluster lock 'shipments' on 127.0.0.1:")
			.contains("The fencing table public.fence_missing does not exist")
			.contains(create)
			.contains(grant);
		// the lock is let go with the refusal
		try (ClusterLock unfenced = ClusterLock.acquire(
				ClusterLockSettings.of("shipments", server.url(), PostgresServer.USER, PostgresServer.PASSWORD),
				new ClusterLock.Listener() {
				})) {
			assertThat(unfenced.isHeld()).isTrue();
		}
		admin(create);
		admin(grant);
		try (ClusterLock lock = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		})) {
			assertThat(token(lock)).isOne();
		}
	}

	@Test
	void acquireWithFencingWhenTheRoleMayNotWriteTheTableShouldRefuseNamingTheGrant() throws Exception {
		admin(FencingSchema.POSTGRESQL.createTable("public.fence_owned"));
		ClusterLockSettings settings = settings("payments", "fence_owned", true);
		ClusterLockUnavailableException refused = assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
			}))
			.actual();
		assertThat(refused.getReason()).isEqualTo(Reason.FENCING);
		assertThat(refused.getMessage()).contains("permission denied for table fence_owned")
			.contains("Role app may not write the fencing table public.fence_owned: as a role that may grant it, run GRANT SELECT,"
					+ " INSERT, UPDATE ON public.fence_owned TO app;");
		admin("GRANT SELECT, INSERT, UPDATE ON public.fence_owned TO app");
		try (ClusterLock lock = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		})) {
			assertThat(token(lock)).isOne();
		}
	}

	@Test
	void acquireWithFencingAndInitializeSchemaInASchemaThatIsMissingShouldRefuseNamingIt() throws Exception {
		ClusterLockSettings settings = settings("refunds", "ledger.fence", true);
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
			}))
			.satisfies((refused) -> assertThat(refused.getReason()).isEqualTo(Reason.FENCING))
			.withMessageContaining("The schema of the fencing table ledger.fence does not exist");
	}

	@Test
	void acquireWithFencingAndInitializeSchemaWhereTheRoleMayNotCreateShouldRefuseNamingTheStatements()
			throws Exception {
		admin("CREATE SCHEMA audit");
		ClusterLockSettings settings = settings("audits", "audit.fence", true);
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
			}))
			.satisfies((refused) -> assertThat(refused.getReason()).isEqualTo(Reason.FENCING))
			.withMessageContaining("creating audit.fence failed: ERROR: permission denied for schema audit")
			.withMessageContaining("Role app may not create the fencing table audit.fence: create it as a role that"
					+ " may, with: CREATE TABLE IF NOT EXISTS audit.fence (")
			.withMessageContaining("GRANT SELECT, INSERT, UPDATE ON audit.fence TO app;");
	}

	@Test
	void checkShouldPassForTheCurrentTokenAndRefuseAnEarlierOneNamingTheCurrent() throws Exception {
		ClusterLockSettings settings = settings("orders-check", "zeph_lock_fence", true);
		FencingToken earlier;
		try (ClusterLock lock = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		})) {
			earlier = lock.getFencingToken().orElseThrow();
		}
		try (ClusterLock lock = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		}); Connection connection = connect()) {
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
			assertThat(stale.getMessage()).startsWith("Fencing token " + earlier.getValue()
					+ " of cluster lock 'orders-check' on 127.0.0.1:")
				.contains("is no longer current: token " + current.getValue() + " is, taken by PID "
						+ ProcessHandle.current().pid());
		}
	}

	@Test
	void checkOnAConnectionInAutocommitShouldRefuseSayingWhy() throws Exception {
		try (ClusterLock lock = ClusterLock.acquire(settings("autocommit", "zeph_lock_fence", true),
				new ClusterLock.Listener() {
				}); Connection connection = connect()) {
			assertThatIllegalStateException().isThrownBy(() -> lock.getFencingToken().orElseThrow().check(connection))
				.withMessageContaining("checked on a connection in autocommit")
				.withMessageContaining("the increment can slip in before the write");
		}
	}

	@Test
	void checkAfterAWriteInTheTransactionShouldRefuseSayingItMustComeFirst() throws Exception {
		try (ClusterLock lock = ClusterLock.acquire(settings("late-check", "zeph_lock_fence", true),
				new ClusterLock.Listener() {
				}); Connection connection = connect()) {
			connection.setAutoCommit(false);
			try (Statement statement = connection.createStatement()) {
				statement.executeUpdate("INSERT INTO writes (token, writer) VALUES (0, 'unfenced')");
			}
			assertThatIllegalStateException().isThrownBy(() -> lock.getFencingToken().orElseThrow().check(connection))
				.withMessageContaining("checked in a transaction that had written already");
			connection.rollback();
		}
	}

	@Test
	void checkShouldBoundTheIdleTimeOfItsTransactionUnlessTheSessionHasAShorterBound() throws Exception {
		try (ClusterLock lock = ClusterLock.acquire(settings("idle-bound", "zeph_lock_fence", true),
				new ClusterLock.Listener() {
				}); Connection connection = connect()) {
			FencingToken token = lock.getFencingToken().orElseThrow();
			connection.setAutoCommit(false);
			token.check(connection);
			assertThat(setting(connection, "idle_in_transaction_session_timeout")).isEqualTo("6s");
			connection.rollback();
			assertThat(setting(connection, "idle_in_transaction_session_timeout")).isEqualTo("0");
			try (Statement statement = connection.createStatement()) {
				statement.execute("SET idle_in_transaction_session_timeout = '2s'");
			}
			connection.commit();
			token.check(connection);
			assertThat(setting(connection, "idle_in_transaction_session_timeout")).isEqualTo("2s");
			connection.rollback();
		}
	}

	private static String setting(Connection connection, String name) throws SQLException {
		try (Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SHOW " + name)) {
			result.next();
			return result.getString(1);
		}
	}

	/**
	 * A writer that checked the old token and has not committed holds the row {@code FOR SHARE}:
	 * the new holder's increment waits for it, so every row of the old token commits before the
	 * new token exists, and a check of the old token that comes after fails.
	 */
	@Test
	void raisingTheTokenShouldWaitForATransactionThatCheckedTheEarlierOne() throws Exception {
		ClusterLockSettings settings = settings("orders-wait", "zeph_lock_fence", true);
		ClusterLock old = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		});
		FencingToken oldToken = old.getFencingToken().orElseThrow();
		try (Connection inFlight = checkAndWrite(oldToken, "old")) {
			old.close();
			CompletableFuture<ClusterLock> next = CompletableFuture.supplyAsync(() -> {
				try {
					return ClusterLock.await(settings, Duration.ZERO, new ClusterLock.Listener() {
					});
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			Polling.await(() -> server.queryInt("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE"
					+ " 'zeph:orders-wait%' AND wait_event_type = 'Lock'") > 0, "the increment to wait on the row");
			long sawWaiting = System.nanoTime();
			assertThat(next).isNotDone();
			Thread.sleep(100);
			inFlight.commit();
			long committed = System.nanoTime();
			try (ClusterLock lock = next.join()) {
				FencingToken newToken = lock.getFencingToken().orElseThrow();
				assertThat(newToken.getValue()).isEqualTo(oldToken.getValue() + 1);
				// it waited at least from when it was seen waiting until the commit freed the row
				assertThat(newToken.getWaited()).isGreaterThanOrEqualTo(Duration.ofNanos(committed - sawWaiting));
				assertThatExceptionOfType(StaleFencingTokenException.class).isThrownBy(() -> checkAndWrite(oldToken, "late"));
				checkAndWrite(newToken, "new").commit();
			}
		}
		assertThat(server.queryInt("SELECT count(*) FROM writes WHERE writer = 'late'")).isZero();
		// the old row committed before the increment, which committed before the new row
		assertThat(server.queryInt("SELECT count(*) FROM writes o, writes n, zeph_lock_fence f"
				+ " WHERE o.writer = 'old' AND n.writer = 'new' AND f.name = 'orders-wait'"
				+ " AND pg_xact_commit_timestamp(o.xmin) < pg_xact_commit_timestamp(f.xmin)"
				+ " AND pg_xact_commit_timestamp(f.xmin) < pg_xact_commit_timestamp(n.xmin)")).isOne();
	}

	/**
	 * A check that begins while the new holder's increment waits for the row waits behind it,
	 * then reads the new token: it cannot pass with the old one.
	 */
	@Test
	void checkOfTheEarlierTokenWhileTheIncrementWaitsShouldFailOnceItCommits() throws Exception {
		ClusterLockSettings settings = settings("orders-queue", "zeph_lock_fence", true);
		ClusterLock old = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		});
		FencingToken oldToken = old.getFencingToken().orElseThrow();
		Connection inFlight = checkAndWrite(oldToken, "first");
		old.close();
		CompletableFuture<ClusterLock> next = CompletableFuture.supplyAsync(() -> {
			try {
				return ClusterLock.await(settings, Duration.ZERO, new ClusterLock.Listener() {
				});
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		Polling.await(() -> server.queryInt("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE"
				+ " 'zeph:orders-queue%' AND wait_event_type = 'Lock'") > 0, "the increment to wait on the row");
		inFlight.commit();
		inFlight.close();
		try (ClusterLock lock = next.join()) {
			assertThat(token(lock)).isEqualTo(oldToken.getValue() + 1);
			assertThatExceptionOfType(StaleFencingTokenException.class).isThrownBy(() -> checkAndWrite(oldToken, "second"));
		}
		assertThat(server.queryInt("SELECT count(*) FROM writes WHERE writer = 'second'")).isZero();
	}

	@Test
	void fencedOutShouldStopBeingActiveAndTellOfALossAndLetAnotherTakeTheLock() throws Exception {
		Witness witness = new Witness();
		ClusterLockSettings settings = settings("fenced-out", "zeph_lock_fence", true);
		try (ClusterLock lock = ClusterLock.acquire(settings, witness.listener("a"))) {
			Polling.await(lock::isActive, "a to become active");
			lock.fencedOut("token 1 refused by the ledger");
			assertThat(lock.isActive()).isFalse();
			assertThat(lock.isHeld()).isFalse();
			assertThat(lock.getLossReason()).hasValue("fenced out: token 1 refused by the ledger");
			Polling.await(() -> witness.saw("a", "lost: fenced out"), "a to be told");
			assertThat(witness.count("a", "lost")).isOne();
			try (ClusterLock next = ClusterLock.acquire(settings, witness.listener("b"))) {
				assertThat(token(next)).isEqualTo(2);
			}
		}
	}

	/**
	 * A commit whose wait for synchronous standbys an operator cancels is committed on the
	 * primary only: the token comes with the server's warning.
	 */
	@Test
	void incrementWhoseWaitForStandbysWasCancelledShouldCarryTheServersWarning() throws Exception {
		admin("ALTER SYSTEM SET synchronous_standby_names = 'nosuchstandby'");
		admin("SELECT pg_reload_conf()");
		try {
			ClusterLockSettings settings = ClusterLockSettings.of("sync", server.url(), PostgresServer.USER,
					PostgresServer.PASSWORD)
				.withTimings(Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(10))
				.withFencing(new Fencing("zeph_lock_fence", false));
			CompletableFuture<ClusterLock> acquiring = CompletableFuture.supplyAsync(() -> {
				try {
					return ClusterLock.acquire(settings, new ClusterLock.Listener() {
					});
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			String waiting = "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'zeph:sync%'"
					+ " AND wait_event = 'SyncRep'";
			Polling.await(() -> server.queryInt(waiting) > 0, "the increment to wait for the standby");
			admin("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'zeph:sync%'"
					+ " AND wait_event = 'SyncRep'");
			try (ClusterLock lock = acquiring.join()) {
				FencingToken token = lock.getFencingToken().orElseThrow();
				assertThat(token.isSynchronouslyReplicated()).isTrue();
				assertThat(token.getReplicationWarning()).hasValueSatisfying((warning) -> assertThat(warning)
					.contains("canceling wait for synchronous replication")
					.contains("might not have been replicated"));
			}
		}
		finally {
			admin("ALTER SYSTEM RESET synchronous_standby_names");
			admin("SELECT pg_reload_conf()");
		}
	}

}
