package dev.zeph.pidfile.standby;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The active instance's meters: its role, how many times it became active, and how long its
 * singleton work last took to stop.
 */
final class StandbyMetrics implements MeterBinder {

	static final String ACTIVE = "zeph.instance.active";

	static final String ACTIVATIONS = "zeph.instance.activations";

	static final String STOP_TIME = "zeph.instance.work.stop.time";

	private final @Nullable ActiveInstance instance;

	StandbyMetrics(@Nullable ActiveInstance instance) {
		this.instance = instance;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ActiveInstance instance = this.instance;
		if (instance == null) {
			return;
		}
		Gauge.builder(ACTIVE, instance, (active) -> active.isActive() ? 1 : 0)
			.description("Whether this instance is the active one and runs the singleton work: 1 if it is, 0 if it stands by")
			.register(registry);
		FunctionCounter.builder(ACTIVATIONS, instance, ActiveInstance::getActivations)
			.description("Times this instance became the active one")
			.register(registry);
		TimeGauge.builder(STOP_TIME, instance, TimeUnit.NANOSECONDS, (active) -> active.getLastStopTime().toNanos())
			.description("How long the singleton work took to stop, the last time this instance stopped being active")
			.register(registry);
	}

}
