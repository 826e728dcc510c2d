package dev.zeph.pidfile.standby;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.zeph.pidfile.standby.testapp.StandbyTestApplication;
import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.MariaDbServer;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter on MariaDB's {@code GET_LOCK}, chosen by the URL alone: instances of one
 * application, each a real JVM, refused naming the holder, standing by, and taking over
 * through a kill, a stop and a network that goes silent, with no two ever running the
 * singleton work at once.
 */
class ClusterStandbyOnMariaDbTests {

	private static MariaDbServer server;

	@TempDir
	Path temp;

	@BeforeAll
	static void startServer() throws Exception {
		server = MariaDbServer.start();
	}

	@AfterAll
	static void stopServer() throws Exception {
		if (server != null) {
			server.close();
		}
	}

	private StandbyInstances instances(String... more) {
		return instancesIn("standby", more);
	}

	private StandbyInstances instancesIn(String mode, String... more) {
		List<String> args = new ArrayList<>(List.of("--zeph.pidfile.enabled=false", "--zeph.pidfile.mode=" + mode,
				"--zeph.pidfile.cluster.enabled=true", "--zeph.pidfile.cluster.name=standby-test",
				"--zeph.pidfile.cluster.username=" + LockDatabase.USER,
				"--zeph.pidfile.cluster.password=" + LockDatabase.PASSWORD));
		args.addAll(List.of(more));
		return new StandbyInstances(this.temp, args.toArray(String[]::new));
	}

	private static String url() {
		return "--zeph.pidfile.cluster.url=" + server.url();
	}

	@Test
	void threeInstancesShouldAllStartWithOneActiveAndAnotherTakingOverAfterAKill() throws Exception {
		try (StandbyInstances instances = instances(url())) {
			List<LoggedProcess> all = List.of(instances.start(), instances.start(), instances.start());
			for (LoggedProcess instance : all) {
				instance.awaitOutput(StandbyTestApplication.STARTED);
			}
			LoggedProcess active = instances.awaitOneActive();
			instances.awaitWork(active, "task");
			assertThat(active.output()).contains("Locked cluster lock 'standby-test' on 127.0.0.1:" + server.port())
				.containsPattern("\\(key 'zeph:standby-test:[0-9a-f]{8}'\\)")
				.containsPattern(", connection [0-9]+; active after a takeover grace");
			assertThat(all).filteredOn((instance) -> instance != active)
				.allSatisfy((standby) -> assertThat(standby.output()).contains("Waiting for the cluster lock"));
			instances.kill(active);
			LoggedProcess next = instances.awaitOneActive();
			instances.awaitWork(next, "task");
			assertThat(instances.live()).hasSize(2);
			instances.assertNoOverlap();
		}
	}

	/**
	 * MariaDB tells no waiter of a release: the stopped instance ends its run and lets go, and
	 * the next one becomes active only after the takeover grace.
	 */
	@Test
	void sigtermWithARunInFlightShouldEndTheRunThenLetGoForTheNextAfterTheGrace() throws Exception {
		try (StandbyInstances instances = instances(url(), "--test.task-duration=1500ms", "--test.interval=10ms")) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start();
			second.awaitOutput("Waiting for the cluster lock");
			assertThat(instances.terminate(first)).isEqualTo(143);
			assertThat(first.output()).contains(StandbyTestApplication.EVENT + "deactivated RELEASED")
				.doesNotContain(StandbyTestApplication.EVENT + "task interrupted");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			assertThat(second.output()).contains("active after a takeover grace");
			instances.awaitWork(second, "task");
			instances.assertNoOverlap();
			instances.assertWorkedOnlyAfter(second, first);
		}
	}

	@Test
	void silentNetworkShouldInterruptTheActiveOnesRunBeforeTheServerFreesTheLock() throws Exception {
		try (TcpRelay relay = new TcpRelay(server.port());
				StandbyInstances instances = instances("--test.task-duration=60s", "--test.interval=10ms")) {
			LoggedProcess first = instances.start("--zeph.pidfile.cluster.url=" + server.url(relay.port()));
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start(url());
			second.awaitOutput("Waiting for the cluster lock");
			Polling.await(() -> instances.inFlight(first), "a run in flight");
			relay.silence();
			// at its deadline, or as its wait on the session times out, whichever comes first
			first.awaitOutput(StandbyTestApplication.EVENT + "task interrupted")
				.awaitOutput(StandbyTestApplication.EVENT + "deactivated ");
			assertThat(second.output()).doesNotContain(StandbyTestApplication.EVENT + "activated");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			instances.awaitWork(second, "task");
			instances.assertNoOverlap();
		}
	}

	@Test
	void secondStartInRefuseModeShouldExit75NamingTheHolderAndItsConnection() throws Exception {
		try (StandbyInstances instances = instancesIn("refuse", url())) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess refused = instances.start();
			assertThat(instances.awaitExit(refused)).as("%s", refused.output()).isEqualTo(75);
			assertThat(refused.output()).contains("Cluster lock 'standby-test' on 127.0.0.1:" + server.port() + "/app is held by PID " + first.pid())
				.containsPattern("connection [0-9]+ \\(app@localhost:[0-9]+\\)")
				.contains("Stop PID " + first.pid());
		}
	}

}
