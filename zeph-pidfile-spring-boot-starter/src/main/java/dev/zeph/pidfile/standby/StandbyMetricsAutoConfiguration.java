package dev.zeph.pidfile.standby;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the active instance's meters
 * ({@link StandbyMetrics}), where Micrometer is present and a meter registry is configured; they
 * are bound only where a guard registered the {@link ActiveInstance}.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class StandbyMetricsAutoConfiguration {

	StandbyMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	StandbyMetrics standbyMetrics(ObjectProvider<ActiveInstance> instance) {
		return new StandbyMetrics(instance.getIfAvailable());
	}

}
