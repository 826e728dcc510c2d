package dev.zeph.pidfile.autoconfigure.health;

import dev.zeph.pidfile.autoconfigure.ApplicationPidFile;
import dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock;
import dev.zeph.pidfile.standby.ActiveInstance;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;

/**
 * The health the package-private indicators report, for the guards' own tests in other
 * packages.
 */
public final class TestHealth {

	/** The type of the pid file's indicator, for tests that look for its bean. */
	public static final Class<?> PID_FILE_INDICATOR = PidFileHealthIndicator.class;

	private TestHealth() {
	}

	public static Health of(ApplicationPidFile pidFile) {
		return new PidFileHealthIndicator(pidFile).health();
	}

	public static Health of(ApplicationClusterLock lock, @Nullable ActiveInstance instance) {
		return new ClusterLockHealthIndicator(lock, instance).health();
	}

	public static Health of(ApplicationPidFile pidFile, @Nullable ActiveInstance instance) {
		return new PidFileHealthIndicator(pidFile, null, instance).health();
	}

}
