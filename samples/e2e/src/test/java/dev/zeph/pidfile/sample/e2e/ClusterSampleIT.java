package dev.zeph.pidfile.sample.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.zeph.pidfile.testsupport.Commands;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster sample's jar as a fleet: instances of it against one real PostgreSQL server,
 * its scheduled task writing to one work log, which shows any overlap.
 */
class ClusterSampleIT {

	private static PostgresServer server;

	@TempDir
	Path temp;

	@BeforeAll
	static void startServer() throws Exception {
		server = PostgresServer.start();
	}

	@AfterAll
	static void stopServer() throws Exception {
		if (server != null) {
			server.close();
		}
	}

	private LoggedProcess start(String... more) throws Exception {
		return start(List.of(), SampleProcess.jar("sample.cluster.jar"), more);
	}

	private LoggedProcess start(List<String> jvmOptions, Path jar, String... more) throws Exception {
		List<String> args = new ArrayList<>(List.of("--zeph.pidfile.cluster.url=" + server.url(),
				"--zeph.pidfile.cluster.username=" + PostgresServer.USER,
				"--zeph.pidfile.cluster.password=" + PostgresServer.PASSWORD,
				"--sample.work-log=" + this.temp.resolve("work.log")));
		args.addAll(List.of(more));
		return SampleProcess.start(jvmOptions, jar, this.temp, args.toArray(String[]::new));
	}

	/**
	 * The second instance starts only once the first is active: started together, either may
	 * win the lock.
	 */
	@Test
	void killedActiveInstanceShouldBeReplacedByTheWaitingOneWithoutOverlap() throws Exception {
		try (LoggedProcess first = start()) {
			first.awaitOutput("Active: this instance holds cluster lock");
			try (LoggedProcess second = start()) {
				second.awaitOutput("Waiting for the cluster lock");
				Polling.await(() -> workers().contains(first.pid() + ""), "the first to work");
				assertThat(second.output()).doesNotContain("Active:");
				long killed = System.nanoTime();
				first.kill();
				second.awaitOutput("Active: this instance holds cluster lock");
				long active = System.nanoTime();
				Polling.await(() -> workers().contains(second.pid() + ""), "the second to work");
				assertNoOverlap(first.pid(), second.pid());
				System.out.printf("cluster sample: kill -9 of the active instance -> the other active +%d ms%n",
						(active - killed) / 1_000_000);
			}
		}
	}

	@Test
	void secondInstanceInRefuseModeShouldExit75NamingTheFirst() throws Exception {
		try (LoggedProcess first = start()) {
			first.awaitOutput("Locked cluster lock");
			try (LoggedProcess second = start("--zeph.pidfile.mode=refuse")) {
				assertThat(second.awaitExit()).as(second.output()).isEqualTo(75);
				assertThat(second.output()).contains("APPLICATION FAILED TO START")
					.contains("PID " + first.pid())
					.contains("Only one instance may be active");
			}
			assertThat(first.isAlive()).isTrue();
		}
	}

	/**
	 * The training run of a CDS archive (JDK 17-24) or an AOT cache (25) ends with a halt at
	 * the refresh, which runs no shutdown hook, and writing the archive keeps every thread
	 * still for seconds: a lock held into it was reported lost, and its exit cut the AOT
	 * cache short.
	 */
	@Test
	void trainingRunShouldLetGoOfTheLockAtOnceAndLeaveAnArchiveThatStarts() throws Exception {
		Path jar = SampleProcess.jar("sample.cluster.jar");
		Path app = this.temp.resolve("app");
		Commands.Result extract = Commands.run(SampleProcess.java(), "-Djarmode=tools", "-jar", jar.toString(),
				"extract", "--destination", app.toString());
		assertThat(extract.exitCode()).as(extract.output()).isZero();
		Path extracted = app.resolve(jar.getFileName());
		boolean aotCache = Runtime.version().feature() >= 25;
		Path archive = app.resolve(aotCache ? "app.aot" : "app.jsa");
		List<String> train = List.of(aotCache ? "-XX:AOTCacheOutput=" + archive : "-XX:ArchiveClassesAtExit=" + archive,
				"-Dspring.context.exit=onRefresh");
		Path trainingPidFile = this.temp.resolve("training.pid");
		try (LoggedProcess training = start(train, extracted, "--zeph.pidfile.path=" + trainingPidFile)) {
			assertThat(training.awaitExit()).as(training.output()).isZero();
			assertThat(training.output()).contains("Released cluster lock 'zeph-pidfile-sample-cluster' at once")
				.doesNotContain("Lost cluster lock")
				.doesNotContain("[error");
		}
		assertThat(archive).isRegularFile();
		// insisting on the archive: a start that could not use it fails instead of running without
		List<String> use = aotCache ? List.of("-XX:AOTMode=on", "-XX:AOTCache=" + archive)
				: List.of("-Xshare:on", "-XX:SharedArchiveFile=" + archive);
		try (LoggedProcess instance = start(use, extracted)) {
			instance.awaitOutput("Active: this instance holds cluster lock");
		}
	}

	/** After the second instance's first line, the first instance wrote none. */
	private void assertNoOverlap(long first, long second) throws Exception {
		List<String> lines = Files.readAllLines(this.temp.resolve("work.log"));
		int secondStarts = -1;
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).endsWith(" " + second)) {
				secondStarts = i;
				break;
			}
		}
		assertThat(secondStarts).isPositive();
		assertThat(lines.subList(secondStarts, lines.size())).noneMatch((line) -> line.endsWith(" " + first));
	}

	private String workers() {
		try {
			Path log = this.temp.resolve("work.log");
			return Files.exists(log) ? Files.readString(log) : "";
		}
		catch (Exception ex) {
			return "";
		}
	}

}
