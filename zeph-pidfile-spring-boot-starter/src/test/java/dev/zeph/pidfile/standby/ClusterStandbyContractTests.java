package dev.zeph.pidfile.standby;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeph.pidfile.standby.testapp.StandbyTestApplication;
import dev.zeph.pidfile.standby.testapp.WorkWitness;
import dev.zeph.pidfile.testsupport.Commands;
import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.TcpRelay;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot standby across hosts, on the cluster lock of every engine, run once per engine by a
 * subclass that starts a real server: instances of one application, each a real JVM, refused
 * naming the holder, standing by, and taking over through kills, stops, a terminated session,
 * a network that goes silent, a frozen JVM and work that will not stop. The witness file shows
 * that no two ever ran the singleton work at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ClusterStandbyContractTests {

	/** The rest of an instance's identity after its PID, and the comma before its session. */
	private static final String IDENTITY = " on \\S+ \\(lock 'standby-test', since [^)]+\\), ";

	@TempDir
	Path temp;

	private LockDatabase server;

	/**
	 * Start the engine's server.
	 * @return the server
	 */
	abstract LockDatabase startServer() throws Exception;

	/**
	 * How the engine's lock names its own session in its log, as a pattern whose first number
	 * is the server's id of the session.
	 * @return the pattern
	 */
	abstract String sessionPattern();

	/**
	 * How a refusal names the holder's session, as far as the server shows it.
	 * @return the pattern
	 */
	String holderSessionPattern() {
		return sessionPattern();
	}

	/**
	 * What the log says of a stopped holder's successor: whether the engine hands the lock to
	 * the next in line at once, or tells no waiter of a release, so that it waits out the grace.
	 * @return part of the successor's "Locked" line
	 */
	abstract String successorOfAStop();

	/**
	 * Wait until a standby that says it is waiting stands where the engine will hand it the
	 * lock, if the engine hands it over at all.
	 */
	void awaitStandbyInLine(LockDatabase server) throws InterruptedException {
	}

	@BeforeAll
	void startTheServer() throws Exception {
		this.server = startServer();
	}

	@AfterAll
	void stopTheServer() throws Exception {
		if (this.server != null) {
			this.server.close();
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

	private String url() {
		return "--zeph.pidfile.cluster.url=" + this.server.url();
	}

	private String url(TcpRelay relay) {
		return "--zeph.pidfile.cluster.url=" + this.server.url(relay.port());
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
			assertThat(active.output()).containsPattern("Locked cluster lock 'standby-test' on 127.0.0.1:"
					+ this.server.port() + "/\\S+ \\(key .+\\) as PID " + active.pid() + IDENTITY + sessionPattern()
					+ "; active after a takeover grace");
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

	@Test
	void secondStartInRefuseModeShouldExit75NamingTheHolderAndItsSession() throws Exception {
		try (StandbyInstances instances = instancesIn("refuse", url())) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess refused = instances.start();
			assertThat(instances.awaitExit(refused)).as("%s", refused.output()).isEqualTo(75);
			assertThat(refused.output())
				.containsPattern("Cluster lock 'standby-test' on 127.0.0.1:" + this.server.port()
						+ "/\\S+ is held by PID " + first.pid() + IDENTITY + holderSessionPattern())
				.contains("Stop PID " + first.pid());
		}
	}

	/**
	 * The active instance is stopped while a run is in flight: the run ends, only then is the
	 * lock let go, and the next one becomes active, at once where the engine hands the lock
	 * over, else after the grace.
	 */
	@Test
	void sigtermWithARunInFlightShouldEndTheRunThenLetTheNextOneBecomeActive() throws Exception {
		try (StandbyInstances instances = instances(url(), "--test.task-duration=1500ms", "--test.interval=10ms")) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start();
			second.awaitOutput("Waiting for the cluster lock");
			awaitStandbyInLine(this.server);
			Polling.await(() -> instances.inFlight(first), "a run in flight");
			assertThat(instances.terminate(first)).isEqualTo(143);
			assertThat(first.output()).contains(StandbyTestApplication.EVENT + "deactivated RELEASED")
				.doesNotContain(StandbyTestApplication.EVENT + "task interrupted");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			assertThat(second.output()).contains(successorOfAStop());
			instances.awaitWork(second, "task");
			instances.assertNoOverlap();
			instances.assertWorkedOnlyAfter(second, first);
		}
	}

	/**
	 * The active instance's network goes silent during a long run: it notices and interrupts
	 * the run before the server frees its lock; another becomes active after that; and once
	 * the network heals, the first stands by again.
	 */
	@Test
	void silentNetworkShouldInterruptTheRunBeforeTheServerFreesTheLockThenRejoinAsStandby() throws Exception {
		try (TcpRelay relay = new TcpRelay(this.server.port());
				StandbyInstances instances = instances("--test.task-duration=60s", "--test.interval=10ms")) {
			LoggedProcess first = instances.start(url(relay));
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
			relay.heal();
			Polling.await(() -> first.output().indexOf("Waiting for the cluster lock") > first.output()
				.indexOf(StandbyTestApplication.EVENT + "deactivated"), "the first to stand by again");
			assertThat(first.isAlive()).isTrue();
			instances.assertNoOverlap();
		}
	}

	@Test
	void silentNetworkWithWorkThatIgnoresInterruptsShouldExit70NamingIt() throws Exception {
		try (TcpRelay relay = new TcpRelay(this.server.port());
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
	 * The active instance's session is ended by the server's administrator and its singleton
	 * lifecycle bean's stop() hangs: the budget bounds it, the log names it, the instance exits
	 * 70, and the next one starts its work only after that.
	 */
	@Test
	void terminatedSessionWithALifecycleBeanWhoseStopHangsShouldExit70NamingItBeforeTheNextStarts()
			throws Exception {
		try (StandbyInstances instances = instances(url(), "--test.stop-hangs=true")) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start();
			second.awaitOutput("Waiting for the cluster lock");
			instances.awaitWork(first, "consumer");
			this.server.terminate(session(first));
			assertThat(instances.awaitExit(first)).isEqualTo(70);
			assertThat(first.output()).contains(StandbyTestApplication.EVENT + "consumer stop hangs")
				.contains("Still running: lifecycle bean 'singletonConsumer'");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			Polling.await(() -> instances.workers("consumer").contains(second.pid()), "the second's consumer");
			instances.assertNoOverlap();
			instances.assertWorkedOnlyAfter(second, first);
		}
	}

	/** The server's id of the instance's lock session, from its "Locked" line. */
	private long session(LoggedProcess instance) {
		String output = instance.output();
		String locked = output.substring(output.indexOf("Locked cluster lock"));
		Matcher matcher = Pattern.compile(sessionPattern()).matcher(locked);
		assertThat(matcher.find()).as("a session in %s", locked).isTrue();
		return Long.parseLong(matcher.group().replaceAll("^\\D*(\\d+).*$", "$1"));
	}

}
