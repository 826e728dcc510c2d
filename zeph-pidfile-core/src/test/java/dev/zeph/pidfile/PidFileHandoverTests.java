package dev.zeph.pidfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import dev.zeph.pidfile.testsupport.Commands;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@link PidFile#handOver()} and the file that {@link PidFile#awaitRelease(Path,
 * java.util.function.Consumer)} waits on, beside a real {@code flock(1)} waiter: a holder that
 * lets go to a waiter leaves the file for it, so that the waiter locks the file it waited on.
 */
class PidFileHandoverTests {

	@TempDir
	Path temp;

	@BeforeAll
	static void requireFlockAndProcLocks() {
		assumeThat(Commands.available("flock")).as("util-linux flock(1) is installed").isTrue();
		assumeThat(Path.of("/proc/locks")).as("the kernel's lock list").isReadable();
	}

	@Test
	void handOverWhileAProcessWaitsShouldLeaveTheFileForIt() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFile pidFile = PidFile.acquire(path);
		// a waiter that takes the lock and, holding it, prints the file's inode
		Process waiter = new ProcessBuilder("flock", path.toString(), "stat", "-c", "%i", path.toString())
			.redirectErrorStream(true)
			.start();
		try {
			Polling.await(() -> new ProcLocks().holders(FileStatusOf.path(path)).waiting(), "flock(1) to wait");
			assertThat(pidFile.handOver()).isTrue();
			assertThat(waiter.waitFor()).isZero();
			assertThat(new String(waiter.getInputStream().readAllBytes()).trim())
				.isEqualTo(Long.toString(pidFile.fileKey().inode()));
			assertThat(path).exists();
			try (PidFile next = PidFile.acquire(path)) {
				assertThat(next.fileKey()).isEqualTo(pidFile.fileKey());
				assertThat(next.previousPid()).hasValue(ProcessHandle.current().pid());
			}
		}
		finally {
			Commands.killTree(waiter);
		}
	}

	@Test
	void handOverWithNobodyWaitingShouldRemoveTheFileAsCloseDoes() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFile pidFile = PidFile.acquire(path);
		assertThat(pidFile.handOver()).isFalse();
		assertThat(path).doesNotExist();
		assertThat(pidFile.ownership()).isEqualTo(PidFile.Ownership.RELEASED);
	}

	@Test
	void handOverOfAReplacedFileShouldLeaveTheOtherFileAlone() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFile pidFile = PidFile.acquire(path);
		Files.delete(path);
		Files.writeString(path, "4242\n");
		assertThat(pidFile.handOver()).isFalse();
		assertThat(Files.readString(path)).isEqualTo("4242\n");
	}

	@Test
	void awaitReleaseShouldNameTheFileItWaitsOnBeforeWaiting() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFile pidFile = PidFile.acquire(path);
		AtomicReference<PidFile.FileKey> waitedOn = new AtomicReference<>();
		CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
			try {
				PidFile.awaitRelease(path, waitedOn::set);
			}
			catch (PidFileException ex) {
				throw new IllegalStateException(ex);
			}
		});
		Polling.await(() -> waitedOn.get() != null, "the waiter to name the file");
		assertThat(waitedOn.get()).isEqualTo(pidFile.fileKey());
		assertThat(release).isNotDone();
		pidFile.close();
		release.join();
	}

	/** The status of the file at a path, as the kernel's lock list keys it. */
	private static final class FileStatusOf {

		static FileStatus path(Path path) {
			try {
				FileStatus status = NativeAccessLoader.get(path).lstat(path.toString());
				assertThat(status).isNotNull();
				return status;
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
