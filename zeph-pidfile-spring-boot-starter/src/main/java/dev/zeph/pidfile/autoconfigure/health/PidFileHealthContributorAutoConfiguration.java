package dev.zeph.pidfile.autoconfigure.health;

import dev.zeph.pidfile.autoconfigure.ApplicationPidFile;
import dev.zeph.pidfile.autoconfigure.ConditionalOnPidFileGuard;
import dev.zeph.pidfile.autoconfigure.PidFileWatchdog;
import dev.zeph.pidfile.standby.ActiveInstance;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.annotation.Bean;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for the {@code pidfile} health
 * indicator. It depends on the rule that decides whether a lock is taken rather than on the
 * {@link ApplicationPidFile} bean, which the initializer registers at run time only: under
 * AOT, conditions are decided at build time, when no lock is taken, and the indicator must
 * not be left out of the generated code.
 */
@AutoConfiguration(before = HealthContributorAutoConfiguration.class)
@ConditionalOnClass({ Health.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnPidFileGuard
@ConditionalOnEnabledHealthIndicator("pidfile")
public final class PidFileHealthContributorAutoConfiguration {

	PidFileHealthContributorAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean(name = "pidfileHealthIndicator")
	PidFileHealthIndicator pidfileHealthIndicator(ObjectProvider<ApplicationPidFile> pidFile,
			ObjectProvider<PidFileWatchdog> watchdog, ObjectProvider<ActiveInstance> instance) {
		return new PidFileHealthIndicator(pidFile.getIfAvailable(), watchdog.getIfAvailable(),
				instance.getIfAvailable());
	}

}
