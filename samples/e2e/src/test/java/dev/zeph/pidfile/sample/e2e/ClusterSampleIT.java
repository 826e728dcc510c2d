package dev.zeph.pidfile.sample.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
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
		// the fencing table and the fenced report's, created by the sample where PostgreSQL 15+
		// lets only the owner create
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			statement.execute("GRANT CREATE ON SCHEMA public TO " + PostgresServer.USER);
		}
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
		List<String> args = new ArrayList<>(List.of("--server.address=127.0.0.1", "--zeph.pidfile.cluster.url=" + server.url(),
				"--zeph.pidfile.cluster.username=" + PostgresServer.USER,
				"--zeph.pidfile.cluster.password=" + PostgresServer.PASSWORD,
				"--sample.work-log=" + this.temp.resolve("work.log")));
		args.addAll(List.of(more));
		return SampleProcess.start(jvmOptions, jar, this.temp, args.toArray(String[]::new));
	}

	/**
	 * Three instances started together: every one serves HTTP and reports itself ready and
	 * live, exactly one runs the report; killed, it is replaced by another, and the work log
	 * never shows two at once.
	 */
	@Test
	void threeInstancesShouldAllServeWhileOneWorksAndAnotherTakesOverAfterAKill() throws Exception {
		try (LoggedProcess first = start(); LoggedProcess second = start(); LoggedProcess third = start()) {
			List<LoggedProcess> all = List.of(first, second, third);
			Polling.await(() -> all.stream().filter(ClusterSampleIT::isActive).count() == 1, "one active instance");
			LoggedProcess active = all.stream().filter(ClusterSampleIT::isActive).findFirst().orElseThrow();
			Polling.await(() -> workers().contains(active.pid() + ""), "the active one to work");
			for (LoggedProcess instance : all) {
				int port = SampleProcess.port(instance);
				String role = (instance == active) ? "ACTIVE" : "STANDBY";
				assertThat(curl(port, "/")).isEqualTo("PID " + instance.pid() + " is " + role + "\n");
				assertThat(curl(port, "/actuator/health/readiness")).contains("\"status\":\"UP\"");
				assertThat(curl(port, "/actuator/health/liveness")).contains("\"status\":\"UP\"");
				assertThat(curl(port, "/actuator/health/clusterLock")).contains("\"status\":\"UP\"")
					.contains("\"role\":\"" + role + "\"");
			}
			assertThat(workerPids()).containsOnly(active.pid());
			long killed = System.nanoTime();
			active.kill();
			List<LoggedProcess> rest = all.stream().filter((instance) -> instance != active).toList();
			Polling.await(() -> rest.stream().filter(ClusterSampleIT::isActive).count() == 1, "another active instance");
			long taken = System.nanoTime();
			LoggedProcess next = rest.stream().filter(ClusterSampleIT::isActive).findFirst().orElseThrow();
			Polling.await(() -> workers().contains(next.pid() + ""), "the next one to work");
			assertNoOverlap(active.pid(), next.pid());
			System.out.printf("cluster sample: kill -9 of the active instance -> the next active +%d ms%n",
					(taken - killed) / 1_000_000);
		}
	}

	/**
	 * With fencing switched on: each tenure raises its token before it becomes active and
	 * says so in its log and its health; killed, the active instance is followed by one with
	 * a greater token, and by the server's commit times every report of the first token
	 * commits before the first report of the next.
	 */
	@Test
	void fencingShouldGiveEachTenureAGreaterTokenAndOrderTheReportsByIt() throws Exception {
		String fencing = "--zeph.pidfile.cluster.fencing.enabled=true";
		try (LoggedProcess first = start(fencing); LoggedProcess second = start(fencing)) {
			List<LoggedProcess> both = List.of(first, second);
			Polling.await(() -> both.stream().filter(ClusterSampleIT::isActive).count() == 1, "one active instance");
			LoggedProcess active = both.stream().filter(ClusterSampleIT::isActive).findFirst().orElseThrow();
			LoggedProcess standby = (active == first) ? second : first;
			long token = server.queryInt("SELECT token FROM zeph_lock_fence WHERE name = 'zeph-pidfile-sample-cluster'");
			assertThat(active.output()).contains("fencing token " + token + " in public.zeph_lock_fence");
			assertThat(curl(SampleProcess.port(active), "/actuator/health/clusterLock"))
				.contains("\"fencingToken\":" + token);
			assertThat(curl(SampleProcess.port(standby), "/actuator/health/clusterLock")).doesNotContain("fencingToken");
			Polling.await(() -> reports(token, active.pid()) > 0, "the active one's fenced reports");
			active.kill();
			Polling.await(() -> isActive(standby), "the standby to become active");
			Polling.await(() -> reports(token + 1, standby.pid()) > 0, "the next one's fenced reports");
			assertThat(curl(SampleProcess.port(standby), "/actuator/health/clusterLock"))
				.contains("\"fencingToken\":" + (token + 1));
			assertThat(server.queryInt("SELECT count(*) FROM sample_report a, sample_report b WHERE a.token < b.token"
					+ " AND pg_xact_commit_timestamp(a.xmin) >= pg_xact_commit_timestamp(b.xmin)"))
				.as("reports of a token committed after a report of a later one").isZero();
		}
	}

	private static int reports(long token, long pid) {
		try {
			return server.queryInt("SELECT count(*) FROM sample_report WHERE token = " + token + " AND pid = " + pid);
		}
		catch (IllegalStateException ex) {
			// not created yet
			return 0;
		}
	}

	/** The pid-file profile: two instances on one host, the second standing by. */
	@Test
	void pidFileProfileShouldLetTheStandbyTakeOverWhenTheActiveIsKilled() throws Exception {
		Path pidFile = this.temp.resolve("sample.pid");
		String[] args = { "--spring.profiles.active=pidfile", "--zeph.pidfile.path=" + pidFile };
		try (LoggedProcess first = start(args)) {
			Polling.await(() -> isActive(first), "the first to be active");
			try (LoggedProcess second = start(args)) {
				second.awaitOutput("Standing by: Pid file " + pidFile);
				assertThat(curl(SampleProcess.port(second), "/")).isEqualTo("PID " + second.pid() + " is STANDBY\n");
				Polling.await(() -> workers().contains(first.pid() + ""), "the first to work");
				first.kill();
				Polling.await(() -> isActive(second), "the second to be active");
				Polling.await(() -> workers().contains(second.pid() + ""), "the second to work");
				assertNoOverlap(first.pid(), second.pid());
			}
		}
	}

	private static boolean isActive(LoggedProcess instance) {
		return instance.output().contains("Active: this instance holds");
	}

	private List<Long> workerPids() throws Exception {
		return Files.readAllLines(this.temp.resolve("work.log"))
			.stream()
			.map((line) -> Long.parseLong(line.substring(line.indexOf(' ') + 1)))
			.distinct()
			.toList();
	}

	private static String curl(int port, String path) throws Exception {
		Commands.Result curl = Commands.run("curl", "-sS", "http://127.0.0.1:" + port + path);
		assertThat(curl.exitCode()).as(curl.output()).isZero();
		return curl.output();
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
