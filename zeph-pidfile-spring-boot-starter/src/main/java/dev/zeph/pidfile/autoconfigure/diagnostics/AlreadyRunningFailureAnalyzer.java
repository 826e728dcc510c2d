package dev.zeph.pidfile.autoconfigure.diagnostics;

import dev.zeph.pidfile.AlreadyRunningException;
import dev.zeph.pidfile.PidFileHolder;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start refused because another instance holds the pid file: who holds it, and
 * the ways forward (stop it, or use another file; in a test that runs the application itself,
 * switch the lock off). It says to stop a pid only when the kernel's lock list named that
 * process: a pid that the file merely says may belong to another pid namespace, where it
 * names an unrelated process here.
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
		return cause.isHeldByThisProcess() ? THIS_PROCESS : cause.getHolder().describe();
	}

	private static String action(AlreadyRunningException cause) {
		String otherFile = "set 'zeph.pidfile.path' to another file";
		PidFileHolder holder = cause.getHolder();
		long pid = holder.pid().orElse(0);
		return switch (holder.kind()) {
			// contexts of @SpringBootTest take no lock: two contexts in one JVM means a test that runs the application itself
			case THIS_PROCESS -> "Close the other application context first, or " + otherFile + " for this one."
					+ " A test that starts the application itself can set 'zeph.pidfile.enabled=false'.";
			case PROCESS -> "Stop PID " + pid + " (for example with 'kill " + pid + "') if it is an earlier instance"
					+ " of this application, or " + otherFile + " to run another instance beside it.";
			case UNCONFIRMED -> "Check that PID " + pid + " is an earlier instance of this application (for example"
					+ " with 'ps -p " + pid + "') before you stop it, or " + otherFile + " to run another instance beside"
					+ " it.";
			case NOT_VISIBLE -> "Stop the instance that holds it where it runs, such as another container that shares"
					+ " this file, or " + otherFile + " to run another instance beside it.";
			case UNKNOWN -> "Find the holder with 'lslocks' or 'fuser " + cause.getPath() + "' and stop it, or "
					+ otherFile + ".";
		};
	}

}
