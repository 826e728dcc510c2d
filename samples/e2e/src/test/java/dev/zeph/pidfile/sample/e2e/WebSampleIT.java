package dev.zeph.pidfile.sample.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.zeph.pidfile.testsupport.Commands;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The web sample's jar as a newcomer meets it: started twice, killed, terminated, its file
 * taken away, and beside util-linux, start-stop-daemon and curl.
 */
class WebSampleIT {

	private static final int EX_TEMPFAIL = 75;

	/** What the web sample's GreetingController prints when constructed with this flag. */
	private static final String PRINT_BEAN_CONSTRUCTION = "--sample.print-bean-construction=true";

	private static final String BEAN_CONSTRUCTED = "sample: GreetingController constructed";

	private static final Pattern METRIC_VALUE = Pattern.compile("\"value\":([-0-9.Ee]+)");

	@TempDir
	Path temp;

	@Test
	void secondInstanceShouldExit75NamingTheFirstWhileTheFirstStaysUp() throws Exception {
		Path pidFile = this.temp.resolve("web.pid");
		try (LoggedProcess first = startWeb(pidFile)) {
			int port = SampleProcess.port(first);
			byte[] content = Files.readAllBytes(pidFile);
			assertThat(content).asString().isEqualTo(first.pid() + "\n");
			try (LoggedProcess second = SampleProcess.web(this.temp, "--zeph.pidfile.path=" + pidFile)) {
				assertThat(second.awaitExit()).isEqualTo(EX_TEMPFAIL);
				assertThat(second.output()).contains("APPLICATION FAILED TO START")
					.contains(pidFile.toString())
					.contains(Long.toString(first.pid()))
					.doesNotContain("started on port");
			}
			assertThat(first.isAlive()).isTrue();
			assertThat(Files.readAllBytes(pidFile)).isEqualTo(content);
			String health = curl(port, "/actuator/health/pidfile");
			assertThat(health).contains("\"status\":\"UP\"")
				.contains("\"pid\":" + first.pid())
				.contains(pidFile.toString());
		}
	}

	/**
	 * The lock is taken before the context is refreshed, so a refused start never creates a
	 * bean of the application. Were the lock taken during or after refresh, the refused start
	 * would construct the controller first and print its marker: this test would fail.
	 */
	@Test
	void refusedSecondStartShouldInstantiateNoBeanOfTheApplication() throws Exception {
		Path pidFile = this.temp.resolve("web.pid");
		try (LoggedProcess first = startWeb(pidFile, PRINT_BEAN_CONSTRUCTION)) {
			SampleProcess.port(first);
			assertThat(first.output()).as("the marker works: the first start constructed the controller")
				.contains(BEAN_CONSTRUCTED);
			try (LoggedProcess second = startWeb(pidFile, PRINT_BEAN_CONSTRUCTION)) {
				assertThat(second.awaitExit()).as(second.output()).isEqualTo(EX_TEMPFAIL);
				assertThat(second.output()).contains("APPLICATION FAILED TO START")
					.contains(Long.toString(first.pid()))
					.doesNotContain(BEAN_CONSTRUCTED);
			}
			assertThat(first.isAlive()).isTrue();
		}
	}

	@Test
	void runningInstanceShouldHoldAnFlockThatFlockAndLslocksSee() throws Exception {
		assumeThat(Commands.available("flock") && Commands.available("lslocks")).as("util-linux is installed").isTrue();
		Path pidFile = this.temp.resolve("web.pid");
		try (LoggedProcess app = startWeb(pidFile)) {
			SampleProcess.port(app);
			assertThat(Commands.run("flock", "-n", pidFile.toString(), "true").exitCode()).isEqualTo(1);
			String locks = Commands.run("lslocks", "--noheadings", "--raw", "--output", "PID,TYPE,MODE,PATH").output();
			assertThat(locks.lines()).contains(app.pid() + " FLOCK WRITE " + pidFile);
		}
	}

	@Test
	void startWhileFlockHoldsThePathShouldExit75NamingFlock() throws Exception {
		assumeThat(Commands.available("flock")).as("util-linux is installed").isTrue();
		Path pidFile = this.temp.resolve("web.pid");
		Process flock = new ProcessBuilder("flock", pidFile.toString(), "sleep", "600").start();
		try {
			Polling.await(() -> Files.exists(pidFile) && isLocked(pidFile), "flock(1) to hold " + pidFile);
			try (LoggedProcess app = SampleProcess.web(this.temp, "--zeph.pidfile.path=" + pidFile)) {
				assertThat(app.awaitExit()).isEqualTo(EX_TEMPFAIL);
				assertThat(app.output()).contains(pidFile.toString()).contains(Long.toString(flock.pid()));
			}
		}
		finally {
			flock.descendants().forEach(ProcessHandle::destroyForcibly);
			flock.destroyForcibly();
		}
	}

