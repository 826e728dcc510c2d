package dev.zeph.pidfile.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.UUID;

import dev.zeph.pidfile.autoconfigure.testapp.PidFileTestApplication;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests that run the application as real processes, the way an operator or a service manager
 * would: two starts on one path, SIGKILL, SIGTERM, exit codes.
 */
class PidFileApplicationProcessTests {

	@TempDir
	Path temp;

	@Test
	void secondStartShouldExitWith75NamingTheFirstWhileTheFirstKeepsItsFile() throws Exception {
		Path path = this.temp.resolve("run/app.pid");
		try (TestApplicationProcess first = start("first.log", "--zeph.pidfile.path=" + path).awaitStarted()) {
			byte[] content = Files.readAllBytes(path);
			Object fileKey = fileKey(path);
			assertThat(new String(content)).isEqualTo(first.pid() + "\n");
			try (TestApplicationProcess second = start("second.log", "--zeph.pidfile.path=" + path)) {
				assertThat(second.awaitExit()).isEqualTo(75);
				assertThat(second.output()).contains("APPLICATION FAILED TO START")
					.contains("The pid file " + path + " is locked by PID " + first.pid())
					.contains("Stop PID " + first.pid())
					.doesNotContain(PidFileTestApplication.STARTED);
			}
			assertThat(first.isAlive()).isTrue();
			assertThat(Files.readAllBytes(path)).isEqualTo(content);
			assertThat(fileKey(path)).isEqualTo(fileKey);
		}
	}

	@Test
	void secondStartInAnotherPidNamespaceShouldExitWith75WithoutClaimingThisProcessOrAdvisingAKill() throws Exception {
		assumeThat("root".equals(System.getProperty("user.name")) && unshareAvailable())
			.as("'unshare --pid --fork --mount-proc' needs root and util-linux's unshare")
			.isTrue();
		// two containers sharing a volume: each instance is pid 1 of its own pid namespace
		List<String> ownPidNamespace = List.of("unshare", "--pid", "--fork", "--kill-child", "--mount-proc");
		Path path = this.temp.resolve("app.pid");
		try (TestApplicationProcess first = TestApplicationProcess
			.start(this.temp.resolve("first.log"), ownPidNamespace, List.of(), "--zeph.pidfile.path=" + path)
			.awaitStarted()) {
			assertThat(path).hasContent("1");
			try (TestApplicationProcess second = TestApplicationProcess.start(this.temp.resolve("second.log"),
					ownPidNamespace, List.of(), "--zeph.pidfile.path=" + path)) {
				assertThat(second.awaitExit()).isEqualTo(75);
				assertThat(second.output()).contains("APPLICATION FAILED TO START")
					.contains("The pid file " + path + " is locked by a process outside this pid namespace, or not"
							+ " visible to this user (the file says PID 1, which may not be meaningful in this pid"
							+ " namespace)")
					.doesNotContain("this process")
					.doesNotContain("kill")
					.doesNotContain(PidFileTestApplication.STARTED);
			}
			assertThat(first.isAlive()).isTrue();
			assertThat(path).hasContent("1");
		}
	}

	@Test
	void killedFirstShouldLeaveAStaleFileThatTheNextStartReplacesWithAWarning() throws Exception {
		Path path = this.temp.resolve("app.pid");
		long firstPid;
		try (TestApplicationProcess first = start("first.log", "--zeph.pidfile.path=" + path).awaitStarted()) {
			firstPid = first.pid();
			first.kill();
			assertThat(first.awaitExit()).isEqualTo(137);
		}
		assertThat(path).hasContent(firstPid + "\n");
		try (TestApplicationProcess second = start("second.log", "--zeph.pidfile.path=" + path).awaitStarted()) {
			assertThat(second.output()).contains("Replaced stale pid file " + path + " of PID " + firstPid);
			assertThat(path).hasContent(second.pid() + "\n");
		}
	}

	@Test
	void terminatedShouldRemoveTheFileAndFreeTheLockForFlock() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (TestApplicationProcess application = start("app.log", "--zeph.pidfile.path=" + path).awaitStarted()) {
			assertThat(Flock.isFree(path)).isFalse();
			application.terminate();
			assertThat(application.awaitExit()).isEqualTo(143);
			assertThat(path).doesNotExist();
			assertThat(application.output()).contains("Released pid file " + path + " (PID " + application.pid() + ")");
		}
		assertThat(Flock.isFree(path)).isTrue();
	}

	@Test
	void startOnAFileThatIsNotAPidFileShouldExitWith73AndLeaveItAlone() throws Exception {
		Path path = Files.writeString(this.temp.resolve("notes.txt"), "remember the milk\n");
		try (TestApplicationProcess application = start("app.log", "--zeph.pidfile.path=" + path)) {
			assertThat(application.awaitExit()).isEqualTo(73);
			assertThat(application.output()).contains("APPLICATION FAILED TO START")
				.contains(path + " does not look like a pid file");
		}
		assertThat(path).hasContent("remember the milk\n");
	}

	@Test
	void startOnAnUnsupportedPlatformWithTheDefaultPathShouldWarnAndStart() throws Exception {
		String name = "zeph-pidfile-test-" + UUID.randomUUID();
		try (TestApplicationProcess application = start("app.log", List.of("-Dzeph.pidfile.native=none"),
				"--spring.application.name=" + name, "--test.exit-after-start=true")) {
			assertThat(application.awaitExit()).isZero();
			assertThat(application.output()).contains("WARN")
				.contains("Starting without a pid file")
				.contains("Set zeph.pidfile.path to make this an error")
				.contains(PidFileTestApplication.STARTED);
		}
		assertThat(Path.of(System.getProperty("java.io.tmpdir"), name + ".pid")).doesNotExist();
	}

	@Test
	void startOnAnUnsupportedPlatformWithAnExplicitPathShouldExitWith73() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (TestApplicationProcess application = start("app.log", List.of("-Dzeph.pidfile.native=none"),
				"--zeph.pidfile.path=" + path)) {
			assertThat(application.awaitExit()).isEqualTo(73);
			assertThat(application.output()).contains("APPLICATION FAILED TO START")
				.contains("so the application does not start without its lock");
		}
		assertThat(path).doesNotExist();
	}

	@Test
	void startWhenDisabledShouldLoadNothingNative() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (TestApplicationProcess application = start("app.log", List.of("-Xlog:class+load=info"),
				"--zeph.pidfile.path=" + path, "--zeph.pidfile.enabled=false", "--test.exit-after-start=true")) {
			assertThat(application.awaitExit()).isZero();
			assertThat(application.output())
				.contains("dev.zeph.pidfile.autoconfigure.PidFileApplicationContextInitializer")
				.doesNotContain("dev.zeph.pidfile.NativeAccess")
				.doesNotContain("dev.zeph.pidfile.ForeignNativeAccess")
				.doesNotContain("dev.zeph.pidfile.JnrNativeAccess")
				.doesNotContain("] jnr.")
				.doesNotContain("] com.kenai.jffi.");
		}
		assertThat(path).doesNotExist();
	}

	private TestApplicationProcess start(String log, String... args) throws Exception {
		return start(log, List.of(), args);
	}

	private TestApplicationProcess start(String log, List<String> jvmOptions, String... args) throws Exception {
		return TestApplicationProcess.start(this.temp.resolve(log), jvmOptions, args);
	}

	private static Object fileKey(Path path) throws Exception {
		return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
	}

	private static boolean unshareAvailable() {
		try {
			Process process = new ProcessBuilder("unshare", "--version").redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return process.waitFor() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
