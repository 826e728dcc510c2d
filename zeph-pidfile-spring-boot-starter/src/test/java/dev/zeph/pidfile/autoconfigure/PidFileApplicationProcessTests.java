package dev.zeph.pidfile.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.zeph.pidfile.autoconfigure.testapp.PidFileTestApplication;
import dev.zeph.pidfile.testsupport.Flock;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
		try (LoggedProcess first = start("first.log", "--zeph.pidfile.path=" + path).awaitOutput(PidFileTestApplication.STARTED)) {
			byte[] content = Files.readAllBytes(path);
			Object fileKey = fileKey(path);
			assertThat(new String(content)).isEqualTo(first.pid() + "\n");
			try (LoggedProcess second = start("second.log", "--zeph.pidfile.path=" + path)) {
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
	void lostPidFileShouldCloseTheApplicationAndExit70() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Path other = this.temp.resolve("other.pid");
		// main has returned, as a web application's has: the exit must still be 70, not the JVM's 0
		try (LoggedProcess app = start("app.log", "--zeph.pidfile.path=" + path,
				"--zeph.pidfile.check-interval=100ms", "--test.main-returns=true")
			.awaitOutput(PidFileTestApplication.STARTED)) {
			Process holder = Flock.hold(other);
			try {
				Files.move(other, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
				assertThat(app.awaitExit()).isEqualTo(ExitOnLockLoss.EXIT_CODE);
				assertThat(app.output()).contains("Lost pid file " + path)
					.contains("Exiting with 70: lost pid file " + path);
				assertThat(path).as("the file another process holds is left in place").exists();
				assertThat(Flock.isFree(path)).isFalse();
			}
			finally {
				Flock.release(holder);
			}
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
		try (LoggedProcess first = TestApplicationProcess
			.start(this.temp.resolve("first.log"), ownPidNamespace, List.of(), "--zeph.pidfile.path=" + path)
			.awaitOutput(PidFileTestApplication.STARTED)) {
			assertThat(path).hasContent("1");
			try (LoggedProcess second = TestApplicationProcess.start(this.temp.resolve("second.log"),
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
		try (LoggedProcess first = start("first.log", "--zeph.pidfile.path=" + path).awaitOutput(PidFileTestApplication.STARTED)) {
			firstPid = first.pid();
			first.kill();
			assertThat(first.awaitExit()).isEqualTo(137);
		}
		assertThat(path).hasContent(firstPid + "\n");
		try (LoggedProcess second = start("second.log", "--zeph.pidfile.path=" + path).awaitOutput(PidFileTestApplication.STARTED)) {
			assertThat(second.output()).contains("Replaced stale pid file " + path + " of PID " + firstPid);
			assertThat(path).hasContent(second.pid() + "\n");
		}
	}

	@Test
	void terminatedShouldRemoveTheFileAndFreeTheLockForFlock() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (LoggedProcess application = start("app.log", "--zeph.pidfile.path=" + path).awaitOutput(PidFileTestApplication.STARTED)) {
			assertThat(Flock.isFree(path)).isFalse();
			application.terminate();
			assertThat(application.awaitExit()).isEqualTo(143);
			assertThat(path).doesNotExist();
			assertThat(application.output()).contains("Released pid file " + path + " (PID " + application.pid() + ")");
		}
		assertThat(Flock.isFree(path)).isTrue();
	}

	@RepeatedTest(20)
	void terminatedTheMomentItLockedShouldRemoveTheFile() throws Exception {
		terminateAfterLockingAndAssertNoFileIsLeft(Duration.ZERO);
	}

	@ParameterizedTest
	@ValueSource(ints = { 10, 50, 100, 150, 200, 300 })
	void terminatedShortlyAfterItLockedShouldRemoveTheFile(int delayMillis) throws Exception {
		terminateAfterLockingAndAssertNoFileIsLeft(Duration.ofMillis(delayMillis));
	}

	private void terminateAfterLockingAndAssertNoFileIsLeft(Duration delay) throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (LoggedProcess application = start("app.log", "--zeph.pidfile.path=" + path)) {
			application.awaitOutput("Locked pid file " + path);
			Thread.sleep(delay.toMillis());
			application.terminate();
			application.awaitExit();
			assertThat(path).as(application.output()).doesNotExist();
		}
		assertThat(Flock.isFree(path)).isTrue();
	}

	@Test
	void startOnAFileThatIsNotAPidFileShouldExitWith73AndLeaveItAlone() throws Exception {
		Path path = Files.writeString(this.temp.resolve("notes.txt"), "remember the milk\n");
		try (LoggedProcess application = start("app.log", "--zeph.pidfile.path=" + path)) {
			assertThat(application.awaitExit()).isEqualTo(73);
			assertThat(application.output()).contains("APPLICATION FAILED TO START")
				.contains(path + " does not look like a pid file");
		}
		assertThat(path).hasContent("remember the milk\n");
	}

	@Test
	void startOnAnUnsupportedPlatformWithTheDefaultPathShouldWarnAndStart() throws Exception {
		String name = "zeph-pidfile-test-" + UUID.randomUUID();
		try (LoggedProcess application = start("app.log", List.of("-Dzeph.pidfile.native=none"),
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
		try (LoggedProcess application = start("app.log", List.of("-Dzeph.pidfile.native=none"),
				"--zeph.pidfile.path=" + path)) {
			assertThat(application.awaitExit()).isEqualTo(73);
			assertThat(application.output()).contains("APPLICATION FAILED TO START")
				.contains("so the application does not start without its lock");
		}
		assertThat(path).doesNotExist();
	}

	@Test
	void startOnJava17To21WithANoexecTemporaryDirectoryShouldExitWith73NamingTheFixes() throws Exception {
		assumeThat(Runtime.version().feature()).as("the jffi backend serves Java 17 to 21").isLessThan(22);
		Path noexec = mountNoexecTmpfs();
		try {
			String name = "zeph-pidfile-test-" + UUID.randomUUID();
			try (LoggedProcess application = startIn(noexec, name)) {
				assertThat(application.awaitExit()).isEqualTo(73);
				assertThat(application.output()).contains("APPLICATION FAILED TO START")
					.contains("jffi could not load its native library")
					.contains("failed to map segment from shared object")
					.contains("The temporary directory is not executable (mounted noexec)")
					.contains("-Djffi.extract.dir=")
					.contains("Java 22 or later")
					.doesNotContain("Linux or macOS")
					.doesNotContain("Starting without a pid file")
					.doesNotContain("\tat ")
					.doesNotContain(PidFileTestApplication.STARTED);
			}
			assertThat(noexec.resolve(name + ".pid")).doesNotExist();
		}
		finally {
			unmount(noexec);
		}
	}

	@Test
	void startOnJava22WithANoexecTemporaryDirectoryShouldLockThroughForeign() throws Exception {
		assumeThat(Runtime.version().feature()).as("the java.lang.foreign backend serves Java 22+")
			.isGreaterThanOrEqualTo(22);
		assumeThat(System.getProperty("zeph.pidfile.native", "auto")).isEqualTo("auto");
		Path noexec = mountNoexecTmpfs();
		try {
			String name = "zeph-pidfile-test-" + UUID.randomUUID();
			try (LoggedProcess application = startIn(noexec, name, "--test.exit-after-start=true")) {
				assertThat(application.awaitExit()).as(application.output()).isZero();
				assertThat(application.output())
					.contains("Locked pid file " + noexec.resolve(name + ".pid"))
					.contains("native backend java.lang.foreign")
					.contains(PidFileTestApplication.STARTED);
			}
		}
		finally {
			unmount(noexec);
		}
	}

	/**
	 * Start on the default path, with a temporary and a working directory that are both
	 * {@code noexec}: the directories where jffi unpacks its library.
	 */
	private LoggedProcess startIn(Path noexec, String name, String... args) throws Exception {
		List<String> all = new ArrayList<>(List.of("--spring.application.name=" + name));
		all.addAll(List.of(args));
		return TestApplicationProcess.start(this.temp.resolve("app.log"), noexec,
				List.of("-Djava.io.tmpdir=" + noexec), all.toArray(String[]::new));
	}

	/**
	 * A tmpfs mounted {@code noexec}, as hardened hosts mount {@code /tmp}; root only.
	 */
	private Path mountNoexecTmpfs() throws Exception {
		assumeThat(System.getProperty("user.name")).as("mounting a tmpfs needs root").isEqualTo("root");
		Path mountPoint = Files.createDirectories(this.temp.resolve("noexec"));
		Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "noexec,size=16m", "tmpfs",
				mountPoint.toString())
			.redirectErrorStream(true)
			.start();
		String output = new String(mount.getInputStream().readAllBytes());
		assumeThat(mount.waitFor()).as("mount -t tmpfs -o noexec: " + output).isZero();
		return mountPoint;
	}

	private static void unmount(Path mountPoint) throws Exception {
		Process umount = new ProcessBuilder("umount", mountPoint.toString()).redirectErrorStream(true).start();
		String output = new String(umount.getInputStream().readAllBytes());
		assertThat(umount.waitFor()).as("umount " + mountPoint + ": " + output).isZero();
	}

	@Test
	void startWhenDisabledShouldLoadNothingNative() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (LoggedProcess application = start("app.log", List.of("-Xlog:class+load=info"),
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

	@Test
	void startWithTheClusterModuleButNotTheLockShouldLoadNoDriverClass() throws Exception {
		try (LoggedProcess application = start("app.log", List.of("-Xlog:class+load=info"),
				"--zeph.pidfile.path=" + this.temp.resolve("app.pid"), "--test.exit-after-start=true")) {
			assertThat(application.awaitExit()).isZero();
			assertThat(application.output()).contains("dev.zeph.pidfile.autoconfigure.cluster.ClusterLockConnectionListener")
				.doesNotContain("] org.postgresql.")
				.doesNotContain("] dev.zeph.pidfile.cluster.ClusterLockConnection ");
		}
	}

	private LoggedProcess start(String log, String... args) throws Exception {
		return start(log, List.of(), args);
	}

	private LoggedProcess start(String log, List<String> jvmOptions, String... args) throws Exception {
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
