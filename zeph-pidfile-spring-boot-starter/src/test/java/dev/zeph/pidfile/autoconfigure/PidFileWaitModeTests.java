package dev.zeph.pidfile.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.zeph.pidfile.autoconfigure.testapp.PidFileTestApplication;
import dev.zeph.pidfile.testsupport.Flock;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code zeph.pidfile.mode=wait}: a cold standby on the same host, against a real holder
 * ({@code flock(1)}) and in a real child JVM.
 */
class PidFileWaitModeTests {

	@TempDir
	Path temp;

	@Test
	void waitingStartShouldStartOnceTheHolderLetsGo() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = Flock.hold(path);
		try (LoggedProcess app = TestApplicationProcess.start(this.temp.resolve("app.log"), List.of(),
				"--zeph.pidfile.path=" + path, "--zeph.pidfile.mode=wait")) {
			app.awaitOutput("Waiting for pid file " + path);
			assertThat(app.output()).doesNotContain(PidFileTestApplication.STARTED);
			Flock.release(holder);
			app.awaitOutput(PidFileTestApplication.STARTED);
			assertThat(path).hasContent(app.pid() + "\n");
			assertThat(Flock.isFree(path)).isFalse();
			assertThat(app.output()).containsOnlyOnce("Waiting for pid file " + path);
		}
		finally {
			Flock.release(holder);
		}
	}

	@Test
	void waitingStartShouldWaitInTheKernelOnTheHoldersLock() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = Flock.hold(path);
		try (LoggedProcess app = TestApplicationProcess.start(this.temp.resolve("app.log"), List.of(),
				"--zeph.pidfile.path=" + path, "--zeph.pidfile.mode=wait")) {
			app.awaitOutput("Waiting for pid file " + path);
			// the kernel lists a blocked flock request as "->" before the lock it waits for
			Polling.await(() -> blockedRequests().contains(" " + app.pid() + " "),
					"a blocked flock request of the waiting JVM in /proc/locks");
			Flock.release(holder);
			app.awaitOutput(PidFileTestApplication.STARTED);
			assertThat(path).hasContent(app.pid() + "\n");
		}
		finally {
			Flock.release(holder);
		}
	}

	private static String blockedRequests() {
		try {
			return String.join("\n", Files.readAllLines(Path.of("/proc/locks")).stream()
				.filter((line) -> line.contains("->"))
				.toList());
		}
		catch (IOException ex) {
			return "";
		}
	}

	@Test
	void waitingStartShouldBeRefusedWith75OnceTheWaitTimeoutPasses() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = Flock.hold(path);
		try (LoggedProcess app = TestApplicationProcess.start(this.temp.resolve("app.log"), List.of(),
				"--zeph.pidfile.path=" + path, "--zeph.pidfile.mode=wait", "--zeph.pidfile.wait-timeout=1s")) {
			assertThat(app.awaitExit()).isEqualTo(75);
			assertThat(app.output()).contains("Waiting for pid file " + path)
				.contains("APPLICATION FAILED TO START")
				.contains("PID " + holder.pid());
		}
		finally {
			Flock.release(holder);
		}
	}

	@Test
	void sigtermWhileWaitingShouldEndTheProcessHoldingNothing() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = Flock.hold(path);
		try (LoggedProcess app = TestApplicationProcess.start(this.temp.resolve("app.log"), List.of(),
				"--zeph.pidfile.path=" + path, "--zeph.pidfile.mode=wait")) {
			app.awaitOutput("Waiting for pid file " + path);
			app.terminate();
			assertThat(app.awaitExit()).isEqualTo(143);
			Flock.release(holder);
			assertThat(Flock.isFree(path)).isTrue();
		}
		finally {
			Flock.release(holder);
		}
	}

}
