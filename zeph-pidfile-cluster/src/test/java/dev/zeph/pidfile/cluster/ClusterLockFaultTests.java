package dev.zeph.pidfile.cluster;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

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
		Witness.await(() -> this.witness.saw("holder", "activated"), "the holder to become active");
		this.waiter = CompletableFuture.supplyAsync(() -> {
			try {
				return ClusterLock.await(settings(this.server.url()), Duration.ZERO, this.witness.listener("waiter"));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	@Test
	void terminatedSessionShouldBeNoticedByTheHolderAndTheWaiterShouldTakeOver() throws Exception {
		startHolderAndWaiter(this.server.url());
		long terminated = System.nanoTime();
		this.server.terminate(this.holder.getBackendPid());
		Witness.await(() -> this.witness.saw("holder", "lost"), "the holder to notice");
		assertThat(this.holder.isActive()).isFalse();
		assertThat(this.holder.getLossReason()).get().asString().contains("terminating connection");
		Witness.await(() -> this.witness.saw("waiter", "activated"), "the waiter to become active");
		this.witness.assertNeverTwoActive();
		report("pg_terminate_backend", terminated);
	}

	@Test
	void serverRestartShouldBeNoticedByTheHolderAndTheWaiterShouldTakeOverAfterIt() throws Exception {
		startHolderAndWaiter(this.server.url());
		long restarted = System.nanoTime();
		this.server.restart();
		Witness.await(() -> this.witness.saw("holder", "lost"), "the holder to notice");
		assertThat(this.holder.isActive()).isFalse();
		Witness.await(() -> this.witness.saw("waiter", "activated"), "the waiter to become active");
		this.witness.assertNeverTwoActive();
		report("fast restart", restarted);
	}

	/**
	 * The relay keeps both TCP connections open and its kernel answers keepalives: only the
	 * holder's heartbeat timeout and the server's idle session timeout can end this.
	 */
	@Test
	void silentNetworkShouldStopTheHolderBeforeTheServerFreesTheLock() throws Exception {
		try (TcpRelay relay = new TcpRelay(this.server.port())) {
			startHolderAndWaiter("jdbc:postgresql://127.0.0.1:" + relay.port() + "/postgres");
			long silenced = System.nanoTime();
			relay.silence();
			Witness.await(() -> this.witness.saw("holder", "lost"), "the holder to notice");
			assertThat(this.holder.isActive()).isFalse();
			Witness.await(() -> this.witness.saw("waiter", "activated"), "the waiter to become active");
			this.witness.assertNeverTwoActive();
			assertThat(this.witness.when("waiter", "activated") - silenced).as("freed by the server's lease")
				.isGreaterThanOrEqualTo(ClusterLockSettings.DEFAULT_SERVER_TIMEOUT.toNanos());
			report("silent network", silenced);
		}
	}

	/** Figures for the benchmarks' record, never asserted. */
	private void report(String fault, long at) {
		System.out.printf("fault %s: holder stopped +%d ms, waiter active +%d ms%n", fault,
				(this.witness.when("holder", "lost") - at) / 1_000_000,
				(this.witness.when("waiter", "activated") - at) / 1_000_000);
	}

}
