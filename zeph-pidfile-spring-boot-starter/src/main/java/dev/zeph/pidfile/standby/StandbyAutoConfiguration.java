package dev.zeph.pidfile.standby;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SearchStrategy;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.autoconfigure.context.LifecycleProperties;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.integration.support.SmartLifecycleRoleController;

/**
 * {@link EnableAutoConfiguration Auto-configuration} for singleton work: the proxy that checks
 * each {@link ActiveInstanceOnly} call, the lifecycle processor that leaves singleton lifecycle
 * beans to the active instance, the availability a standby reports, and, with Spring
 * Integration, its leader events. Each does its part only where a guard registered the
 * {@link ActiveInstance}, as the application starts: a condition on that bean would be decided
 * at build time under AOT, when no guard runs.
 */
@AutoConfiguration(before = { LifecycleAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class })
@EnableConfigurationProperties(LifecycleProperties.class)
public final class StandbyAutoConfiguration {

	StandbyAutoConfiguration() {
	}

	@Bean
	static ActiveInstanceOnlyPostProcessor activeInstanceOnlyPostProcessor() {
		return new ActiveInstanceOnlyPostProcessor();
	}

	/** Spring Boot's own lifecycle processor, with its shutdown phase timeout, and this one change. */
	@Bean(name = AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
	@ConditionalOnMissingBean(name = AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME,
			search = SearchStrategy.CURRENT)
	SingletonLifecycleProcessor lifecycleProcessor(LifecycleProperties properties) {
		SingletonLifecycleProcessor processor = new SingletonLifecycleProcessor();
		processor.setTimeoutPerShutdownPhase(properties.getTimeoutPerShutdownPhase().toMillis());
		return processor;
	}

	@Bean
	@ConditionalOnMissingBean(ApplicationAvailability.class)
	StandbyAvailability applicationAvailability(ObjectProvider<ActiveInstance> instance) {
		return new StandbyAvailability(instance);
	}

	/**
	 * Spring Integration's leader events, so that its {@code SmartLifecycleRoleController}
	 * roles follow the active instance.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.integration.leader.event.OnGrantedEvent")
	static class IntegrationLeaderConfiguration {

		@Bean
		IntegrationLeaderEvents zephIntegrationLeaderEvents(ObjectProvider<ActiveInstance> instance,
				ObjectProvider<SmartLifecycleRoleController> roleController) {
			return new IntegrationLeaderEvents(instance, roleController);
		}

	}

}
