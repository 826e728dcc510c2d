package dev.zeph.pidfile.autoconfigure.diagnostics;

import java.nio.file.Path;

import dev.zeph.pidfile.Errno;
import dev.zeph.pidfile.PidFileException;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a pid file that a system call refused: no permission, a read-only file system, a
 * path through a regular file. The errno decides the advice. It takes exactly
 * {@link PidFileException}, not its subtypes: each of those has an analyzer of its own, and a
 * subtype added later must not be explained as a system call's failure.
 */
class PidFileFailureAnalyzer extends AbstractFailureAnalyzer<PidFileException> {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, PidFileException cause) {
		if (cause.getClass() != PidFileException.class) {
			return null;
		}
		String description = "The pid file " + cause.getPath() + " could not be used. " + cause.getMessage()
				+ ((cause.getMessage() != null && cause.getMessage().endsWith(".")) ? "" : ".");
		return new FailureAnalysis(description, action(cause), cause);
	}

	private static String action(PidFileException cause) {
		Path path = cause.getPath();
		Path directory = (path.getParent() != null) ? path.getParent() : path;
		String otherFile = "set 'zeph.pidfile.path' to another file";
		String check = "Check that " + directory + " exists and can be written, or " + otherFile + ".";
		Errno errno = cause.getErrnoType().orElse(null);
		if (errno == null) {
			return check;
		}
		return switch (errno) {
			case EACCES, EPERM -> "Give the user running the application (" + System.getProperty("user.name")
					+ ") write access to " + directory + ", or " + otherFile + " in a directory it can write.";
			case EROFS -> directory + " is on a read-only file system: " + otherFile
					+ " on a writable one, such as /run or /tmp.";
			case ENOSPC, EDQUOT -> "Free space on the file system of " + directory + ", or " + otherFile + ".";
			case ENOTDIR -> "A part of " + path + " is not a directory: check 'zeph.pidfile.path'.";
			default -> check;
		};
	}

}
