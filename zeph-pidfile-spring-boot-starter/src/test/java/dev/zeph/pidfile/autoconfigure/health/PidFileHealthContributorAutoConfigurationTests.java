package dev.zeph.pidfile.autoconfigure.health;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.zeph.pidfile.autoconfigure.ApplicationPidFile;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PidFileHealthContributorAutoConfiguration}.
 */
class PidFileHealthContributorAutoConfigurationTests {

	@TempDir
	Path temp;

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PidFileHealthContributorAutoConfiguration.class,
					HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class))
			.withInitializer(TestGuards.pidFileInitializer())
			.withPropertyValues("zeph.pidfile.path=" + this.temp.resolve("app.pid"));
	}

	@Test
	void runShouldCreateIndicatorNamedPidfile() {
		contextRunner().run((context) -> {
			assertThat(context).hasSingleBean(PidFileHealthIndicator.class);
			HealthIndicator indicator = (HealthIndicator) context.getBean(HealthContributorRegistry.class)
				.getContributor("pidfile");
			assertThat(indicator).isSameAs(context.getBean(PidFileHealthIndicator.class));
			Health health = indicator.health();
			assertThat(health).isNotNull();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void runWhenTheFileWasJustDeletedShouldLockItAgainAndBeUpBeforeTheWatchdogsNextCheck() {
		contextRunner().withPropertyValues("zeph.pidfile.check-interval=1h").run((context) -> {
			Path path = this.temp.resolve("app.pid");
			Files.delete(path);
			HealthIndicator indicator = (HealthIndicator) context.getBean(HealthContributorRegistry.class)
				.getContributor("pidfile");
			Health health = indicator.health();
			assertThat(health).isNotNull();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(path).hasContent(ProcessHandle.current().pid() + "\n");
		});
	}

	@Test
	void runWhenPidFileIsDisabledShouldNotCreateIndicator() {
		contextRunner().withPropertyValues("zeph.pidfile.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ApplicationPidFile.class);
			assertThat(context).doesNotHaveBean(PidFileHealthIndicator.class);
		});
	}

	@Test
	void runWhenHealthIndicatorIsDisabledShouldNotCreateIndicator() {
		contextRunner().withPropertyValues("management.health.pidfile.enabled=false").run((context) -> {
			assertThat(context).hasSingleBean(ApplicationPidFile.class);
			assertThat(context).doesNotHaveBean(PidFileHealthIndicator.class);
		});
	}

	@Test
	void runWhenHealthIndicatorsAreDisabledByDefaultShouldNotCreateIndicator() {
		contextRunner().withPropertyValues("management.health.defaults.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PidFileHealthIndicator.class));
	}

	@Test
	void runWithoutHealthSupportShouldNotCreateIndicatorButStillLock() {
		contextRunner().withClassLoader(new FilteredClassLoader(Health.class)).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(ApplicationPidFile.class);
			assertThat(context).doesNotHaveBean(PidFileHealthIndicator.class);
		});
	}

	@Test
	void runWhenUserDefinesPidfileHealthIndicatorShouldBackOff() {
		contextRunner().withUserConfiguration(UserHealthIndicatorConfiguration.class).run((context) -> {
			assertThat(context).doesNotHaveBean(PidFileHealthIndicator.class);
			assertThat(context).hasBean("pidfileHealthIndicator");
		});
	}

	@Test
	void autoConfigurationShouldBeListedForSpringBootToFind() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
			.contains(PidFileHealthContributorAutoConfiguration.class.getName());
	}

	@Configuration(proxyBeanMethods = false)
	static class UserHealthIndicatorConfiguration {

		@Bean
		HealthIndicator pidfileHealthIndicator() {
			return () -> Health.up().build();
		}

	}

}
