package dev.zeph.pidfile.standby;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.zeph.pidfile.standby.testapp.StandbyTestApplication;
import dev.zeph.pidfile.standby.testapp.WorkWitness;
import dev.zeph.pidfile.testsupport.Commands;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import dev.zeph.pidfile.testsupport.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot standby across hosts, on the cluster lock: instances of one application against a real
 * PostgreSQL server, each a real JVM, through kills, stops, a network that goes silent, a
 * frozen JVM and work that will not stop. The witness file shows that no two ever ran the
 * singleton work at once.
 */
class ClusterStandbyTests {

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

	private StandbyInstances instances(String... more) {
		List<String> args = new ArrayList<>(List.of("--zeph.pidfile.enabled=false", "--zeph.pidfile.mode=standby",
				"--zeph.pidfile.cluster.enabled=true", "--zeph.pidfile.cluster.name=standby-test",
				"--zeph.pidfile.cluster.username=" + PostgresServer.USER,
				"--zeph.pidfile.cluster.password=" + PostgresServer.PASSWORD));
		args.addAll(List.of(more));
		return new StandbyInstances(this.temp, args.toArray(String[]::new));
	}

	private static String url() {
		return "--zeph.pidfile.cluster.url=" + server.url();
	}

	private static String url(TcpRelay relay) {
		return "--zeph.pidfile.cluster.url=jdbc:postgresql://127.0.0.1:" + relay.port() + "/postgres";
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
			WorkWitness.assertOnlyWorker(instances.witness(), "task", active.pid());
			WorkWitness.assertOnlyWorker(instances.witness(), "consumer", active.pid());
			assertThat(all).filteredOn((instance) -> instance != active)
				.allSatisfy((standby) -> assertThat(standby.output()).contains("Waiting for the cluster lock"));
			instances.kill(active);
			LoggedProcess next = instances.awaitOneActive();
			instances.awaitWork(next, "task");
			Polling.await(() -> instances.workers("consumer").contains(next.pid()), "the next one's consumer");
			assertThat(instances.live()).hasSize(2);
			instances.assertNoOverlap();
		}
	}

	/**
	 * The active instance is stopped while a run is in flight: the run ends, only then is the
	 * lock let go, and the standby next in line is handed it, active without the grace.
	 */
	@Test
	void sigtermWithARunInFlightShouldEndTheRunThenHandTheLockOver() throws Exception {
		try (StandbyInstances instances = instances(url(), "--test.task-duration=1500ms", "--test.interval=10ms")) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start();
			second.awaitOutput("Waiting for the cluster lock");
			Polling.await(() -> server.heldLocks(0x7a65706e) == 1, "the standby to stand in line");
			Polling.await(() -> instances.inFlight(first), "a run in flight");
			assertThat(instances.terminate(first)).isEqualTo(143);
			assertThat(first.output()).contains(StandbyTestApplication.EVENT + "deactivated RELEASED")
				.doesNotContain(StandbyTestApplication.EVENT + "task interrupted");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			assertThat(second.output()).contains("handed over cleanly by the previous holder, active at once");
			instances.awaitWork(second, "task");
			instances.assertNoOverlap();
			instances.assertWorkedOnlyAfter(second, first);
		}
	}

	/**
	 * The active instance's network goes silent during a long run: it notices at its deadline
	 * and interrupts the run, long before the server frees its lock; another becomes active
	 * after that; and once the network heals, the first stands by again.
	 */
	@Test
	void silentNetworkShouldInterruptTheRunBeforeTheServerFreesTheLockThenRejoinAsStandby() throws Exception {
		try (TcpRelay relay = new TcpRelay(server.port());
				StandbyInstances instances = instances("--test.task-duration=60s", "--test.interval=10ms")) {
			LoggedProcess first = instances.start(url(relay));
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start(url());
			second.awaitOutput("Waiting for the cluster lock");
			Polling.await(() -> instances.inFlight(first), "a run in flight");
			relay.silence();
			first.awaitOutput(StandbyTestApplication.EVENT + "task interrupted")
				.awaitOutput(StandbyTestApplication.EVENT + "deactivated DEADLINE");
			assertThat(second.output()).doesNotContain(StandbyTestApplication.EVENT + "activated");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			instances.awaitWork(second, "task");
			relay.heal();
			Polling.await(() -> first.output().indexOf("Waiting for the cluster lock") > first.output()
				.indexOf(StandbyTestApplication.EVENT + "deactivated"), "the first to stand by again");
			assertThat(first.isAlive()).isTrue();
			instances.assertNoOverlap();
		}
	}

	@Test
	void silentNetworkWithWorkThatIgnoresInterruptsShouldExit70NamingIt() throws Exception {
		try (TcpRelay relay = new TcpRelay(server.port());
				StandbyInstances instances = instances("--test.task-duration=60s", "--test.interval=10ms",
						"--test.task-ignores-interrupt=true")) {
			LoggedProcess first = instances.start(url(relay));
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start(url());
			second.awaitOutput("Waiting for the cluster lock");
			Polling.await(() -> instances.inFlight(first), "a run in flight");
			relay.silence();
			assertThat(instances.awaitExit(first)).isEqualTo(70);
			assertThat(first.output()).contains("did not stop within its budget of 1000 ms")
				.contains("Still running: 'standbyTestApplication.SingletonTask' SingletonTask.run()");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			instances.awaitWork(second, "task");
			instances.assertNoOverlap();
		}
	}

	/**
	 * The active instance's JVM is frozen during a run for longer than the server timeout, and
	 * resumes within the next holder's grace: it stops its run at once, before the next holder
	 * becomes active, and stands by.
	 */
	@Test
	void frozenActiveShouldStopItsRunOnResumingBeforeTheNextHolderBecomesActive() throws Exception {
		try (StandbyInstances instances = instances(url(), "--test.task-duration=60s", "--test.interval=10ms")) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start();
			second.awaitOutput("Waiting for the cluster lock");
			Polling.await(() -> instances.inFlight(first), "a run in flight");
			Commands.run("kill", "-STOP", Long.toString(first.pid()));
			try {
				// the server's timeout (6 s) frees the lock; the next holder's grace (2.5 s) has not passed
				Thread.sleep(6_500);
			}
			finally {
				Commands.run("kill", "-CONT", Long.toString(first.pid()));
			}
			first.awaitOutput(StandbyTestApplication.EVENT + "task interrupted");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			instances.awaitWork(second, "task");
			instances.assertNoOverlap();
			assertThat(first.isAlive()).isTrue();
		}
	}

	/**
	 * The active instance loses its session and its singleton lifecycle bean's stop() hangs:
	 * the budget bounds it, the log names it, the instance exits 70, and the next one starts
	 * its work only after that.
	 */
	@Test
	void lifecycleBeanWhoseStopHangsShouldExit70NamingItBeforeTheNextStarts() throws Exception {
		try (StandbyInstances instances = instances(url(), "--test.stop-hangs=true")) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start();
			second.awaitOutput("Waiting for the cluster lock");
			instances.awaitWork(first, "consumer");
			server.terminate(backendPid(first));
			assertThat(instances.awaitExit(first)).isEqualTo(70);
			assertThat(first.output()).contains(StandbyTestApplication.EVENT + "consumer stop hangs")
				.contains("Still running: lifecycle bean 'singletonConsumer'");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			Polling.await(() -> instances.workers("consumer").contains(second.pid()), "the second's consumer");
			instances.assertNoOverlap();
			instances.assertWorkedOnlyAfter(second, first);
		}
	}

	/** The backend of the instance's lock session, from its log line. */
	private static long backendPid(LoggedProcess instance) {
		String output = instance.output();
		int at = output.indexOf("backend PID ", output.indexOf("Locked cluster lock"));
		String digits = output.substring(at + "backend PID ".length()).split("[^0-9]")[0];
		return Long.parseLong(digits);
	}

}
