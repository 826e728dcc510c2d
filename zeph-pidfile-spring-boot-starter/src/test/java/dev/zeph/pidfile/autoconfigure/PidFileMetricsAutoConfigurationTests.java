package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import dev.zeph.pidfile.testsupport.Flock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PidFileMetricsAutoConfiguration} and {@link PidFileMetrics}.
 */
class PidFileMetricsAutoConfigurationTests {

	@TempDir
	Path temp;

	private Process holder;

	@AfterEach
	void releaseHolder() {
		if (this.holder != null) {
			Flock.release(this.holder);
		}
	}

	private ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(PidFileMetricsAutoConfiguration.class))
			.withInitializer(new PidFileApplicationContextInitializer())
			.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("zeph.pidfile.path=" + path(), "zeph.pidfile.on-loss=keep-running");
	}

	private Path path() {
		return this.temp.resolve("app.pid");
	}

	@Test
	void metersShouldReportTheLockHeldAndHowLongItTookAtStartup() {
		contextRunner().run((context) -> {
			MeterRegistry registry = bind(context.getBean(PidFileMetrics.class));
			assertThat(meter(registry, LockMeters.HELD).gauge().value()).isEqualTo(1);
			assertThat(meter(registry, LockMeters.ACQUISITION_TIME).timeGauge().value())
				.isPositive()
				.isEqualTo(context.getBean(ApplicationPidFile.class).getAcquisitionTime().toNanos() / 1e9);
			assertThat(meter(registry, PidFileMetrics.HEALED).functionCounter().count()).isZero();
			assertThat(meter(registry, LockMeters.LOST).functionCounter().count()).isZero();
		});
	}

	@Test
	void healedShouldCountAFileTakenAgainAfterItWasDeleted() {
		contextRunner().run((context) -> {
			MeterRegistry registry = bind(context.getBean(PidFileMetrics.class));
			ApplicationPidFile pidFile = context.getBean(ApplicationPidFile.class);
			Files.delete(path());
			assertThat(meter(registry, LockMeters.HELD).gauge().value()).isZero();
			assertThat(pidFile.check().outcome()).isEqualTo(OwnershipCheck.Outcome.RECOVERED);
			assertThat(meter(registry, PidFileMetrics.HEALED).functionCounter().count()).isEqualTo(1);
			assertThat(meter(registry, LockMeters.HELD).gauge().value()).isEqualTo(1);
			assertThat(meter(registry, LockMeters.LOST).functionCounter().count()).isZero();
		});
	}

	@Test
	void lostShouldCountEachLossOnceAndHeldShouldDropToZero() {
		contextRunner().run((context) -> {
			MeterRegistry registry = bind(context.getBean(PidFileMetrics.class));
			ApplicationPidFile pidFile = context.getBean(ApplicationPidFile.class);
			Path other = this.temp.resolve("other.pid");
			this.holder = Flock.hold(other);
			Files.move(other, path(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
			assertThat(pidFile.check().outcome()).isEqualTo(OwnershipCheck.Outcome.LOST);
			assertThat(pidFile.check().outcome()).isEqualTo(OwnershipCheck.Outcome.LOST);
			assertThat(meter(registry, LockMeters.LOST).functionCounter().count()).isEqualTo(1);
			assertThat(meter(registry, LockMeters.HELD).gauge().value()).isZero();
			assertThat(meter(registry, PidFileMetrics.HEALED).functionCounter().count()).isZero();
		});
	}

	@Test
	void runWhenPidFileIsDisabledShouldNotCreateMeters() {
		contextRunner().withPropertyValues("zeph.pidfile.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PidFileMetrics.class));
	}

	@Test
	void runWithoutAMeterRegistryShouldNotCreateMeters() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(PidFileMetricsAutoConfiguration.class))
			.withInitializer(new PidFileApplicationContextInitializer())
			.withPropertyValues("zeph.pidfile.path=" + path())
			.run((context) -> {
				assertThat(context).hasSingleBean(ApplicationPidFile.class);
				assertThat(context).doesNotHaveBean(PidFileMetrics.class);
			});
	}

	/**
	 * With Micrometer hidden from the class loader, any attempt to load one of its classes
	 * fails the context: that it starts, locked, shows that none was loaded.
	 */
	@Test
	void runWithoutMicrometerShouldLoadNoMicrometerClassAndStillLock() {
		contextRunner().withClassLoader(new FilteredClassLoader("io.micrometer")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(ApplicationPidFile.class);
			assertThat(context).doesNotHaveBean("pidFileMetrics");
		});
	}

	/**
	 * The cluster module is optional: without it on the class path, the pid file's meters are
	 * bound and nothing of the cluster lock is loaded.
	 */
	@Test
	void runWithoutTheClusterModuleShouldStillBindThePidFileMeters() {
		contextRunner().withClassLoader(new FilteredClassLoader("dev.zeph.pidfile.cluster"))
			.withPropertyValues("zeph.pidfile.cluster.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(PidFileMetrics.class);
				assertThat(context).doesNotHaveBean("clusterLockMetrics");
			});
	}

	@Test
	void autoConfigurationShouldBeListedForSpringBootToFind() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
			.contains(PidFileMetricsAutoConfiguration.class.getName());
	}

	private static MeterRegistry bind(PidFileMetrics metrics) {
		MeterRegistry registry = new SimpleMeterRegistry();
		metrics.bindTo(registry);
		return registry;
	}

	private RequiredSearch meter(MeterRegistry registry, String name) {
		return registry.get(name).tag(LockMeters.GUARD_TAG, "pidfile").tag(LockMeters.LOCK_TAG,
				path().toString());
	}

}
