package dev.zeph.pidfile.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the pid file's meters
 * ({@link PidFileMetrics}), where Micrometer is present and a meter registry is configured, as
 * with Actuator. Without Micrometer no class of it is loaded: the condition on its class is read
 * from this class's bytes, and nothing else refers to it.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
public final class PidFileMetricsAutoConfiguration {

	PidFileMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnPidFileGuard
	PidFileMetrics pidFileMetrics(ObjectProvider<ApplicationPidFile> pidFile) {
		return new PidFileMetrics(pidFile.getIfAvailable());
	}

}
