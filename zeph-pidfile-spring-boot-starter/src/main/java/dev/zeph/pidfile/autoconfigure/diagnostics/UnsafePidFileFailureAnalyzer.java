package dev.zeph.pidfile.autoconfigure.diagnostics;

import dev.zeph.pidfile.UnsafePidFileException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a pid file refused as unsafe: a symbolic link, a hard link, a file another user
 * owns or can write, or a directory others can write to or own. These are the shapes of
 * pid-file attacks, so the action is to fix the path rather than to force it; removing the
 * file is suggested only for what is at the path, which nobody had locked.
 */
class UnsafePidFileFailureAnalyzer extends AbstractFailureAnalyzer<UnsafePidFileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsafePidFileException cause) {
		String description = "The pid file " + cause.getPath() + " is not safe to use: " + cause.getReason()
				+ ". It was left unchanged.";
		String rule = "A pid file must be a regular file with one link, owned and writable only by the user running"
				+ " the application, in directories that others cannot write to (or that have the sticky bit) and that"
				+ " belong to root or to that user, such as one made by systemd's RuntimeDirectory=.";
		String action = cause.getDirectory()
			.map((directory) -> "Fix the owner or the mode of " + directory + ", or set 'zeph.pidfile.path' to a file"
					+ " in another directory. ")
			.orElseGet(() -> "Nothing holds a pid file's lock on what is at " + cause.getPath() + " (a held one is"
					+ " reported as already running, never as unsafe): remove it if nothing needs it, or set"
					+ " 'zeph.pidfile.path' to another file. ")
				+ rule;
		return new FailureAnalysis(description, action, cause);
	}

}
