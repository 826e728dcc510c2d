package dev.zeph.pidfile.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a cluster lock promises on every engine, run once per engine and driver by a subclass
 * that starts a real server: refuse naming the holder, wait and take over, and the faults an
 * operator or a network makes (a killed or frozen holder JVM, a terminated session, a server
 * restart, a relay that stops relaying), with a witness that never sees two active instances.
 * One server serves the whole class; each test closes what it took.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterLockContractTests {

	private static final long PID = ProcessHandle.current().pid();

	@TempDir
	Path directory;

	private LockDatabase server;

	private final List<AutoCloseable> toClose = new ArrayList<>();

	/**
	 * Start the engine's server.
	 * @return the server
	 */
	abstract LockDatabase startServer() throws Exception;

	/**
	 * Two lock names that the engine keeps under one key.
	 * @return the two names
	 */
	abstract List<String> namesThatShareAKey();

	/**
	 * What the driver says of a wrong password.
	 * @return part of the message
	 */
	abstract String wrongPasswordMessage();

	@BeforeAll
	void start() throws Exception {
		this.server = startServer();
	}

	@AfterAll
	void stopServer() throws Exception {
		if (this.server != null) {
			this.server.close();
		}
	}

	@AfterEach
	void closeWhatWasTaken() throws Exception {
		for (AutoCloseable closeable : this.toClose) {
			closeable.close();
		}
		this.toClose.clear();
	}

	private ClusterLockSettings settings(String name) {
		return settings(name, this.server.url());
	}

	private ClusterLockSettings settings(String name, String url) {
		return ClusterLockSettings.of(name, url, LockDatabase.USER, LockDatabase.PASSWORD);
	}

	private ClusterLock acquire(ClusterLockSettings settings, ClusterLock.Listener listener) throws Exception {
		ClusterLock lock = ClusterLock.acquire(settings, listener);
		this.toClose.add(lock);
		return lock;
	}

	private CompletableFuture<ClusterLock> await(ClusterLockSettings settings, ClusterLock.Listener listener) {
		CompletableFuture<ClusterLock> waiter = CompletableFuture.supplyAsync(() -> {
			try {
				return ClusterLock.await(settings, Duration.ZERO, listener);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		this.toClose.add(() -> {
			waiter.cancel(true);
			if (waiter.isDone() && !waiter.isCompletedExceptionally()) {
				waiter.join().close();
			}
		});
		return waiter;
	}

	private static ClusterLock.Listener quiet() {
		return new ClusterLock.Listener() {
		};
	}

	@Test
	void acquireShouldLockThenBecomeActiveOnlyAfterTheTakeoverGrace() throws Exception {
		Witness witness = new Witness();
		long before = System.nanoTime();
		ClusterLock lock = acquire(settings("orders"), witness.listener("a"));
		assertThat(lock.isActive()).isFalse();
		Polling.await(() -> witness.saw("a", "activated"), "a to become active");
		assertThat(lock.isActive()).isTrue();
		assertThat(witness.when("a", "activated") - before).isGreaterThanOrEqualTo(
				ClusterLockSettings.DEFAULT_HEARTBEAT_INTERVAL.plus(ClusterLockSettings.DEFAULT_HEARTBEAT_TIMEOUT).toNanos());
	}

	@Test
	void acquireWhenHeldShouldRefuseNamingTheHoldersHostPidAndSession() throws Exception {
		ClusterLock first = acquire(settings("orders"), quiet());
		assertThatExceptionOfType(ClusterLockHeldException.class)
			.isThrownBy(() -> acquire(settings("orders"), quiet()))
			.satisfies((ex) -> {
				HolderIdentity holder = ex.getHolderIdentity().orElseThrow();
				assertThat(holder.pid()).isEqualTo(PID);
				assertThat(holder.host()).isEqualTo(first.getIdentity().host());
				assertThat(holder.name()).isEqualTo("orders");
				assertThat(holder.since()).isEqualTo(first.getIdentity().since().truncatedTo(ChronoUnit.SECONDS));
				assertThat(ex.getHolder().backendPid()).isEqualTo(first.getBackendPid());
				assertThat(ex.isCollision()).isFalse();
				assertThat(ex.getMessage()).contains("'orders'")
					.contains("PID " + PID)
					.contains(first.getSession())
					.contains(first.getDatabase());
			});
	}

	@Test
	void acquireWhenHeldUnderANameInAnyLanguageShouldNameTheHolderNotACollision() throws Exception {
		String name = "Gehälter-账单-'quoted'\\";
		acquire(settings(name), quiet());
		assertThatExceptionOfType(ClusterLockHeldException.class).isThrownBy(() -> acquire(settings(name), quiet()))
			.satisfies((ex) -> {
				assertThat(ex.isCollision()).isFalse();
				assertThat(ex.getHolderIdentity().orElseThrow().name()).isEqualTo(name);
				assertThat(ex.getHolderIdentity().orElseThrow().pid()).isEqualTo(PID);
				assertThat(ex.getMessage()).doesNotContain("hash alike");
			});
	}

	@Test
	void acquireOfAnotherNameShouldNotBeRefused() throws Exception {
		acquire(settings("orders"), quiet());
		acquire(settings("Orders"), quiet());
		acquire(settings("orders-" + "x".repeat(100)), quiet());
		acquire(settings("orders-" + "x".repeat(101)), quiet());
	}

	@Test
	void acquireWhenAnotherNameSharesTheKeyShouldReportTheCollisionNamingBoth() throws Exception {
		List<String> names = namesThatShareAKey();
		acquire(settings(names.get(0)), quiet());
		assertThatExceptionOfType(ClusterLockHeldException.class)
			.isThrownBy(() -> acquire(settings(names.get(1)), quiet()))
			.satisfies((ex) -> {
				assertThat(ex.isCollision()).isTrue();
				assertThat(ex.getMessage()).contains(names.get(1)).contains("hash alike");
			});
	}

	@Test
	@Timeout(60)
	void awaitWhenAnotherNameSharesTheKeyShouldRefuseAtOnce() throws Exception {
		List<String> names = namesThatShareAKey();
		acquire(settings(names.get(0)), quiet());
		// a wait without end: only a refusal returns
		assertThatExceptionOfType(ClusterLockHeldException.class)
			.isThrownBy(() -> ClusterLock.await(settings(names.get(1)), Duration.ZERO, quiet()))
			.satisfies((ex) -> assertThat(ex.isCollision()).isTrue());
	}

	@Test
	void awaitShouldTellWhoHoldsTheLockThenTakeOverOnceTheHolderClosesAndNeverBothBeActive() throws Exception {
		Witness witness = new Witness();
		ClusterLock first = acquire(settings("orders"), witness.listener("first"));
		Polling.await(() -> witness.saw("first", "activated"), "first to become active");
		List<ClusterLockHolder> seen = new CopyOnWriteArrayList<>();
		ClusterLock.Listener second = witness.listener("second");
		CompletableFuture<ClusterLock> waiter = await(settings("orders"), new ClusterLock.Listener() {

			@Override
			public void activated(ClusterLock lock) {
				second.activated(lock);
			}

			@Override
			public void lost(ClusterLock lock, String reason, boolean wasActive) {
				second.lost(lock, reason, wasActive);
			}

			@Override
			public void waiting(ClusterLockHolder holder, String message) {
				seen.add(holder);
			}

		});
		Polling.await(() -> seen.size() >= 3, "the waiter to try a few times");
		assertThat(waiter).isNotDone();
		assertThat(seen).allSatisfy((holder) -> {
			assertThat(holder.backendPid()).isEqualTo(first.getBackendPid());
			assertThat(holder.identity().map(HolderIdentity::pid)).contains(PID);
			assertThat(holder.identity().map(HolderIdentity::name)).contains("orders");
		});
		first.close();
		Polling.await(() -> witness.saw("second", "activated"), "second to become active");
		assertThat(first.isActive()).isFalse();
		assertThat(waiter.join().isActive()).isTrue();
		witness.assertNeverTwoActive();
	}

	@Test
	void closeShouldFreeTheLockAtOnce() throws Exception {
		ClusterLock.acquire(settings("orders"), quiet()).close();
		ClusterLock.acquire(settings("orders"), quiet()).close();
	}

	@Test
	void terminatedSessionShouldBeNoticedByTheHolderAndTheWaiterShouldTakeOver() throws Exception {
		Witness witness = new Witness();
		ClusterLock holder = startHolderAndWaiter(witness, this.server.url());
		long terminated = System.nanoTime();
		this.server.terminate(holder.getBackendPid());
		Polling.await(() -> witness.saw("holder", "lost"), "the holder to notice");
		assertThat(holder.isActive()).isFalse();
		Polling.await(() -> witness.saw("waiter", "activated"), "the waiter to become active");
		witness.assertNeverTwoActive();
		report(witness, "terminated session", terminated);
	}

	@Test
	void serverRestartShouldBeNoticedByTheHolderAndTheWaiterShouldTakeOverAfterIt() throws Exception {
		Witness witness = new Witness();
		ClusterLock holder = startHolderAndWaiter(witness, this.server.url());
		long restarted = System.nanoTime();
		this.server.restart();
		Polling.await(() -> witness.saw("holder", "lost"), "the holder to notice");
		assertThat(holder.isActive()).isFalse();
		Polling.await(() -> witness.saw("waiter", "activated"), "the waiter to become active");
		witness.assertNeverTwoActive();
		report(witness, "server restart", restarted);
	}

	/**
	 * The relay keeps both TCP connections open and its kernel answers keepalives: only the
	 * holder's heartbeat timeout and the server's lease on the session can end this.
	 */
	@Test
	void silentNetworkShouldStopTheHolderBeforeTheServerFreesTheLock() throws Exception {
		try (TcpRelay relay = new TcpRelay(this.server.port())) {
			Witness witness = new Witness();
			ClusterLock holder = startHolderAndWaiter(witness, this.server.url(relay.port()));
			long silenced = System.nanoTime();
			relay.silence();
			Polling.await(() -> witness.saw("holder", "lost"), "the holder to notice");
			assertThat(holder.isActive()).isFalse();
			Polling.await(() -> witness.saw("waiter", "activated"), "the waiter to become active");
			witness.assertNeverTwoActive();
			assertThat(witness.when("waiter", "activated") - silenced).as("freed by the server's lease")
				.isGreaterThanOrEqualTo(ClusterLockSettings.DEFAULT_SERVER_TIMEOUT.toNanos());
			report(witness, "silent network", silenced);
		}
	}

	private ClusterLock startHolderAndWaiter(Witness witness, String holderUrl) throws Exception {
		ClusterLock holder = acquire(settings("orders", holderUrl), witness.listener("holder"));
		Polling.await(() -> witness.saw("holder", "activated"), "the holder to become active");
		await(settings("orders"), witness.listener("waiter"));
		return holder;
	}

	/**
	 * The holder's kernel closes its socket, the server ends its session and frees the lock;
	 * the holder writes no exit of its own, so the test writes it once the process is gone.
	 */
	@Test
	void killedHolderJvmShouldLetTheWaiterTakeOverAndNeverBothBeActive() throws Exception {
		WitnessFile witness = new WitnessFile(this.directory.resolve("witness"));
		Process holder = startHolderJvm(witness);
		long killed = System.nanoTime();
		holder.destroyForcibly().waitFor();
		witness.append("exit holder killed");
		Polling.await(() -> witness.saw("enter waiter"), "the waiter to become active");
		witness.assertNeverTwoActive();
		witness.assertNoWorkAfterEnter("holder", "waiter");
		System.out.printf("fault kill -9 of the holder JVM on %s: waiter active +%d ms%n", getClass().getSimpleName(),
				(witness.appendedAt("enter waiter") - killed) / 1_000_000);
	}

	/**
	 * A frozen JVM keeps its TCP connection, so only the server's lease frees the lock. The
	 * holder stays frozen until the waiter is active, then resumes: its deadline passed long
	 * ago, so it must see itself inactive at once, do no more work, report the loss and exit.
	 */
	@Test
	void frozenHolderJvmShouldBeEndedByTheServerAndDoNoWorkAfterItResumes() throws Exception {
		WitnessFile witness = new WitnessFile(this.directory.resolve("witness"));
		Process holder = startHolderJvm(witness);
		long frozen = System.nanoTime();
		signal(holder, "STOP");
		Polling.await(() -> witness.saw("enter waiter"), "the waiter to become active");
		long waiterActive = witness.appendedAt("enter waiter");
		witness.append("continue holder");
		signal(holder, "CONT");
		assertThat(holder.waitFor(1, TimeUnit.MINUTES)).as("the holder exits: %s", witness).isTrue();
		assertThat(holder.exitValue()).as("the holder's exit status: %s", holderLog(witness))
			.isEqualTo(HoldClusterLockMain.LOST);
		int resumed = witness.indexOf("continue holder");
		assertThat(witness.lines().subList(resumed, witness.lines().size())).as("after it resumed: %s", witness)
			.anyMatch((line) -> line.startsWith("resumed holder active=false"))
			.anyMatch((line) -> line.startsWith("exit holder lost:"))
			.noneMatch((line) -> line.startsWith("resumed holder active=true"));
		witness.assertNoWorkAfterEnter("holder", "waiter");
		System.out.printf("fault SIGSTOP of the holder JVM on %s: waiter active +%d ms%n", getClass().getSimpleName(),
				(waiterActive - frozen) / 1_000_000);
	}

	private Process startHolderJvm(WitnessFile witness) throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		Process holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
				HoldClusterLockMain.class.getName(), this.server.url(), witness.path().toString(), "holder")
			.redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("holder.log").toFile())
			.start();
		this.toClose.add(() -> holder.destroyForcibly().waitFor());
		Polling.await(() -> witness.saw("enter holder") || !holder.isAlive(), "the holder to become active");
		assertThat(holder.isAlive()).as("the holder runs: %s", holderLog(witness)).isTrue();
		await(settings("orders"), witness.listener("waiter"));
		Polling.await(() -> witness.saw("work holder"), "the holder to work");
		return holder;
	}

	private static void signal(Process process, String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
	}

	private String holderLog(WitnessFile witness) throws IOException {
		Path log = this.directory.resolve("holder.log");
		return "witness:\n" + witness + "\nholder output:\n" + (Files.exists(log) ? Files.readString(log) : "");
	}

	@Test
	void acquireWithAWrongPasswordShouldRefuseNamingAuthentication() {
		ClusterLockSettings settings = ClusterLockSettings.of("orders", this.server.url(), LockDatabase.USER, "wrong");
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> acquire(settings, quiet()))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.AUTHENTICATION))
			.withMessageContaining(wrongPasswordMessage());
	}

	/**
	 * A URL the driver cannot parse, with a password in it: refused as such, and neither the
	 * refusal nor any cause it carries to the log shows the password.
	 */
	@Test
	void acquireWithAUrlTheDriverCannotParseShouldRefuseWithoutShowingItsPassword() {
		String url = this.server.url().replace(":" + this.server.port() + "/", ":port/")
				+ (this.server.url().contains("?") ? "&" : "?") + "password=hunter2";
		ClusterLockSettings settings = ClusterLockSettings.of("orders", url, LockDatabase.USER, null);
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> acquire(settings, quiet()))
			.satisfies((ex) -> {
				assertThat(ex.getReason()).isEqualTo(Reason.URL_NOT_ACCEPTED);
				for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
					assertThat(String.valueOf(cause.getMessage())).as("%s", cause).doesNotContain("hunter2");
				}
			})
			.withMessageContaining("127.0.0.1:port/");
	}

	/**
	 * A user and a wrong password before the host: each driver takes them, or not, in its own
	 * way, and whichever refusal follows never shows the password.
	 */
	@Test
	void acquireWithAPasswordBeforeTheHostShouldRefuseWithoutShowingIt() {
		String url = this.server.url().replace("//", "//" + LockDatabase.USER + ":hunter2@");
		ClusterLockSettings settings = ClusterLockSettings.of("orders", url, null, null);
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> acquire(settings, quiet()))
			.satisfies((ex) -> {
				for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
					assertThat(String.valueOf(cause.getMessage())).as("%s", cause).doesNotContain("hunter2");
				}
			});
	}

	@Test
	void acquireWhenNothingListensShouldRefuseAsUnreachableNamingTheDatabase() throws Exception {
		int port = closedPort();
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> acquire(settings("orders", this.server.url(port)), quiet()))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.UNREACHABLE))
			.withMessageContaining("127.0.0.1:" + port + "/");
	}

	/**
	 * A network that takes the connection and then passes nothing on, as a black-holing
	 * firewall or a frozen server does: the login gives up, and the start is refused as
	 * unreachable instead of hanging.
	 */
	@Test
	void acquireThroughANetworkThatGoesSilentBeforeTheLoginShouldRefuseAsUnreachable() throws Exception {
		try (TcpRelay network = new TcpRelay(this.server.port())) {
			network.silence();
			assertThatExceptionOfType(ClusterLockUnavailableException.class)
				.isThrownBy(() -> acquire(settings("orders", this.server.url(network.port())), quiet()))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.UNREACHABLE))
				.withMessageContaining("127.0.0.1:" + network.port() + "/");
		}
		acquire(settings("orders"), quiet());
	}

	@Test
	void awaitWhenNothingListensShouldSaySoAndRefuseOnceTheTimeoutPasses() throws Exception {
		int port = closedPort();
		Witness witness = new Witness();
		assertThatExceptionOfType(ClusterLockUnavailableException.class)
			.isThrownBy(() -> ClusterLock.await(settings("orders", this.server.url(port)), Duration.ofSeconds(1),
					witness.listener("waiter")))
			.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.UNREACHABLE));
		assertThat(witness.saw("waiter", "unreachable: Cluster lock 'orders' on 127.0.0.1:" + port + "/")).isTrue();
	}

	/** A port of the loopback address that nothing listens on. */
	private static int closedPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/** Figures for the benchmarks' record, never asserted. */
	private void report(Witness witness, String fault, long at) {
		System.out.printf("fault %s on %s: holder stopped +%d ms, waiter active +%d ms%n", fault,
				getClass().getSimpleName(), (witness.when("holder", "lost") - at) / 1_000_000,
				(witness.when("waiter", "activated") - at) / 1_000_000);
	}

}
