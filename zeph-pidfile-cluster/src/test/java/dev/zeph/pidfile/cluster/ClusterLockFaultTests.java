package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import dev.zeph.pidfile.testsupport.TcpRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults made for real against a PostgreSQL server of each test's own: the holder's session
 * terminated, the server restarted, the network gone silent. In each, a waiting instance
 * takes over, and the witness never sees two active instances.
 */
class ClusterLockFaultTests {

	private PostgresServer server;

	private final Witness witness = new Witness();

	private ClusterLock holder;

	private CompletableFuture<ClusterLock> waiter;

	@BeforeEach
	void startServer() throws Exception {
		this.server = PostgresServer.start();
	}

	@AfterEach
	void stop() throws Exception {
		if (this.holder != null) {
			this.holder.close();
		}
		if (this.waiter != null) {
			this.waiter.cancel(true);
			if (this.waiter.isDone() && !this.waiter.isCompletedExceptionally()) {
				this.waiter.join().close();
			}
		}
		this.server.close();
	}

	private ClusterLockSettings settings(String url) {
		return ClusterLockSettings.of("orders", url, PostgresServer.USER, PostgresServer.PASSWORD);
	}

	private void startHolderAndWaiter(String holderUrl) throws Exception {
		this.holder = ClusterLock.acquire(settings(holderUrl), this.witness.listener("holder"));
		Polling.await(() -> this.witness.saw("holder", "activated"), "the holder to become active");
		this.waiter = CompletableFuture.supplyAsync(() -> {
			try {
				return ClusterLock.await(settings(this.server.url()), Duration.ZERO, this.witness.listener("waiter"));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/**
	 * A distant or busy server: each heartbeat takes two thirds of the heartbeat timeout,
	 * which is what one check may take, so the holder must keep the lock through beat after
	 * beat, however slow each one is within that timeout.
	 */
	@Test
	void slowHeartbeatsWithinTheTimeoutShouldKeepTheHolderActive() throws Exception {
		try (TcpRelay relay = new TcpRelay(this.server.port())) {
			Duration interval = Duration.ofSeconds(3);
			ClusterLockSettings settings = settings("jdbc:postgresql://127.0.0.1:" + relay.port() + "/postgres")
				.withTimings(Duration.ofSeconds(9), interval, Duration.ofSeconds(3));
			this.holder = ClusterLock.acquire(settings, this.witness.listener("holder"));
			// a heartbeat's round trip: 2 s
			relay.delay(Duration.ofSeconds(1));
			Polling.await(() -> this.witness.saw("holder", "activated") || this.witness.saw("holder", "lost"),
					"the holder to become active");
			long until = System.nanoTime() + interval.multipliedBy(4).toNanos();
			while (System.nanoTime() - until < 0) {
				assertThat(this.holder.isActive()).as("active: %s", this.witness).isTrue();
				Thread.sleep(50);
			}
			assertThat(this.witness.saw("holder", "lost")).as("lost: %s", this.witness).isFalse();
			assertThat(this.witness.saw("holder", "slow heartbeat")).as("said the heartbeats were slow").isTrue();
		}
	}

	/**
	 * The lock's session is a connection of its own, never one of the application's pool:
	 * with every connection of a pool of ten busy in a query, its heartbeats go on and it
	 * stays active.
	 */
	@Test
	void exhaustedApplicationConnectionsShouldNotStopTheHeartbeat() throws Exception {
		int poolSize = 10;
		this.holder = ClusterLock.acquire(settings(this.server.url()), this.witness.listener("holder"));
		Polling.await(() -> this.witness.saw("holder", "activated"), "the holder to become active");
		List<Connection> pool = new ArrayList<>();
		ExecutorService threads = Executors.newFixedThreadPool(poolSize);
		try {
			List<Future<Boolean>> queries = new ArrayList<>();
			for (int i = 0; i < poolSize; i++) {
				Connection connection = DriverManager.getConnection(this.server.url(), PostgresServer.USER,
						PostgresServer.PASSWORD);
				pool.add(connection);
				queries.add(threads.submit(() -> {
					try (Statement statement = connection.createStatement()) {
						return statement.execute("SELECT pg_sleep(30)");
					}
				}));
			}
			Polling.await(() -> busyConnections() == poolSize, "every connection of the pool to be busy");
			long beats = 0;
			Duration lastAge = this.holder.getLastHeartbeatAge();
			Duration oldest = lastAge;
			long until = System.nanoTime() + ClusterLockSettings.DEFAULT_HEARTBEAT_INTERVAL.toNanos() * 8;
			while (System.nanoTime() - until < 0) {
				assertThat(this.holder.isActive()).as("active while the pool is busy: %s", this.witness).isTrue();
				Duration age = this.holder.getLastHeartbeatAge();
				beats += (age.compareTo(lastAge) < 0) ? 1 : 0;
				oldest = (age.compareTo(oldest) > 0) ? age : oldest;
				lastAge = age;
				Thread.sleep(20);
			}
			assertThat(queries).as("the pool stayed busy").noneMatch(Future::isDone);
			assertThat(busyConnections()).isEqualTo(poolSize);
			assertThat(beats).as("heartbeats while the pool was busy").isGreaterThanOrEqualTo(3);
			assertThat(this.witness.saw("holder", "lost")).isFalse();
			System.out.printf("pool of %d busy: %d heartbeats, oldest heartbeat seen %d ms ago%n", poolSize, beats,
					oldest.toMillis());
		}
		finally {
			for (Connection connection : pool) {
				connection.close();
			}
			threads.shutdownNow();
		}
	}

	private int busyConnections() {
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = '"
						+ PostgresServer.USER + "' AND state = 'active' AND query LIKE '%pg_sleep%'")) {
			result.next();
			return result.getInt(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Figures for the benchmarks' record, never asserted. */
	private void report(String fault, long at) {
		System.out.printf("fault %s: holder stopped +%d ms, waiter active +%d ms%n", fault,
				(this.witness.when("holder", "lost") - at) / 1_000_000,
				(this.witness.when("waiter", "activated") - at) / 1_000_000);
	}

}
