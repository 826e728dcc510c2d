package dev.zeph.pidfile.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults done to a whole holder process: the holder is a JVM of its own
 * ({@link HoldClusterLockMain}) and the waiter is this one. The JVMs share a
 * {@link WitnessFile}, whose line order is the only order they agree on.
 */
class ClusterLockProcessFaultTests {

	@TempDir
	Path directory;

	private PostgresServer server;

	private WitnessFile witness;

	private Process holder;

	private CompletableFuture<ClusterLock> waiter;

	@BeforeEach
	void startServer() throws Exception {
		this.server = PostgresServer.start();
		this.witness = new WitnessFile(this.directory.resolve("witness"));
	}

	@AfterEach
	void stop() throws Exception {
		if (this.holder != null) {
			this.holder.destroyForcibly().waitFor();
		}
		if (this.waiter != null) {
			this.waiter.cancel(true);
			if (this.waiter.isDone() && !this.waiter.isCompletedExceptionally()) {
				this.waiter.join().close();
			}
		}
		this.server.close();
	}

	private void startHolderAndWaiter() throws Exception {
		Path java = Path.of(System.getProperty("java.home"), "bin", "java");
		this.holder = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
				HoldClusterLockMain.class.getName(), this.server.url(), this.witness.path().toString(), "holder")
			.redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("holder.log").toFile())
			.start();
		Polling.await(() -> this.witness.saw("enter holder") || !this.holder.isAlive(),
				"the holder to become active");
		assertThat(this.holder.isAlive()).as("the holder runs: %s", holderLog()).isTrue();
		ClusterLockSettings settings = ClusterLockSettings.of("orders", this.server.url(), PostgresServer.USER,
				PostgresServer.PASSWORD);
		this.waiter = CompletableFuture.supplyAsync(() -> {
			try {
				return ClusterLock.await(settings, Duration.ZERO, this.witness.listener("waiter"));
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		Polling.await(() -> this.witness.saw("work holder"), "the holder to work");
	}

	/**
	 * The holder's kernel closes its socket, the server ends its session and frees the lock;
	 * the holder writes no exit of its own, so the test writes it once the process is gone.
	 */
	@Test
	void killedHolderShouldLetTheWaiterTakeOverAndNeverBothBeActive() throws Exception {
		startHolderAndWaiter();
		long killed = System.nanoTime();
		this.holder.destroyForcibly().waitFor();
		this.witness.append("exit holder killed");
		Polling.await(() -> this.witness.saw("enter waiter"), "the waiter to become active");
		assertThat(this.waiter.join().isActive()).isTrue();
		this.witness.assertNeverTwoActive();
		this.witness.assertNoWorkAfterEnter("holder", "waiter");
		System.out.printf("fault kill -9 of the holder JVM: waiter active +%d ms%n",
				(this.witness.appendedAt("enter waiter") - killed) / 1_000_000);
	}

	/**
	 * A frozen JVM (a long GC or VM pause) keeps its TCP connection, so only the server's
	 * idle session timeout frees the lock. The holder stays frozen until the waiter is
	 * active, then resumes: its deadline passed long ago, so it must see itself inactive at
	 * once, do no more work, report the loss and exit. Its exit line comes only after the
	 * waiter's enter, since it is written when it notices, so the evidence here is the work.
	 */
	@Test
	void frozenHolderShouldBeEndedByTheServerAndDoNoWorkAfterItResumes() throws Exception {
		startHolderAndWaiter();
		long frozen = System.nanoTime();
		signal("STOP");
		Polling.await(() -> this.witness.saw("enter waiter"), "the waiter to become active");
		long waiterActive = this.witness.appendedAt("enter waiter");
		this.witness.append("continue holder");
		signal("CONT");
		assertThat(this.holder.waitFor(1, TimeUnit.MINUTES)).as("the holder exits: %s", holderLog()).isTrue();
		assertThat(this.holder.exitValue()).as("the holder's exit status: %s", holderLog())
			.isEqualTo(HoldClusterLockMain.LOST);
		int resumed = this.witness.indexOf("continue holder");
		assertThat(this.witness.lines().subList(resumed, this.witness.lines().size()))
			.as("after it resumed: %s", this.witness)
			.anyMatch((line) -> line.startsWith("resumed holder active=false"))
			.anyMatch((line) -> line.startsWith("exit holder lost:"))
			.noneMatch((line) -> line.startsWith("resumed holder active=true"));
		this.witness.assertNoWorkAfterEnter("holder", "waiter");
		assertThat(this.waiter.join().isActive()).isTrue();
		System.out.printf("fault SIGSTOP of the holder JVM: waiter active +%d ms; holder: %s%n",
				(waiterActive - frozen) / 1_000_000, this.witness.lines()
					.stream()
					.filter((line) -> line.startsWith("exit holder"))
					.findFirst()
					.orElse(""));
	}

	private void signal(String signal) throws Exception {
		Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(this.holder.pid()))
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
	}

	private String holderLog() throws Exception {
		Path log = this.directory.resolve("holder.log");
		return "witness:\n" + this.witness + "\nholder output:\n" + (Files.exists(log) ? Files.readString(log) : "");
	}

}
