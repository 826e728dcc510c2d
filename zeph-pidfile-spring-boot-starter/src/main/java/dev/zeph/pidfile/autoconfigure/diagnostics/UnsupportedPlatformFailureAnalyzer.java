package dev.zeph.pidfile.autoconfigure.diagnostics;

import dev.zeph.pidfile.UnsupportedPlatformException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start refused because this platform cannot lock the pid file. That happens only
 * when {@code zeph.pidfile.path} was set: with the default path the application starts with
 * a warning instead, since nobody asked for that file.
 */
class UnsupportedPlatformFailureAnalyzer extends AbstractFailureAnalyzer<UnsupportedPlatformException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsupportedPlatformException cause) {
		String description = cause.getMessage() + ". The pid file was set with 'zeph.pidfile.path', so the"
				+ " application does not start without its lock.";
		String action = "Run the application on Linux or macOS, where flock(2) is available; or remove"
				+ " 'zeph.pidfile.path' to start without a pid file (with a warning); or set"
				+ " 'zeph.pidfile.enabled=false'.";
		return new FailureAnalysis(description, action, cause);
	}

}