	@Test
	void startStopDaemonShouldSeeTheInstanceRunningThenStopped() throws Exception {
		assumeThat(Commands.available("start-stop-daemon")).as("dpkg's start-stop-daemon is installed").isTrue();
		Path pidFile = this.temp.resolve("web.pid");
		try (LoggedProcess app = startWeb(pidFile)) {
			SampleProcess.port(app);
			assertThat(startStopDaemonStatus(pidFile)).isZero();
			assertThat(app.terminate()).isIn(0, 143);
		}
		assertThat(startStopDaemonStatus(pidFile)).isNotZero();
	}

	@Test
	void sigtermShouldRemoveThePidFileAndFreeTheLock() throws Exception {
		Path pidFile = this.temp.resolve("web.pid");
		try (LoggedProcess app = startWeb(pidFile)) {
			SampleProcess.port(app);
			app.terminate();
			assertThat(pidFile).doesNotExist();
			assertThat(app.output()).contains("Released pid file");
		}
		if (Commands.available("flock")) {
			assertThat(Commands.run("flock", "-n", pidFile.toString(), "true").exitCode()).isZero();
		}
	}

	@Test
	void sigkillShouldLeaveTheFileAndTheNextStartShouldReplaceIt() throws Exception {
		Path pidFile = this.temp.resolve("web.pid");
		long killed;
		try (LoggedProcess app = startWeb(pidFile)) {
			SampleProcess.port(app);
			killed = app.pid();
			app.kill();
		}
		assertThat(pidFile).hasContent(Long.toString(killed));
		try (LoggedProcess next = startWeb(pidFile)) {
			SampleProcess.port(next);
			assertThat(next.output()).containsIgnoringCase("stale").contains(Long.toString(killed));
			assertThat(pidFile).hasContent(Long.toString(next.pid()));
		}
	}

	@Test
	void deletedFileShouldBeRecreatedByTheWatchdog() throws Exception {
		Path pidFile = this.temp.resolve("web.pid");
		try (LoggedProcess app = startWeb(pidFile, "--zeph.pidfile.check-interval=500ms")) {
			int port = SampleProcess.port(app);
			Files.delete(pidFile);
			Polling.await(() -> Files.exists(pidFile), "the watchdog to recreate " + pidFile);
			Polling.await(() -> read(pidFile).equals(app.pid() + "\n"), "the pid in the recreated file");
			assertThat(curl(port, "/actuator/health/pidfile")).contains("\"status\":\"UP\"");
			if (Commands.available("flock")) {
				assertThat(Commands.run("flock", "-n", pidFile.toString(), "true").exitCode()).isEqualTo(1);
			}
		}
	}

