package dev.zeph.pidfile.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import dev.zeph.pidfile.testsupport.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@link ClusterLock} against a real PostgreSQL server: taking, refusing, waiting, handing
 * over, and the configurations and servers it refuses.
 */
class ClusterLockTests {

	private static final long PID = ProcessHandle.current().pid();

	private static PostgresServer server;

	@BeforeAll
	static void startServer() throws Exception {
		server = PostgresServer.start();
	}

	@AfterAll
	static void stopServer() throws Exception {
		if (server != null) {
			server.close();
		}
	}

	/** A port of the loopback address that nothing listens on. */
	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private static ClusterLockSettings settings(String name) {
		return ClusterLockSettings.of(name, server.url(), PostgresServer.USER, PostgresServer.PASSWORD);
	}

	@Test
	void acquireShouldWriteWhoHoldsTheLockWhereAnotherRoleCanReadIt() throws Exception {
		try (ClusterLock lock = ClusterLock.acquire(settings("orders"), new ClusterLock.Listener() {
		}); Connection other = server.admin();
				PreparedStatement statement = other
					.prepareStatement("SELECT application_name FROM pg_stat_activity WHERE pid = ?")) {
			statement.setLong(1, lock.getBackendPid());
			try (ResultSet result = statement.executeQuery()) {
				assertThat(result.next()).isTrue();
				String host = InetAddress.getLocalHost().getHostName();
				assertThat(result.getString(1)).startsWith("zeph:orders:" + host + ":" + PID + ":")
					.isEqualTo(lock.getIdentity().toApplicationName());
			}
			assertThat(lock.getDatabase()).isEqualTo("127.0.0.1:" + server.port() + "/postgres");
		}
	}

	@Test
	void listenerThatThrowsOnActivationShouldNotCostTheLock() throws Exception {
		AtomicInteger activations = new AtomicInteger();
		List<String> losses = new CopyOnWriteArrayList<>();
		try (ClusterLock lock = ClusterLock.acquire(settings("orders"), new ClusterLock.Listener() {

			@Override
			public void activated(ClusterLock lock) {
				activations.incrementAndGet();
				throw new IllegalStateException("the listener's own failure");
			}

			@Override
			public void lost(ClusterLock lock, String reason, boolean wasActive) {
				losses.add(reason);
			}

		})) {
			Polling.await(() -> activations.get() == 1, "the activation");
			long thrown = System.nanoTime();
			Polling.await(() -> lock.getLastHeartbeatAge().toNanos() < System.nanoTime() - thrown,
					"a heartbeat after the listener threw");
			assertThat(lock.isActive()).isTrue();
			assertThat(lock.getLossReason()).isEmpty();
			assertThat(losses).isEmpty();
		}
	}

