package dev.zeph.pidfile.autoconfigure.diagnostics;

import java.nio.file.Path;
import java.util.OptionalLong;

import dev.zeph.pidfile.AlreadyRunningException;
import dev.zeph.pidfile.PidFileExceptions;
import dev.zeph.pidfile.PidFileHolder;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AlreadyRunningFailureAnalyzer}.
 */
class AlreadyRunningFailureAnalyzerTests {

	private static final Path PATH = Path.of("/run/demo/demo.pid");

	private final AlreadyRunningFailureAnalyzer analyzer = new AlreadyRunningFailureAnalyzer();

	@Test
	void analyzeWhenHolderPidIsKnownShouldNameItAndSayToStopIt() {
		FailureAnalysis analysis = analyze(PidFileExceptions.alreadyRunning(PATH, OptionalLong.of(4242)));
		assertThat(analysis.getDescription()).contains(PATH.toString()).contains("locked by PID 4242");
		assertThat(analysis.getAction()).contains("Stop PID 4242")
			.contains("kill 4242")
			.contains("set 'zeph.pidfile.path' to another file")
			.doesNotContain("zeph.pidfile.enabled");
	}

	@Test
	void analyzeWhenAnotherUsersFileIsHeldShouldNameTheHolderAndTheOwner() {
		FailureAnalysis analysis = analyze(
				PidFileExceptions.alreadyRunning(PATH,
						new PidFileHolder(PidFileHolder.Kind.PROCESS, OptionalLong.of(4242), OptionalLong.empty()),
						"uid 1001 (alice)"));
		assertThat(analysis.getDescription()).contains("locked by PID 4242; the file is owned by uid 1001 (alice).");
		assertThat(analysis.getAction()).contains("Stop PID 4242").doesNotContain("Remove");
	}

	@Test
	void analyzeWhenHolderPidIsUnknownShouldSaySo() {
		FailureAnalysis analysis = analyze(PidFileExceptions.alreadyRunning(PATH, OptionalLong.empty()));
		assertThat(analysis.getDescription()).contains(PATH.toString()).contains("pid unknown");
		assertThat(analysis.getAction()).contains("lslocks")
			.contains("set 'zeph.pidfile.path' to another file")
			.doesNotContain("Stop PID");
	}

	@Test
	void analyzeWhenHeldByThisProcessShouldNameAnotherApplicationContext() {
		long thisProcess = ProcessHandle.current().pid();
		FailureAnalysis analysis = analyze(PidFileExceptions.alreadyRunning(PATH, OptionalLong.of(thisProcess)));
		assertThat(analysis.getDescription())
			.contains("locked by this process (another application context in this JVM)");
		assertThat(analysis.getAction()).contains("Close the other application context")
			.contains("zeph.pidfile.path")
			.contains("A test that starts the application itself can set 'zeph.pidfile.enabled=false'")
			.doesNotContain("kill");
	}

	@Test
	void analyzeWhenTheHolderIsNotVisibleShouldSaySoAndNeverAdviseAKill() {
		long thisProcess = ProcessHandle.current().pid();
		// another container's pid 1 holds the file, and we are pid 1 too
		FailureAnalysis analysis = analyze(PidFileExceptions.alreadyRunning(PATH, new PidFileHolder(
				PidFileHolder.Kind.NOT_VISIBLE, OptionalLong.empty(), OptionalLong.of(thisProcess))));
		assertThat(analysis.getDescription())
			.contains("locked by a process outside this pid namespace, or not visible to this user (the file says PID "
					+ thisProcess + ", which may not be meaningful in this pid namespace)")
			.doesNotContain("this process")
			.doesNotContain("another application context");
		assertThat(analysis.getAction()).contains("where it runs")
			.contains("zeph.pidfile.path")
			.doesNotContain("kill")
			.doesNotContain("Stop PID");
	}

	@Test
	void analyzeWhenOnlyTheFileNamesTheHolderShouldNotAdviseAKill() {
		FailureAnalysis analysis = analyze(PidFileExceptions.alreadyRunning(PATH,
				new PidFileHolder(PidFileHolder.Kind.UNCONFIRMED, OptionalLong.of(4242), OptionalLong.of(4242))));
		assertThat(analysis.getDescription()).contains("PID 4242, as the file says");
		assertThat(analysis.getAction()).contains("ps -p 4242").doesNotContain("kill");
	}

	@Test
	void analyzeShouldFindTheRefusalInTheCauseChain() {
		AlreadyRunningException cause = PidFileExceptions.alreadyRunning(PATH, OptionalLong.of(4242));
		FailureAnalysis analysis = this.analyzer
			.analyze(new IllegalStateException("startup failed", TestGuards.startupException(cause, 75)));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getCause()).isSameAs(cause);
	}

	private FailureAnalysis analyze(AlreadyRunningException cause) {
		FailureAnalysis analysis = this.analyzer.analyze(TestGuards.startupException(cause, 75));
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
