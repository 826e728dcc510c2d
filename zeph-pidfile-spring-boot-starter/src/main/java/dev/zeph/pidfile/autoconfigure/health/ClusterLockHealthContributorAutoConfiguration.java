package dev.zeph.pidfile.autoconfigure.health;

import dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock;
import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.standby.ActiveInstance;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@code clusterLock} health
 * indicator, where the cluster module is present and the lock enabled.
 */
@AutoConfiguration(before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass({ Health.class, ConditionalOnEnabledHealthIndicator.class, ClusterLock.class })
@ConditionalOnBooleanProperty("zeph.pidfile.cluster.enabled")
@ConditionalOnEnabledHealthIndicator("clusterlock")
public final class ClusterLockHealthContributorAutoConfiguration {

	ClusterLockHealthContributorAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(name = "clusterLockHealthIndicator")
	ClusterLockHealthIndicator clusterLockHealthIndicator(ObjectProvider<ApplicationClusterLock> lock,
			ObjectProvider<ActiveInstance> instance) {
		return new ClusterLockHealthIndicator(lock.getIfAvailable(), instance.getIfAvailable());
	}

}
