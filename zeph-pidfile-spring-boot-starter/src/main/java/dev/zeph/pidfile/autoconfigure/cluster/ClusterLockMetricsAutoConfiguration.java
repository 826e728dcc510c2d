package dev.zeph.pidfile.autoconfigure.cluster;

import dev.zeph.pidfile.cluster.ClusterLock;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the cluster lock's meters
 * ({@link ClusterLockMetrics}), where the cluster module and Micrometer are present, a meter
 * registry is configured, and the lock is enabled.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, ClusterLock.class })
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(ClusterLockApplicationContextInitializer.ENABLED_PROPERTY)
public final class ClusterLockMetricsAutoConfiguration {

	ClusterLockMetricsAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterLockMetrics clusterLockMetrics(ObjectProvider<ApplicationClusterLock> lock) {
		return new ClusterLockMetrics(lock.getIfAvailable());
	}

}
