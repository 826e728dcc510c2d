package dev.zeph.pidfile.autoconfigure.cluster;

import dev.zeph.pidfile.autoconfigure.GuardMode;
import dev.zeph.pidfile.autoconfigure.PidFileActivation;
import dev.zeph.pidfile.autoconfigure.PidFileProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Takes the cluster lock before the context is refreshed, right after the pid file: a start
 * refused by the fleet creates no bean either. Active only with
 * {@code zeph.pidfile.cluster.enabled=true}; never in a child context, during AOT processing,
 * or in a context of Spring's test framework unless the test itself enables it (each such
 * context would open a database session and take the fleet's lock).
 */
class ClusterLockApplicationContextInitializer
		implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

	static final String ENABLED_PROPERTY = "zeph.pidfile.cluster.enabled";

	private static final String CLUSTER_LOCK_CLASS = "dev.zeph.pidfile.cluster.ClusterLock";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		Environment environment = context.getEnvironment();
		if (context.getParent() != null || !isEnabled(environment)) {
			return;
		}
		if (!isAvailable(context.getClassLoader())) {
			throw new InvalidConfigurationPropertyValueException(ENABLED_PROPERTY, true,
					"The cluster lock needs dev.zeph:zeph-pidfile-cluster on the class path.");
		}
		Binder binder = Binder.get(environment);
		ClusterLockProperties properties = binder.bind("zeph.pidfile.cluster", ClusterLockProperties.class)
			.orElseGet(ClusterLockProperties::new);
		PidFileProperties pidFileProperties = binder.bind("zeph.pidfile", PidFileProperties.class)
			.orElseGet(PidFileProperties::new);
		ClusterGuard.start(context, properties, GuardMode.of(pidFileProperties));
	}

	/**
	 * Whether this start takes the cluster lock: enabled, not during AOT processing, and not
	 * in a test context that did not enable it itself. Binds one property: the rest is bound
	 * only where the lock is taken.
	 */
	static boolean isEnabled(Environment environment) {
		return !Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING)
				&& Binder.get(environment).bind(ENABLED_PROPERTY, Boolean.class).orElse(false)
				&& PidFileActivation.isOnInThisContext(environment, ENABLED_PROPERTY);
	}

	static boolean isAvailable(@Nullable ClassLoader classLoader) {
		return ClassUtils.isPresent(CLUSTER_LOCK_CLASS, classLoader);
	}

	/** Right after the pid file's initializer. */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE + 11;
	}

}
