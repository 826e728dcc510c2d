package dev.zeph.pidfile.standby;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

/**
 * The {@link StandbyProperties} checked: a stop that could outlast Spring's own shutdown
 * phase would let the context destroy the data source under work still running.
 *
 * @param stopBudget how long the work may take to stop after a loss
 * @param runningWork what a loss does to runs in flight
 * @param shutdownTimeout how long runs in flight may take to finish on a normal stop
 * @param readiness the readiness of an instance that is not active
 * @param lifecycleBeans names of lifecycle beans that run on the active instance only
 */
record StandbySettings(Duration stopBudget, StandbyProperties.RunningWork runningWork, Duration shutdownTimeout,
		StandbyProperties.Readiness readiness, List<String> lifecycleBeans) {

	private static final String PREFIX = "zeph.pidfile.standby.";

	private static final String PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

	static StandbySettings of(Environment environment) {
		Binder binder = Binder.get(environment);
		StandbyProperties properties = binder.bind("zeph.pidfile.standby", StandbyProperties.class)
			.orElseGet(StandbyProperties::new);
		Duration stopBudget = properties.getStopBudget();
		if (stopBudget.isNegative() || stopBudget.isZero()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "stop-budget", stopBudget,
					"The budget must be positive: work is always given a moment to stop.");
		}
		Duration shutdownTimeout = properties.getShutdownTimeout();
		if (shutdownTimeout.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "shutdown-timeout", shutdownTimeout,
					"The timeout must not be negative; 0 interrupts runs in flight at once.");
		}
		Duration phase = binder.bind(PHASE_TIMEOUT, Duration.class).orElse(Duration.ofSeconds(30));
		if (shutdownTimeout.plus(stopBudget).compareTo(phase) >= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "shutdown-timeout", shutdownTimeout,
					"With the stop budget (" + stopBudget.toMillis() + " ms) it must be shorter than " + PHASE_TIMEOUT
							+ " (" + phase.toMillis() + " ms): past that, Spring goes on closing the context, and would"
							+ " destroy what the work still uses.");
		}
		return new StandbySettings(stopBudget, properties.getRunningWork(), shutdownTimeout,
				properties.getReadiness(), List.copyOf(properties.getLifecycleBeans()));
	}

}
