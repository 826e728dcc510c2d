package dev.zeph.pidfile.autoconfigure.diagnostics;

import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * The analyses of the package-private failure analyzers, for the guards' own tests in other
 * packages.
 */
public final class TestAnalyzers {

	private TestAnalyzers() {
	}

	public static FailureAnalysis clusterLock(Throwable failure) {
		return new ClusterLockFailureAnalyzer().analyze(failure);
	}

}