	@Test
	void metricsShouldShowTheLockHeldThenCountAHealAndALoss() throws Exception {
		assumeThat(Commands.available("flock")).as("util-linux is installed").isTrue();
		Path pidFile = this.temp.resolve("web.pid");
		try (LoggedProcess app = startWeb(pidFile, "--zeph.pidfile.check-interval=200ms",
				"--zeph.pidfile.on-loss=keep-running")) {
			int port = SampleProcess.port(app);
			assertThat(metric(port, "zeph.lock.held")).isEqualTo(1.0);
			assertThat(metric(port, "zeph.lock.acquisition.time")).isPositive();
			assertThat(metric(port, "zeph.lock.healed")).isZero();
			assertThat(metric(port, "zeph.lock.lost")).isZero();

			Files.delete(pidFile);
			Polling.await(() -> metricUnchecked(port, "zeph.lock.healed") == 1.0, "a heal to be counted");
			assertThat(metric(port, "zeph.lock.held")).isEqualTo(1.0);

			Path other = this.temp.resolve("other.pid");
			Process flock = new ProcessBuilder("flock", other.toString(), "sleep", "600").start();
			try {
				Polling.await(() -> Files.exists(other) && isLocked(other), "flock(1) to hold " + other);
				Files.move(other, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
				Polling.await(() -> metricUnchecked(port, "zeph.lock.lost") == 1.0, "a loss to be counted");
				assertThat(metric(port, "zeph.lock.held")).isZero();
				assertThat(metric(port, "zeph.lock.healed")).isEqualTo(1.0);
			}
			finally {
				flock.descendants().forEach(ProcessHandle::destroyForcibly);
				flock.destroyForcibly();
			}
		}
	}

	@Test
	void healthRightAfterTheFileWasDeletedShouldLockItAgainAndAnswerUp() throws Exception {
		Path pidFile = this.temp.resolve("web.pid");
		try (LoggedProcess app = startWeb(pidFile, "--zeph.pidfile.check-interval=1h")) {
			int port = SampleProcess.port(app);
			Files.delete(pidFile);
			assertThat(curl(port, "/actuator/health/pidfile")).contains("\"status\":\"UP\"");
			assertThat(read(pidFile)).isEqualTo(app.pid() + "\n");
			assertThat(curl(port, "/actuator/health")).contains("\"status\":\"UP\"");
		}
	}

	@Test
	void symlinkAtThePathShouldExit73AndLeaveTheTargetUnchanged() throws Exception {
		Path target = Files.writeString(this.temp.resolve("precious.txt"), "do not touch\n");
		Path pidFile = Files.createSymbolicLink(this.temp.resolve("web.pid"), target);
		assertRefused(pidFile, "symbolic link");
		assertThat(target).hasContent("do not touch");
		assertThat(Files.isSymbolicLink(pidFile)).isTrue();
	}

	@Test
	void directoryAtThePathShouldExit73() throws Exception {
		Path pidFile = Files.createDirectory(this.temp.resolve("web.pid"));
		assertRefused(pidFile, "directory");
		assertThat(pidFile).isDirectory();
	}

	@Test
	void fileWithOtherContentShouldExit73AndLeaveItUnchanged() throws Exception {
		byte[] notes = "my notes, not a pid\n".getBytes();
		Path pidFile = Files.write(this.temp.resolve("notes.txt"), notes);
		assertRefused(pidFile, "does not look like a pid file");
		assertThat(Files.readAllBytes(pidFile)).isEqualTo(notes);
	}

	@Test
	void unwritableLocationShouldExit73NamingTheErrno() throws Exception {
		Path directory = Files.createDirectory(this.temp.resolve("ro"));
		boolean root = "root".equals(System.getProperty("user.name"));
		assumeThat(root).as("mounting a read-only file system needs root").isTrue();
		assumeThat(Commands.run("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", directory.toString()).exitCode())
			.isZero();
		try {
			assertRefused(directory.resolve("web.pid"), "EROFS");
		}
		finally {
			Commands.run("umount", directory.toString());
		}
	}

	@Test
	void fullDiskShouldExit73AdvisingSpaceAndLeaveNothingBehind() throws Exception {
		Path directory = Files.createDirectory(this.temp.resolve("full"));
		boolean root = "root".equals(System.getProperty("user.name"));
		assumeThat(root).as("mounting a small file system needs root").isTrue();
		assumeThat(Commands.run("mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", directory.toString())
			.exitCode()).isZero();
		try {
			Path filler = directory.resolve("filler");
			try (OutputStream out = Files.newOutputStream(filler)) {
				byte[] page = new byte[4096];
				while (true) {
					out.write(page);
					out.flush();
				}
			}
			catch (IOException ex) {
				assertThat(ex).hasMessageContaining("No space left on device");
			}
			Path pidFile = directory.resolve("run/web.pid");
			try (LoggedProcess app = SampleProcess.web(this.temp, "--zeph.pidfile.path=" + pidFile)) {
				assertThat(app.awaitExit()).as(app.output()).isEqualTo(73);
				assertThat(app.output()).contains("APPLICATION FAILED TO START")
					.contains(pidFile.toString())
					.contains("ENOSPC")
					.contains("Free space on the file system of " + pidFile.getParent());
			}
			// neither the pid file nor the directory the start created for it
			try (Stream<Path> files = Files.list(directory)) {
				assertThat(files).containsExactly(filler);
			}
		}
		finally {
			Commands.run("umount", directory.toString());
		}
	}

	@Test
	void startOnJava22OrLaterShouldPrintNoWarning() throws Exception {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);
		try (LoggedProcess app = startWeb(this.temp.resolve("web.pid"))) {
			SampleProcess.port(app);
			assertThat(app.output().lines()).noneMatch((line) -> line.startsWith("WARNING:"));
			assertThat(curl(SampleProcess.port(app), "/actuator/health/pidfile")).contains("java.lang.foreign");
		}
	}

	private LoggedProcess startWeb(Path pidFile, String... args) throws Exception {
		String[] all = Arrays.copyOf(new String[] { "--zeph.pidfile.path=" + pidFile }, args.length + 1);
		System.arraycopy(args, 0, all, 1, args.length);
		return SampleProcess.web(this.temp, all);
	}

	private void assertRefused(Path pidFile, String cause) throws Exception {
		try (LoggedProcess app = SampleProcess.web(this.temp, "--zeph.pidfile.path=" + pidFile)) {
			assertThat(app.awaitExit()).as(app.output()).isEqualTo(73);
			assertThat(app.output()).contains("APPLICATION FAILED TO START")
				.contains(pidFile.toString())
				.contains(cause)
				.doesNotContain("started on port");
		}
	}

	private static String curl(int port, String path) throws Exception {
		Commands.Result curl = Commands.run("curl", "-sS", "http://127.0.0.1:" + port + path);
		assertThat(curl.exitCode()).as(curl.output()).isZero();
		return curl.output();
	}

	/**
	 * The one value of a meter, tagged for the pid file, through the metrics endpoint.
	 */
	private static double metric(int port, String name) throws Exception {
		String json = curl(port, "/actuator/metrics/" + name + "?tag=guard:pidfile");
		Matcher value = METRIC_VALUE.matcher(json);
		assertThat(value.find()).as(json).isTrue();
		return Double.parseDouble(value.group(1));
	}

	private static double metricUnchecked(int port, String name) {
		try {
			return metric(port, name);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static int startStopDaemonStatus(Path pidFile) throws Exception {
		return Commands.run("start-stop-daemon", "--status", "--pidfile", pidFile.toString()).exitCode();
	}

	private static boolean isLocked(Path pidFile) {
		try {
			return Commands.run("flock", "-n", pidFile.toString(), "true").exitCode() == 1;
		}
		catch (Exception ex) {
			return false;
		}
	}

	private static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (Exception ex) {
			return "";
		}
	}

}
