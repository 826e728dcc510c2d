package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.testsupport.Commands;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests that {@link PidFile}'s lock is the one util-linux {@code flock(1)} takes, both ways:
 * a JVM's {@code FileChannel.lock} would be an fcntl lock that {@code flock(1)} never sees.
 */
class PidFileFlockInteropTests {

	@TempDir
	Path temp;

	@BeforeAll
	static void requireFlock() {
		assumeThat(Commands.available("flock")).as("util-linux flock(1) is installed").isTrue();
	}

	@Test
	void acquireShouldMakeFlockCommandFail() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(Commands.run("flock", "-n", path.toString(), "true").exitCode()).isEqualTo(1);
		}
		assertThat(Commands.run("flock", "-n", path.toString(), "true").exitCode()).isZero();
	}

	@Test
	void acquireWhenHeldByFlockShouldNameHolder() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process flock = new ProcessBuilder("flock", path.toString(), "sleep", "300").start();
		try {
			awaitLocked(path);
			// flock(1) writes no pid: the holder is named by the kernel's /proc/locks
			assertThatExceptionOfType(AlreadyRunningException.class).isThrownBy(() -> PidFile.acquire(path))
				.satisfies((ex) -> {
					assertThat(ex.getHolderPid()).hasValue(flock.pid());
					assertThat(ex.getMessage()).contains(path.toString()).contains("PID " + flock.pid());
				});
			assertThat(Files.readAllBytes(path)).isEmpty();
		}
		finally {
			Commands.killTree(flock);
		}
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(pidFile.previousPid()).isEmpty();
		}
	}

	@Test
	void inspectWhenHeldByFlockShouldReportRunningWithFlocksPid() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process flock = new ProcessBuilder("flock", path.toString(), "sleep", "300").start();
		try {
			awaitLocked(path);
			PidFileStatus status = PidFile.inspect(path);
			assertThat(status.state()).isEqualTo(PidFileStatus.State.RUNNING);
			assertThat(status.pid()).hasValue(flock.pid());
		}
		finally {
			Commands.killTree(flock);
		}
	}

	@Test
	void acquireWhenFlockReleasedShouldSucceedOnItsFile() throws Exception {
		Path path = this.temp.resolve("app.pid");
		assertThat(Commands.run("flock", path.toString(), "true").exitCode()).isZero();
		assertThat(path).exists();
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(pidFile.isOwned()).isTrue();
		}
	}

	@Test
	void awaitReleaseShouldBlockInTheKernelUntilFlockLetsGoAndHoldNothingAfter() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process flock = new ProcessBuilder("flock", path.toString(), "sleep", "300").start();
		try {
			awaitLocked(path);
			CompletableFuture<Void> released = CompletableFuture.runAsync(() -> {
				try {
					PidFile.awaitRelease(path);
				}
				catch (PidFileException ex) {
					throw new IllegalStateException(ex);
				}
			});
			// the kernel lists a blocked flock request as "->" before the lock it waits for
			Polling.await(() -> blockedRequests().contains(" " + ProcessHandle.current().pid() + " "),
					"a blocked flock request of this process in /proc/locks");
			assertThat(released).isNotDone();
			Commands.killTree(flock);
			released.get(1, TimeUnit.MINUTES);
			assertThat(Commands.run("flock", "-n", path.toString(), "true").exitCode()).isZero();
		}
		finally {
			Commands.killTree(flock);
		}
	}

	@Test
	void awaitReleaseWhenNothingIsThereShouldReturnAtOnceCreatingNothing() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFile.awaitRelease(path);
		assertThat(path).doesNotExist();
	}

	/** The blocked flock requests the kernel lists, {@code ->} before the lock each waits for. */
	static String blockedRequests() {
		try {
			return Files.readAllLines(Path.of("/proc/locks"))
				.stream()
				.filter((line) -> line.contains("->"))
				.reduce("", (all, line) -> all + line + "\n");
		}
		catch (IOException ex) {
			return "";
		}
	}

	static void awaitLocked(Path path) throws InterruptedException {
		Polling.await(() -> {
			try {
				return Files.exists(path) && Commands.run("flock", "-n", path.toString(), "true").exitCode() == 1;
			}
			catch (Exception ex) {
				return false;
			}
		}, "flock(1) to take " + path);
	}

}
