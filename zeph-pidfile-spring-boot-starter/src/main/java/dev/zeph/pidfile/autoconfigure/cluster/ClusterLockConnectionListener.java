package dev.zeph.pidfile.autoconfigure.cluster;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.context.event.SpringApplicationEvent;
import org.springframework.boot.support.EnvironmentPostProcessorApplicationListener;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Opens the cluster lock's session on a thread of its own as early as its database is known,
 * so that loading the driver and logging in overlap with the rest of the start (the
 * configuration files, the logging system, the context, the pid file) instead of adding to it.
 * Where the lock and its database are given on the command line, as system properties or in
 * the environment, as containers and unit files give them, that is as the application starts;
 * where only the lock is given there, the driver's classes are loaded then; otherwise the
 * session is opened once the environment is prepared. A session opened as the application
 * starts is kept once the environment is prepared if it can serve the lock configured there
 * (its name and lease may differ: they are applied when the lock is taken), and closed if not.
 * Opening takes no lock: {@link ClusterLockApplicationContextInitializer} takes it on that
 * session, in its place after the pid file. A session that no initializer took is closed once
 * the initializers have run or the start has failed.
 */
class ClusterLockConnectionListener implements ApplicationListener<SpringApplicationEvent>, Ordered {

	/** The session opened as the application started, until the environment is prepared. */
	private @Nullable AutoCloseable starting;

	private @Nullable ConfigurableEnvironment opened;

	@Override
	public void onApplicationEvent(SpringApplicationEvent event) {
		if (event instanceof ApplicationStartingEvent starting && isRequestedBeforeConfiguration(starting.getArgs())
				&& ClusterLockApplicationContextInitializer.isAvailable(event.getSpringApplication().getClassLoader())) {
			this.starting = ClusterLockSessions.connectStarting(starting.getArgs());
		}
		else if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			ConfigurableEnvironment environment = prepared.getEnvironment();
			AutoCloseable starting = this.starting;
			this.starting = null;
			if (ClusterLockApplicationContextInitializer.isEnabled(environment)
					&& ClusterLockApplicationContextInitializer.isAvailable(event.getSpringApplication().getClassLoader())
					&& ClusterLockSessions.connectEarly(environment, starting)) {
				this.opened = environment;
			}
			else if (starting != null) {
				ClusterLockSessions.close(starting);
			}
		}
		else if (event instanceof ApplicationContextInitializedEvent || event instanceof ApplicationFailedEvent) {
			if (this.starting != null) {
				// failed before the environment was prepared
				ClusterLockSessions.close(this.starting);
				this.starting = null;
			}
			if (this.opened != null) {
				ClusterLockSessions.closeEarly(this.opened);
				this.opened = null;
			}
		}
	}

	/**
	 * Whether the lock is asked for where it can be seen before the configuration files are
	 * read: on the command line, as a system property or in the environment, as containers and
	 * unit files set it. Only then is anything done as the application starts; an application
	 * that has the module but not the lock pays nothing for it.
	 */
	static boolean isRequestedBeforeConfiguration(String[] args) {
		for (String arg : args) {
			if (arg.equalsIgnoreCase("--" + ClusterLockApplicationContextInitializer.ENABLED_PROPERTY + "=true")) {
				return true;
			}
		}
		return "true".equalsIgnoreCase(System.getProperty(ClusterLockApplicationContextInitializer.ENABLED_PROPERTY))
				|| "true".equalsIgnoreCase(System.getenv("ZEPH_PIDFILE_CLUSTER_ENABLED"));
	}

	/**
	 * Right after the environment post-processors: every property source is in place, and the
	 * logging system, the slowest step that follows, has not begun.
	 */
	@Override
	public int getOrder() {
		return EnvironmentPostProcessorApplicationListener.DEFAULT_ORDER + 1;
	}

}
