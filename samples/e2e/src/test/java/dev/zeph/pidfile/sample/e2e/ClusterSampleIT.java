package dev.zeph.pidfile.sample.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
		List<String> args = new ArrayList<>(List.of("--zeph.pidfile.cluster.url=" + server.url(),
				"--zeph.pidfile.cluster.username=" + PostgresServer.USER,
				"--zeph.pidfile.cluster.password=" + PostgresServer.PASSWORD,
				"--sample.work-log=" + this.temp.resolve("work.log")));
		args.addAll(List.of(more));
		return SampleProcess.start("sample.cluster.jar", this.temp, args.toArray(String[]::new));
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