	@Test
	void acquireWhenASchemaSearchedFirstShadowsTheCatalogShouldTakeTheRealLock() throws Exception {
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			statement.execute("CREATE SCHEMA shadow");
			statement.execute("CREATE FUNCTION shadow.pg_try_advisory_lock(integer, integer) RETURNS boolean"
					+ " LANGUAGE sql AS 'SELECT true'");
			statement.execute("CREATE VIEW shadow.pg_locks AS SELECT * FROM pg_catalog.pg_locks WHERE false");
			statement.execute("GRANT USAGE ON SCHEMA shadow TO " + PostgresServer.USER);
			statement.execute("GRANT SELECT ON shadow.pg_locks TO " + PostgresServer.USER);
		}
		try {
			String url = server.url() + "?options=-c%20search_path%3Dshadow,pg_catalog";
			ClusterLockSettings settings = ClusterLockSettings.of("orders", url, PostgresServer.USER,
					PostgresServer.PASSWORD);
			try (ClusterLock first = ClusterLock.acquire(settings, new ClusterLock.Listener() {
			})) {
				assertThat(server.heldLocks(LockKey.SPACE)).isOne();
				assertThatExceptionOfType(ClusterLockHeldException.class)
					.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
					}))
					.satisfies((ex) -> assertThat(ex.getHolder().backendPid()).isEqualTo(first.getBackendPid()));
				Thread.sleep(settings.heartbeatInterval().multipliedBy(3).toMillis());
				assertThat(first.isHeld()).isTrue();
			}
		}
		finally {
			try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
				statement.execute("DROP SCHEMA shadow CASCADE");
			}
		}
	}

	@Test
	void acquireWhenTheServerAcceptsButNeverAnswersShouldSayTheReadTimedOut() throws Exception {
		try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			ClusterLockSettings settings = ClusterLockSettings.of("orders",
					"jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/db", PostgresServer.USER,
					PostgresServer.PASSWORD);
			assertThatExceptionOfType(ClusterLockUnavailableException.class)
				.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
				}))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.UNREACHABLE))
				.withMessageContaining("(SQLState 08001)")
				.withMessageContaining("caused by java.net.SocketTimeoutException: Read timed out");
		}
	}

	@Test
	void awaitShouldTryOnOneSessionRatherThanLogInForEachTry() throws Exception {
		try (ClusterLock first = ClusterLock.acquire(settings("orders"), new ClusterLock.Listener() {
		})) {
			CompletableFuture<ClusterLock> second = CompletableFuture.supplyAsync(() -> {
				try {
					return ClusterLock.await(settings("orders"), Duration.ZERO, new ClusterLock.Listener() {
					});
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			try {
				Polling.await(() -> waitingSessions().size() == 1, "the waiting session");
				List<Long> before = waitingSessions();
				Thread.sleep(ClusterLockSettings.DEFAULT_ACQUIRE_INTERVAL.toMillis() * 4);
				assertThat(waitingSessions()).as("the same session after several tries").isEqualTo(before);
			}
			finally {
				first.close();
				second.join().close();
			}
		}
	}

	/** The backends of sessions that wait for 'orders': named for the lock, not yet for a holder. */
	private static List<Long> waitingSessions() {
		try (Connection admin = server.admin();
				PreparedStatement statement = admin
					.prepareStatement("SELECT pid FROM pg_stat_activity WHERE application_name = 'zeph:orders'");
				ResultSet result = statement.executeQuery()) {
			List<Long> pids = new ArrayList<>();
			while (result.next()) {
				pids.add(result.getLong(1));
			}
			return pids;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A session that merely ends frees its lock only once its server process has gone, after
	 * the client's close returned; so close frees the lock itself and returns once the server
	 * did. The lock's server process is frozen for a moment to hold the server back.
	 */
	@Test
	void closeShouldReturnOnlyOnceTheServerFreedTheLock() throws Exception {
		ClusterLockSettings settings = settings("orders").withTimings(Duration.ofSeconds(20), Duration.ofMillis(500),
				Duration.ofSeconds(10));
		ClusterLock lock = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		});
		long backend = lock.getBackendPid();
		CompletableFuture<Void> closing;
		server.signal(backend, "STOP");
		try {
			closing = CompletableFuture.runAsync(lock::close);
			Thread.sleep(500);
			assertThat(closing).as("close returned while the server still held the lock").isNotDone();
		}
		finally {
			server.signal(backend, "CONT");
		}
		closing.join();
		assertThat(lock.isActive()).isFalse();
		ClusterLock.acquire(settings("orders"), new ClusterLock.Listener() {
		}).close();
	}

	@Test
	void acquireWhenTheServerIsAStandbyShouldRefuseAsAReplica() throws Exception {
		try (PostgresServer standby = server.startStandby()) {
			ClusterLockSettings settings = ClusterLockSettings.of("orders", standby.url(), PostgresServer.USER,
					PostgresServer.PASSWORD);
			assertThatExceptionOfType(ClusterLockUnavailableException.class)
				.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
				}))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.REPLICA))
				.withMessageContaining("read replica")
				.withMessageContaining("127.0.0.1:" + standby.port() + "/postgres");
		}
	}

	@Test
	void acquireWhenTheServerIsOlderThan14ShouldRefuseAsTooOld() throws Exception {
		try (PostgresServer old = PostgresServer.startVersion13()) {
			ClusterLockSettings settings = ClusterLockSettings.of("orders", old.url(), PostgresServer.USER,
					PostgresServer.PASSWORD);
			assertThatExceptionOfType(ClusterLockUnavailableException.class)
				.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
				}))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.SERVER_TOO_OLD))
				.withMessageContaining("PostgreSQL 13 has no idle_session_timeout")
				.withMessageContaining("127.0.0.1:" + old.port() + "/postgres");
			// closed by the client; the server process needs a moment to leave pg_stat_activity
			Polling.await(() -> old.sessionsOf("zeph:orders") == 0, "no session left behind");
		}
	}

	@Test
	void acquireWhenAnOldServerIsAcceptedShouldLockAndKeepTheNetworkLease() throws Exception {
		try (PostgresServer old = PostgresServer.startVersion13()) {
			ClusterLockSettings defaults = ClusterLockSettings.of("orders", old.url(), PostgresServer.USER,
					PostgresServer.PASSWORD);
			ClusterLockSettings settings = new ClusterLockSettings(defaults.name(), defaults.url(),
					defaults.username(), defaults.password(), defaults.serverTimeout(), defaults.heartbeatInterval(),
					defaults.heartbeatTimeout(), defaults.takeoverGrace(), defaults.acquireInterval(), true);
			Witness witness = new Witness();
			try (ClusterLock lock = ClusterLock.acquire(settings, witness.listener("a"))) {
				Polling.await(() -> witness.saw("a", "activated"), "a to become active");
				assertThat(lock.isActive()).isTrue();
				assertThat(old.heldLocks(LockKey.SPACE)).isOne();
			}
		}
	}

	@Test
	void acquireThroughATransactionPoolerShouldRefuseAsAPooler() throws Exception {
		try (PostgresServer.Pooler pooler = server.startPooler("transaction")) {
			ClusterLockSettings settings = ClusterLockSettings.of("orders", pooler.url(), PostgresServer.USER,
					PostgresServer.PASSWORD);
			assertThatExceptionOfType(ClusterLockUnavailableException.class)
				.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
				}))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.POOLER))
				.withMessageContaining("transaction pooler");
			assertThat(server.heldLocks(LockKey.SPACE)).isZero();
		}
	}

	@Test
	void acquireOnADirectConnectionShouldLogInOnce() throws Exception {
		try (TcpRelay network = new TcpRelay(server.port())) {
			ClusterLockSettings settings = ClusterLockSettings.of("orders",
					"jdbc:postgresql://127.0.0.1:" + network.port() + "/postgres", PostgresServer.USER,
					PostgresServer.PASSWORD);
			try (ClusterLock lock = ClusterLock.acquire(settings, new ClusterLock.Listener() {
			})) {
				assertThat(lock.isHeld()).isTrue();
				// the session that greeted is the one that answers: no second login looks for a pooler
				assertThat(network.accepted()).isOne();
			}
		}
	}

	@Test
	void acquireThroughASessionPoolerShouldLock() throws Exception {
		try (PostgresServer.Pooler pooler = server.startPooler("session")) {
			ClusterLockSettings settings = ClusterLockSettings.of("orders", pooler.url(), PostgresServer.USER,
					PostgresServer.PASSWORD);
			try (ClusterLock lock = ClusterLock.acquire(settings, new ClusterLock.Listener() {
			})) {
				assertThat(lock.isHeld()).isTrue();
				assertThat(server.heldLocks(LockKey.SPACE)).isOne();
			}
		}
	}

	@Test
	void acquireOnAConnectionOpenedAheadShouldTakeTheLockOnlyThen() throws Exception {
		try (ClusterLockConnection connection = ClusterLockConnection.open(settings("orders"))) {
			Polling.await(() -> server.sessionsOf("zeph:orders") == 1, "the session to open");
			assertThat(server.heldLocks(LockKey.SPACE)).isZero();
			try (ClusterLock lock = ClusterLock.acquire(connection, new ClusterLock.Listener() {
			})) {
				assertThat(server.heldLocks(LockKey.SPACE)).isOne();
				assertThat(lock.isHeld()).isTrue();
			}
		}
		assertThat(server.heldLocks(LockKey.SPACE)).isZero();
	}

	@Test
	void acquireOnAConnectionWhoseSessionWasTerminatedBeforeUseShouldOpenAnother() throws Exception {
		try (ClusterLockConnection connection = ClusterLockConnection.open(settings("orders"))) {
			Polling.await(() -> server.sessionsOf("zeph:orders") == 1, "the session to open");
			try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
				statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
						+ " WHERE application_name = 'zeph:orders'");
			}
			Polling.await(() -> server.sessionsOf("zeph:orders") == 0, "the session to end");
			try (ClusterLock lock = ClusterLock.acquire(connection, new ClusterLock.Listener() {
			})) {
				assertThat(lock.isHeld()).isTrue();
				assertThat(server.heldLocks(LockKey.SPACE)).isOne();
			}
		}
	}

	@Test
	void connectionOpenedAheadShouldOutlastTheServerTimeoutAndTakeItsLeaseWithTheLock() throws Exception {
		try (TcpRelay network = new TcpRelay(server.port())) {
			ClusterLockSettings settings = ClusterLockSettings
				.of("orders", "jdbc:postgresql://127.0.0.1:" + network.port() + "/postgres", PostgresServer.USER,
						PostgresServer.PASSWORD)
				.withTimings(Duration.ofSeconds(3), Duration.ofMillis(200), Duration.ofMillis(400));
			try (ClusterLockConnection connection = ClusterLockConnection.open(settings)) {
				Polling.await(() -> server.sessionsOf("zeph:orders") == 1, "the session to open");
				// idle past the server timeout: a start may take that long to need it
				Thread.sleep(settings.serverTimeout().plusSeconds(1).toMillis());
				assertThat(server.sessionsOf("zeph:orders")).as("the session opened ahead, still there").isOne();
				try (ClusterLock lock = ClusterLock.acquire(connection, new ClusterLock.Listener() {
				})) {
					assertThat(lock.isHeld()).isTrue();
					assertThat(network.accepted()).as("logins").isOne();
					// a silent holder: only the lease given with the lock ends its session on the server
					network.silence();
					Polling.await(() -> server.heldLocks(LockKey.SPACE) == 0, "the server to free the lock");
				}
			}
		}
	}

	@Test
	void connectionOpenedAheadUnderAnotherNameShouldWaitForAndTakeTheLockItIsReusedFor() throws Exception {
		try (TcpRelay network = new TcpRelay(server.port())) {
			String url = "jdbc:postgresql://127.0.0.1:" + network.port() + "/postgres";
			ClusterLock holder = ClusterLock.acquire(settings("orders"), new ClusterLock.Listener() {
			});
			try (ClusterLockConnection connection = ClusterLockConnection
				.open(ClusterLockSettings.of("com.example.Main", url, PostgresServer.USER, PostgresServer.PASSWORD))) {
				assertThat(connection
					.reuseFor(ClusterLockSettings.of("orders", url, PostgresServer.USER, PostgresServer.PASSWORD)))
					.isTrue();
				CompletableFuture<ClusterLock> waiter = CompletableFuture.supplyAsync(() -> {
					try {
						return ClusterLock.await(connection, Duration.ZERO, new ClusterLock.Listener() {
						});
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
				});
				// the holder's and the waiter's, named for the lock it waits for
				Polling.await(() -> server.sessionsOf("zeph:orders") == 2, "the waiting session, named for its lock");
				assertThat(server.sessionsOf("zeph:com.example.Main")).isZero();
				holder.close();
				try (ClusterLock lock = waiter.get(30, TimeUnit.SECONDS)) {
					assertThat(lock.getSettings().name()).isEqualTo("orders");
					assertThat(network.accepted()).as("logins").isOne();
					try (ClusterLock other = ClusterLock.acquire(settings("com.example.Main"),
							new ClusterLock.Listener() {
							})) {
						assertThat(other.isHeld()).as("the lock of the name it was opened with, free").isTrue();
					}
				}
			}
			finally {
				holder.close();
			}
		}
	}

	@Test
	void connectionOpenedAheadShouldBeReusedOnlyForTheSameDatabaseUserAndSessionSettings() throws Exception {
		ClusterLockSettings opened = ClusterLockSettings.of("early", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/db",
				"app", "secret");
		try (ClusterLockConnection connection = ClusterLockConnection.open(opened)) {
			ClusterLockSettings other = new ClusterLockSettings("orders", opened.url(), "app", "secret",
					Duration.ofSeconds(30), Duration.ofSeconds(1), opened.heartbeatTimeout(), Duration.ofSeconds(5),
					Duration.ofSeconds(2), false);
			assertThat(connection.reuseFor(other)).as("name, lease and timings of the lock").isTrue();
			assertThat(connection.getSettings()).isEqualTo(other);
			assertThat(connection.reuseFor(ClusterLockSettings.of("orders", opened.url() + "2", "app", "secret")))
				.as("another database")
				.isFalse();
			assertThat(connection.reuseFor(ClusterLockSettings.of("orders", opened.url(), "admin", "secret")))
				.as("another user")
				.isFalse();
			assertThat(connection.reuseFor(ClusterLockSettings.of("orders", opened.url(), "app", "other")))
				.as("another password")
				.isFalse();
			assertThat(connection.reuseFor(opened.withTimings(Duration.ofSeconds(10), opened.heartbeatInterval(),
					opened.heartbeatTimeout().plusSeconds(1))))
				.as("another heartbeat timeout, the session's socket timeout")
				.isFalse();
			assertThat(connection.reuseFor(new ClusterLockSettings("orders", opened.url(), "app", "secret",
					opened.serverTimeout(), opened.heartbeatInterval(), opened.heartbeatTimeout(), opened.takeoverGrace(),
					opened.acquireInterval(), true)))
				.as("an old server accepted")
				.isFalse();
			assertThat(connection.getSettings()).as("unchanged by a refusal").isEqualTo(other);
			connection.close();
			assertThat(connection.reuseFor(other)).as("once closed").isFalse();
		}
	}

	@Test
	void closingAConnectionOpenedAheadShouldEndItsSessionUnused() throws Exception {
		ClusterLockConnection connection = ClusterLockConnection.open(settings("orders"));
		connection.close();
		Polling.await(() -> server.sessionsOf("zeph:orders") == 0, "no session of the lock");
		assertThatIllegalStateException()
			.isThrownBy(() -> ClusterLock.acquire(connection, new ClusterLock.Listener() {
			}))
			.withMessageContaining("closed");
	}

	@Test
	void awaitOnAConnectionOpenedAheadToNothingShouldReconnectUntilTheTimeout() throws Exception {
		int port = closedPort();
		ClusterLockSettings settings = ClusterLockSettings.of("orders", "jdbc:postgresql://127.0.0.1:" + port + "/db",
				PostgresServer.USER, PostgresServer.PASSWORD);
		Witness witness = new Witness();
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> ClusterLock.await(ClusterLockConnection.open(settings), Duration.ofSeconds(1),
					witness.listener("waiter")))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.UNREACHABLE));
		assertThat(witness.count("waiter", "unreachable")).isGreaterThan(1);
	}

	@Test
	void acquireOnAConnectionOpenedAheadThatFailedShouldNameTheLockItWasReusedFor() throws Exception {
		ClusterLockConnection connection = ClusterLockConnection
			.open(ClusterLockSettings.of("com.example.Main", server.url(), PostgresServer.USER, "wrong"));
		assertThat(connection.reuseFor(ClusterLockSettings.of("billing", server.url(), PostgresServer.USER, "wrong")))
			.isTrue();
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> ClusterLock.acquire(connection, new ClusterLock.Listener() {
			}))
			.satisfies((ex) -> {
				assertThat(ex.getLockName()).isEqualTo("billing");
				assertThat(ex.getReason()).isEqualTo(Reason.AUTHENTICATION);
			})
			.withMessageStartingWith("Cluster lock 'billing' on ")
			.withMessageContaining("password authentication failed");
	}

	@Test
	void acquireOnAConnectionOpenedAheadWhileTheServerDidNotAnswerShouldConnectAgain() throws Exception {
		try (TcpRelay relay = new TcpRelay(server.port())) {
			relay.silence();
			ClusterLockConnection connection = ClusterLockConnection.open(ClusterLockSettings.of("orders",
					"jdbc:postgresql://127.0.0.1:" + relay.port() + "/postgres", PostgresServer.USER, PostgresServer.PASSWORD));
			Polling.await(() -> Thread.getAllStackTraces()
				.keySet()
				.stream()
				.noneMatch((thread) -> thread.getName().equals(ClusterLockConnection.THREAD_NAME)),
					"the session opened ahead to give up on the silent server");
			int triedAhead = relay.accepted();
			relay.heal();
			try (ClusterLock lock = ClusterLock.acquire(connection, new ClusterLock.Listener() {
			})) {
				assertThat(lock.isHeld()).isTrue();
				assertThat(relay.accepted()).as("logins through the relay").isGreaterThan(triedAhead);
			}
		}
	}

	/**
	 * A network that takes the connection and then passes nothing on, as a black-holing
	 * firewall or a frozen server does: the login gives up, and the start is refused as
	 * unreachable instead of hanging.
	 */
	@Test
	void acquireThroughANetworkThatGoesSilentBeforeTheLoginShouldRefuseAsUnreachable() throws Exception {
		try (TcpRelay network = new TcpRelay(server.port())) {
			network.silence();
			ClusterLockSettings settings = ClusterLockSettings.of("orders",
					"jdbc:postgresql://127.0.0.1:" + network.port() + "/postgres", PostgresServer.USER,
					PostgresServer.PASSWORD);
			assertThatExceptionOfType(ClusterLockUnavailableException.class)
				.isThrownBy(() -> ClusterLock.acquire(settings, new ClusterLock.Listener() {
				}))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.UNREACHABLE))
				.withMessageContaining("127.0.0.1:" + network.port() + "/postgres");
		}
		assertThat(server.heldLocks(LockKey.SPACE)).isZero();
	}

	@Test
	void settingsShouldRefuseWhatCouldLetTwoInstancesBeActive() {
		String url = "jdbc:postgresql://127.0.0.1/db";
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterLockSettings.of(" ", url, null, null))
			.withMessageStartingWith("name:");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClusterLockSettings.of("orders", "jdbc:oracle:thin:@127.0.0.1:1521/db", null, null))
			.withMessageStartingWith("url:")
			.withMessageContaining("jdbc:oracle:thin:@127.0.0.1:1521/db");
		ClusterLockSettings settings = ClusterLockSettings.of("orders", url, null, null);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> settings.withTimings(Duration.ofSeconds(4), Duration.ofSeconds(1), Duration.ofSeconds(2)))
			.withMessageStartingWith("server-timeout:")
			.withMessageContaining("heartbeat-interval + heartbeat-timeout + 2s");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ClusterLockSettings("orders", url, null, null, Duration.ofSeconds(6),
					Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofMillis(250),
					false))
			.withMessageStartingWith("takeover-grace:");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> settings.withTimings(Duration.ofSeconds(6), Duration.ZERO, Duration.ofSeconds(1)))
			.withMessageStartingWith("heartbeat-interval:");
	}

}
