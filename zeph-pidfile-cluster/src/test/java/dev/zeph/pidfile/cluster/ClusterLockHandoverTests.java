package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clean handover against a real PostgreSQL server: a holder that was active and lets go
 * with {@link ClusterLock#handOver()} names the waiter next in line, which becomes active
 * without the takeover grace; every other way of letting go, and every other waiter, keeps it.
 */
class ClusterLockHandoverTests {

	private static final LockKey KEY = LockKey.of("orders");

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

	private static ClusterLockSettings settings() {
		return ClusterLockSettings.of("orders", server.url(), PostgresServer.USER, PostgresServer.PASSWORD);
	}

	private static CompletableFuture<ClusterLock> await(ClusterLock.Listener listener) {
		return CompletableFuture.supplyAsync(() -> {
			try {
				return ClusterLock.await(settings(), Duration.ZERO, listener);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private static ClusterLock active(Witness witness, String who) throws Exception {
		ClusterLock lock = ClusterLock.acquire(settings(), witness.listener(who));
		Polling.await(() -> witness.saw(who, "activated"), who + " to become active");
		return lock;
	}

	@Test
	void handOverShouldLetTheWaiterNextInLineBecomeActiveWithoutTheGrace() throws Exception {
		Witness witness = new Witness();
		ClusterLock first = active(witness, "first");
		CompletableFuture<ClusterLock> second = await(witness.listener("second"));
		try {
			Polling.await(() -> lineHolder() != 0, "the waiter to stand in line");
			long handedOver = System.nanoTime();
			first.handOver();
			ClusterLock lock = second.join();
			Polling.await(() -> witness.saw("second", "activated"), "second to become active");
			assertThat(lock.wasHandedOver()).isTrue();
			assertThat(witness.when("second", "activated")).isGreaterThan(handedOver);
			witness.assertNeverTwoActive();
			assertThat(lineHolder()).as("the line's place, given up by the new holder").isZero();
		}
		finally {
			first.close();
			second.join().close();
		}
	}

	@Test
	void closeShouldLeaveTheNextHolderItsGrace() throws Exception {
		Witness witness = new Witness();
		ClusterLock first = active(witness, "first");
		CompletableFuture<ClusterLock> second = await(witness.listener("second"));
		try {
			Polling.await(() -> lineHolder() != 0, "the waiter to stand in line");
			first.close();
			ClusterLock lock = second.join();
			assertThat(lock.wasHandedOver()).isFalse();
			Polling.await(() -> witness.saw("second", "activated"), "second to become active");
			witness.assertNeverTwoActive();
		}
		finally {
			second.join().close();
		}
	}

	/**
	 * A holder still in its grace cannot vouch for the holder before it, which may not have
	 * noticed its loss yet.
	 */
	@Test
	void handOverWithinTheHoldersOwnGraceShouldLeaveTheNextHolderItsGrace() throws Exception {
		Witness witness = new Witness();
		ClusterLockSettings slow = settings().withTimings(Duration.ofSeconds(20), Duration.ofSeconds(5),
				Duration.ofSeconds(5));
		ClusterLock first = ClusterLock.acquire(slow, witness.listener("first"));
		CompletableFuture<ClusterLock> second = await(witness.listener("second"));
		try {
			Polling.await(() -> lineHolder() != 0, "the waiter to stand in line");
			assertThat(first.isActive()).isFalse();
			first.handOver();
			assertThat(second.join().wasHandedOver()).isFalse();
		}
		finally {
			first.close();
			second.join().close();
		}
	}

	/**
	 * The handover names the waiter that holds the line's place; another waiter that wins the
	 * race to the lock (here the one in line is a bare session that never tries) takes it with
	 * its grace, since between the release and its try a third could have held it.
	 */
	@Test
	void handOverNamingAnotherWaiterShouldLeaveTheOneThatTookTheLockItsGrace() throws Exception {
		Witness witness = new Witness();
		try (Connection inLine = server.admin()) {
			assertThat(tryLock(inLine, KEY.next())).isTrue();
			ClusterLock first = active(witness, "first");
			CompletableFuture<ClusterLock> second = await(witness.listener("second"));
			try {
				Polling.await(() -> isWaiting(), "the second to wait");
				first.handOver();
				assertThat(second.join().wasHandedOver()).isFalse();
			}
			finally {
				first.close();
				second.join().close();
			}
		}
	}

	/**
	 * Only the holder's own session can tell of its release: PostgreSQL gives each
	 * notification the server process that sent it.
	 */
	@Test
	void handoverToldByAnotherSessionShouldNotSkipTheGrace() throws Exception {
		Witness witness = new Witness();
		ClusterLock first = active(witness, "first");
		CompletableFuture<ClusterLock> second = await(witness.listener("second"));
		try (Connection other = server.admin()) {
			Polling.await(() -> lineHolder() != 0, "the waiter to stand in line");
			long waiter = lineHolder();
			try (PreparedStatement notify = other.prepareStatement("SELECT pg_notify(?, ?)")) {
				notify.setString(1, KEY.channel());
				notify.setString(2, waiter + " " + first.getIdentity().toApplicationName());
				notify.executeQuery().close();
			}
			first.close();
			assertThat(second.join().wasHandedOver()).isFalse();
		}
		finally {
			first.close();
			second.join().close();
		}
	}

	/** The server process that holds the place next in line of 'orders', or 0. */
	private static long lineHolder() {
		try (Connection admin = server.admin();
				PreparedStatement statement = admin.prepareStatement("SELECT pid FROM pg_locks WHERE locktype = 'advisory'"
						+ " AND objsubid = 2 AND granted AND classid::bigint = ? AND objid::bigint = ?")) {
			statement.setLong(1, Integer.toUnsignedLong(KEY.next().space()));
			statement.setLong(2, Integer.toUnsignedLong(KEY.next().hash()));
			try (ResultSet result = statement.executeQuery()) {
				return result.next() ? result.getLong(1) : 0;
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean isWaiting() {
		try (Connection admin = server.admin();
				PreparedStatement statement = admin
					.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'zeph:orders'");
				ResultSet result = statement.executeQuery()) {
			result.next();
			return result.getInt(1) == 1;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean tryLock(Connection connection, LockKey key) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
			statement.setInt(1, key.space());
			statement.setInt(2, key.hash());
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getBoolean(1);
			}
		}
	}

}
