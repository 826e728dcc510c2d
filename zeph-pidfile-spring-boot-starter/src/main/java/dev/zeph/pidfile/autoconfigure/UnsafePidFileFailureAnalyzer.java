package dev.zeph.pidfile.autoconfigure;

import dev.zeph.pidfile.UnsafePidFileException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a pid file refused as unsafe: a symbolic link, a hard link, a file another user
 * owns or can write, or a directory others can write to. These are the shapes of pid-file
 * attacks, so the action is to fix the path rather than to force it.
 */
class UnsafePidFileFailureAnalyzer extends AbstractFailureAnalyzer<UnsafePidFileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsafePidFileException cause) {
		String description = "The pid file " + cause.getPath() + " is not safe to use: " + cause.getReason()
				+ ". It was left unchanged.";
		String action = "Remove what is at " + cause.getPath() + " if it is not needed, or set 'zeph.pidfile.path'"
				+ " to another file. A pid file must be a regular file with one link, owned and writable only by the"
				+ " user running the application, in a directory that others cannot write to (or that has the sticky"
				+ " bit), such as one made by systemd's RuntimeDirectory=.";
		return new FailureAnalysis(description, action, cause);
	}

}
