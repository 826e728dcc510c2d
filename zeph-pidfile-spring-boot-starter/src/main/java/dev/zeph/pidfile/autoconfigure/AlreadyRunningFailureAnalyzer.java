package dev.zeph.pidfile.autoconfigure;

import dev.zeph.pidfile.AlreadyRunningException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start refused because another instance holds the pid file: who holds it, and
 * the three ways forward (stop it, use another file, or, in tests, switch the lock off).
 */
class AlreadyRunningFailureAnalyzer extends AbstractFailureAnalyzer<AlreadyRunningException> {

	static final String THIS_PROCESS = "this process (another application context in this JVM)";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AlreadyRunningException cause) {
		String description = "The pid file " + cause.getPath() + " is locked by " + holder(cause)
				+ cause.getFileOwner().map((owner) -> "; the file is owned by " + owner).orElse("")
				+ ". Only one instance may hold it, so this one did not start.";
		return new FailureAnalysis(description, action(cause), cause);
	}

	private static String holder(AlreadyRunningException cause) {
		if (cause.isHeldByThisProcess()) {
			return THIS_PROCESS;
		}
		return cause.getHolderPid().isPresent() ? "PID " + cause.getHolderPid().getAsLong()
				: "another process (pid unknown)";
	}

	private static String action(AlreadyRunningException cause) {
		String otherFile = "set 'zeph.pidfile.path' to another file";
		String inTests = "In tests, set 'zeph.pidfile.enabled=false'.";
		if (cause.isHeldByThisProcess()) {
			return "Close the other application context first, or " + otherFile + " for this one. " + inTests;
		}
		if (cause.getHolderPid().isPresent()) {
			long pid = cause.getHolderPid().getAsLong();
			return "Stop PID " + pid + " (for example with 'kill " + pid + "') if it is an earlier instance of this"
					+ " application, or " + otherFile + " to run another instance beside it. " + inTests;
		}
		return "Find the holder with 'lslocks' or 'fuser " + cause.getPath() + "' and stop it, or " + otherFile
				+ ". " + inTests;
	}

}
