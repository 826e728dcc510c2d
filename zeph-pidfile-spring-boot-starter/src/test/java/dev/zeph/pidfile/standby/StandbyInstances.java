package dev.zeph.pidfile.standby;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.zeph.pidfile.standby.testapp.StandbyTestApplication;
import dev.zeph.pidfile.standby.testapp.WorkWitness;
import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances of {@link StandbyTestApplication}, each a child JVM, sharing one witness file,
 * and the moments they died, for the witness to end their open periods at.
 */
final class StandbyInstances implements AutoCloseable {

	private final Path directory;

	private final List<String> common;

	private final List<LoggedProcess> processes = new ArrayList<>();

	private final Map<Long, Long> deaths = new ConcurrentHashMap<>();

	private final AtomicInteger started = new AtomicInteger();

	StandbyInstances(Path directory, String... common) {
		this.directory = directory;
		this.common = List.of(common);
	}

	Path witness() {
		return this.directory.resolve("witness.log");
	}

	LoggedProcess start(String... more) throws IOException {
		return start(List.of(), more);
	}

	LoggedProcess start(List<String> jvmOptions, String... more) throws IOException {
		List<String> args = new ArrayList<>(this.common);
		args.add("--test.witness=" + witness());
		args.add("--spring.main.banner-mode=off");
		args.addAll(List.of(more));
		List<String> options = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
		options.addAll(jvmOptions);
		LoggedProcess process = LoggedProcess.start(
				ChildJvm.command(options, System.getProperty("java.class.path"), StandbyTestApplication.class,
						args.toArray(String[]::new)),
				this.directory, this.directory.resolve("instance-" + this.started.incrementAndGet() + ".log"));
		this.processes.add(process);
		return process;
	}

	/**
	 * SIGKILL, and remember when it was sent: the kernel runs nothing of the process once the
	 * signal is delivered, a moment later, while the moment its end is reaped here is later
	 * still than a standby the kernel woke at once.
	 */
	void kill(LoggedProcess process) throws InterruptedException {
		this.deaths.put(process.pid(), System.nanoTime());
		process.kill();
	}

	/** SIGTERM, and remember when it had ended. */
	int terminate(LoggedProcess process) throws InterruptedException {
		int exit = process.terminate();
		this.deaths.put(process.pid(), System.nanoTime());
		return exit;
	}

	/** Wait for an exit, and remember when it had ended. */
	int awaitExit(LoggedProcess process) throws InterruptedException {
		int exit = process.awaitExit();
		this.deaths.put(process.pid(), System.nanoTime());
		return exit;
	}

	Map<Long, Long> deaths() {
		return this.deaths;
	}

	static boolean isActive(LoggedProcess process) {
		return process.output().contains(StandbyTestApplication.EVENT + "activated");
	}

	static long activations(LoggedProcess process) {
		return process.output().lines().filter((line) -> line.contains(StandbyTestApplication.EVENT + "activated")).count();
	}

	/** Wait until exactly one of the live instances is active, and return it. */
	LoggedProcess awaitOneActive() throws InterruptedException {
		Polling.await(() -> live().stream().filter(StandbyInstances::isActive).count() == 1, "one active instance");
		return live().stream().filter(StandbyInstances::isActive).findFirst().orElseThrow();
	}

	List<LoggedProcess> live() {
		return this.processes.stream().filter(LoggedProcess::isAlive).toList();
	}

	/** Wait until the instance has run the work at least once. */
	void awaitWork(LoggedProcess process, String what) throws InterruptedException {
		Polling.await(() -> workers(what).contains(process.pid()), process.pid() + " to run " + what);
	}

	/** Whether the instance has a run of its task that began and has not ended. */
	boolean inFlight(LoggedProcess process) {
		try {
			return WorkWitness.periods(witness(), Map.of())
				.stream()
				.anyMatch((period) -> period.pid() == process.pid() && period.what().equals("task")
						&& period.end() == Long.MAX_VALUE);
		}
		catch (IOException ex) {
			return false;
		}
	}

	List<Long> workers(String what) {
		try {
			return WorkWitness.workers(witness(), what);
		}
		catch (IOException ex) {
			return List.of();
		}
	}

	List<WorkWitness.Period> assertNoOverlap() throws IOException {
		return WorkWitness.assertNoOverlap(witness(), this.deaths);
	}

	/**
	 * Fail unless every period of work of the later instance began after the last of the
	 * earlier one ended, or after it died with work unfinished.
	 */
	void assertWorkedOnlyAfter(LoggedProcess later, LoggedProcess earlier) throws IOException {
		List<WorkWitness.Period> periods = WorkWitness.periods(witness(), this.deaths);
		long earlierEnd = periods.stream()
			.filter((period) -> period.pid() == earlier.pid())
			.mapToLong(WorkWitness.Period::end)
			.max()
			.orElseThrow();
		assertThat(periods).filteredOn((period) -> period.pid() == later.pid())
			.as("the work of %d, after the work of %d ended at %d", later.pid(), earlier.pid(), earlierEnd)
			.isNotEmpty()
			.allMatch((period) -> period.begin() > earlierEnd);
	}

	@Override
	public void close() throws InterruptedException {
		for (LoggedProcess process : this.processes) {
			process.close();
		}
	}

}
