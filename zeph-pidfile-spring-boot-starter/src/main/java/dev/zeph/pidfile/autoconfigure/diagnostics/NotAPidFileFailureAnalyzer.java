package dev.zeph.pidfile.autoconfigure.diagnostics;

import dev.zeph.pidfile.NotAPidFileException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a pid file refused because it holds something else: most often a mistyped
 * {@code zeph.pidfile.path} that names a file someone needs, which is why it was not touched.
 */
class NotAPidFileFailureAnalyzer extends AbstractFailureAnalyzer<NotAPidFileException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NotAPidFileException cause) {
		String description = "The file " + cause.getPath() + " does not look like a pid file: a pid file is empty"
				+ " or holds a process id. It was left unchanged.";
		String action = "Check 'zeph.pidfile.path': it may name the wrong file. If " + cause.getPath()
				+ " is a leftover you no longer need, remove it.";
		return new FailureAnalysis(description, action, cause);
	}

}
