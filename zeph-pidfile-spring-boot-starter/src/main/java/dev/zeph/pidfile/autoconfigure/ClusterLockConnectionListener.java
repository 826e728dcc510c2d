package dev.zeph.pidfile.autoconfigure;

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
 * Opens the cluster lock's session on a thread of its own as soon as the environment is
 * prepared, so that loading the driver and logging in overlap with the rest of the start (the
 * logging system, the context, the pid file) instead of adding to it; where the lock is asked
 * for on the command line or in the environment, the driver's classes are loaded from the
 * application's start on, before the settings are known. Opening takes no lock:
 * {@link ClusterLockApplicationContextInitializer} takes it on that session, in its place after
 * the pid file. A session that no initializer took is closed once the initializers have run or
 * the start has failed.
 */
class ClusterLockConnectionListener implements ApplicationListener<SpringApplicationEvent>, Ordered {

	private @Nullable ConfigurableEnvironment opened;

	@Override
	public void onApplicationEvent(SpringApplicationEvent event) {
		if (event instanceof ApplicationStartingEvent starting && isRequestedBeforeConfiguration(starting.getArgs())
				&& ClusterLockApplicationContextInitializer.isAvailable(event.getSpringApplication().getClassLoader())) {
			ClusterGuard.loadAhead();
		}
		else if (event instanceof ApplicationEnvironmentPreparedEvent prepared) {
			ConfigurableEnvironment environment = prepared.getEnvironment();
			if (ClusterLockApplicationContextInitializer.isEnabled(environment)
					&& ClusterLockApplicationContextInitializer.isAvailable(event.getSpringApplication().getClassLoader())
					&& ClusterGuard.connectEarly(environment)) {
				this.opened = environment;
			}
		}
		else if ((event instanceof ApplicationContextInitializedEvent || event instanceof ApplicationFailedEvent)
				&& this.opened != null) {
			ClusterGuard.closeEarly(this.opened);
			this.opened = null;
		}
	}

	/**
	 * Whether the lock is asked for where it can be seen before the configuration files are
	 * read: on the command line, as a system property or in the environment, as containers and
	 * unit files set it. Only then is the driver loaded from the application's start on; an
	 * application that has the module but not the lock pays nothing for it.
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
