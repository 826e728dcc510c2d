package dev.zeph.pidfile.standby;

import java.nio.file.Path;
import java.util.List;

import dev.zeph.pidfile.standby.testapp.StandbyTestApplication;
import dev.zeph.pidfile.standby.testapp.WorkWitness;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot standby on one host, on the pid file: instances of one application started beside each
 * other, as a deploy starts the new version beside the old, each a real JVM; one is active,
 * and the witness file shows that no two ever ran the singleton work at once.
 */
class PidFileStandbyTests {

	/** A check interval and a stop budget of 200 ms each: a takeover grace of 400 ms. */
	private static final String[] SHORT_GRACE = { "--zeph.pidfile.check-interval=200ms",
			"--zeph.pidfile.standby.stop-budget=200ms" };

	@TempDir
	Path temp;

	private StandbyInstances instances(String... more) {
		return instances(List.of(more));
	}

	private StandbyInstances instances(List<String> more) {
		List<String> args = new java.util.ArrayList<>(List.of("--zeph.pidfile.mode=standby",
				"--zeph.pidfile.path=" + this.temp.resolve("app.pid")));
		args.addAll(more);
		return new StandbyInstances(this.temp, args.toArray(String[]::new));
	}

	/**
	 * Killed, the active instance leaves its file in place, and the kernel wakes the standby,
	 * which locks that very file: having seen it at the path for longer than the grace, it is
	 * active at once.
	 */
	@Test
	void secondInstanceShouldStartStandByAndTakeOverAtOnceWhenTheActiveIsKilled() throws Exception {
		try (StandbyInstances instances = instances(List.of(SHORT_GRACE))) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start();
			second.awaitOutput(StandbyTestApplication.STARTED).awaitOutput("Standing by: Pid file");
			// longer than the grace of 400 ms: the file has been at the path all that while
			Thread.sleep(1000);
			instances.awaitWork(first, "task");
			WorkWitness.assertOnlyWorker(instances.witness(), "task", first.pid());
			WorkWitness.assertOnlyWorker(instances.witness(), "consumer", first.pid());
			assertThat(StandbyInstances.isActive(second)).isFalse();
			instances.kill(first);
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			instances.awaitWork(second, "task");
			Polling.await(() -> instances.workers("consumer").contains(second.pid()), "the second's consumer");
			assertThat(second.output()).contains("active at once, since it is the file this instance waited on");
			instances.assertNoOverlap();
		}
	}

	/**
	 * The active instance is stopped while a run is in flight: the run ends, only then is the
	 * file let go, and the standby, woken by the kernel, is active at once.
	 */
	@Test
	void sigtermOfTheActiveShouldLetTheRunInFlightEndThenHandTheFileOver() throws Exception {
		try (StandbyInstances instances = instances("--test.task-duration=1500ms", "--test.interval=10ms",
				SHORT_GRACE[0], SHORT_GRACE[1])) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			LoggedProcess second = instances.start();
			second.awaitOutput("Standing by: Pid file");
			Thread.sleep(1000);
			instances.awaitWork(first, "task");
			Polling.await(() -> instances.inFlight(first), "a run in flight");
			assertThat(instances.terminate(first)).isEqualTo(143);
			assertThat(first.output()).contains("left in place for the instance waiting to take it over")
				.doesNotContain(StandbyTestApplication.EVENT + "task interrupted");
			second.awaitOutput(StandbyTestApplication.EVENT + "activated");
			assertThat(second.output()).contains("active at once, since it is the file this instance waited on");
			instances.awaitWork(second, "task");
			instances.assertNoOverlap();
			instances.assertWorkedOnlyAfter(second, first);
		}
	}

	@Test
	void firstInstanceShouldBecomeActiveOnlyAfterTheTakeoverGrace() throws Exception {
		try (StandbyInstances instances = instances()) {
			LoggedProcess first = instances.start();
			first.awaitOutput(StandbyTestApplication.EVENT + "activated");
			assertThat(first.output()).contains("Holding pid file").contains("active after a takeover grace of 2000 ms");
		}
	}

}
