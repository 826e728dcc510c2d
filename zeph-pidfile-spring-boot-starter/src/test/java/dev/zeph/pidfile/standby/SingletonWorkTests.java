package dev.zeph.pidfile.standby;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.zeph.pidfile.autoconfigure.ApplicationPidFile;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import dev.zeph.pidfile.autoconfigure.health.TestHealth;
import dev.zeph.pidfile.testsupport.Flock;
import dev.zeph.pidfile.testsupport.Polling;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.integration.annotation.InboundChannelAdapter;
import org.springframework.integration.annotation.Poller;
import org.springframework.integration.annotation.Role;
import org.springframework.integration.config.EnableIntegration;
import org.springframework.integration.core.MessageSource;
import org.springframework.messaging.support.GenericMessage;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Singleton work in whole applications on the pid file, in this JVM: what
 * {@link ActiveInstanceOnly} runs and when, what it refuses, and the events, readiness and
 * Spring Integration roles that follow the instance's activity. A standby is made by holding
 * the pid file with {@code flock(1)}, a real other process.
 */
class SingletonWorkTests {

	@TempDir
	Path temp;

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private final List<Process> holders = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.holders.forEach(Flock::release);
	}

	/**
	 * Run an application on its own pid file, with a grace of 200 ms; each override replaces
	 * the default of the same property.
	 */
	private ConfigurableApplicationContext run(Class<?> configuration, String... overrides) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("zeph.pidfile.path", this.temp.resolve("app.pid").toString());
		properties.put("zeph.pidfile.check-interval", "100ms");
		properties.put("zeph.pidfile.standby.stop-budget", "100ms");
		for (String override : overrides) {
			int equals = override.indexOf('=');
			properties.put(override.substring(2, equals), override.substring(equals + 1));
		}
		String[] args = properties.entrySet()
			.stream()
			.map((property) -> "--" + property.getKey() + "=" + property.getValue())
			.toArray(String[]::new);
		ConfigurableApplicationContext context = TestGuards.application(configuration).run(args);
		this.contexts.add(context);
		return context;
	}

	/** Another process holds the pid file: an instance started in standby mode stands by. */
	private void holdThePidFile() throws Exception {
		this.holders.add(Flock.hold(this.temp.resolve("app.pid")));
	}

	private void letGo() {
		this.holders.forEach(Flock::release);
	}

	@Test
	void scheduledWorkShouldRunOnlyOnceTheInstanceIsActive() throws Exception {
		holdThePidFile();
		ConfigurableApplicationContext context = run(ScheduledWork.class, "--zeph.pidfile.mode=standby");
		// the bean is a proxy: its counts are read through methods
		ScheduledWork work = context.getBean(ScheduledWork.class);
		ActiveInstance instance = context.getBean(ActiveInstance.class);
		Polling.await(() -> work.everyInstanceRuns() >= 5, "the unmarked task to run five times");
		assertThat(instance.getRole()).isEqualTo(ActiveInstance.Role.STANDBY);
		assertThat(work.activeOnlyRuns()).isZero();
		work.report();
		assertThat(work.activeOnlyRuns()).as("a direct call on a standby").isZero();
		letGo();
		Polling.await(() -> work.activeOnlyRuns() >= 5, "the marked task to run once active");
		assertThat(instance.getRole()).isEqualTo(ActiveInstance.Role.ACTIVE);
	}

	@Test
	void markedLifecycleBeanShouldStartOnlyOnceActiveAndStopBeforeTheContextCloses() throws Exception {
		holdThePidFile();
		ConfigurableApplicationContext context = run(LifecycleWork.class, "--zeph.pidfile.mode=standby");
		LifecycleWork work = context.getBean(LifecycleWork.class);
		assertThat(work.consumer.startedDuringRefresh).isFalse();
		assertThat(work.consumer.isRunning()).isFalse();
		assertThat(work.unmarked.isRunning()).isTrue();
		letGo();
		Polling.await(work.consumer::isRunning, "the marked bean to start once active");
		context.close();
		assertThat(work.consumer.isRunning()).isFalse();
		assertThat(work.order).containsExactly("consumer started", "consumer stopped", "unmarked stopped");
	}

	@Test
	void eventsShouldComeInPairsInOrderWithTheReasonOnClose() throws Exception {
		ConfigurableApplicationContext context = run(Events.class);
		Events events = context.getBean(Events.class);
		Polling.await(() -> events.edges.size() == 1, "the activation");
		context.close();
		assertThat(events.edges).containsExactly("activated", "deactivated RELEASED");
	}

	@Test
	void standbyShouldRefuseTrafficOnlyWhenAskedAndBeReadyOnceActive() throws Exception {
		holdThePidFile();
		ConfigurableApplicationContext accepting = run(Events.class, "--zeph.pidfile.mode=standby");
		assertThat(accepting.getBean(ApplicationAvailability.class).getReadinessState())
			.isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
		accepting.close();
		ConfigurableApplicationContext refusing = run(Events.class, "--zeph.pidfile.mode=standby",
				"--zeph.pidfile.standby.readiness=refusing-traffic");
		ApplicationAvailability availability = refusing.getBean(ApplicationAvailability.class);
		assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.REFUSING_TRAFFIC);
		letGo();
		Polling.await(() -> refusing.getBean(ActiveInstance.class).isActive(), "the activation");
		assertThat(availability.getReadinessState()).isEqualTo(ReadinessState.ACCEPTING_TRAFFIC);
	}

	@Test
	void standbyShouldBeUpInHealthNamingTheHolderAndItsWaitThenActive() throws Exception {
		Process holder = Flock.hold(this.temp.resolve("app.pid"));
		this.holders.add(holder);
		ConfigurableApplicationContext context = run(Events.class, "--zeph.pidfile.mode=standby");
		ApplicationPidFile pidFile = context.getBean(ApplicationPidFile.class);
		ActiveInstance instance = context.getBean(ActiveInstance.class);
		Health standby = TestHealth.of(pidFile, instance);
		assertThat(standby.getStatus()).isEqualTo(Status.UP);
		assertThat(standby.getDetails()).containsEntry("role", "STANDBY")
			.containsEntry("holder", "PID " + holder.pid())
			.containsKey("waitingFor");
		letGo();
		Polling.await(instance::isActive, "the activation");
		Health active = TestHealth.of(pidFile, instance);
		assertThat(active.getStatus()).isEqualTo(Status.UP);
		assertThat(active.getDetails()).containsEntry("role", "ACTIVE").doesNotContainKey("holder");
		MeterRegistry registry = new SimpleMeterRegistry();
		new StandbyMetrics(instance).bindTo(registry);
		assertThat(registry.get(StandbyMetrics.ACTIVE).gauge().value()).isEqualTo(1);
		assertThat(registry.get(StandbyMetrics.ACTIVATIONS).functionCounter().count()).isEqualTo(1);
	}

	/**
	 * A Spring Integration poller in a role, as a user moving from
	 * {@code LockRegistryLeaderInitiator} has it: it polls on the active instance only.
	 */
	@Test
	void integrationRoleShouldFollowTheActiveInstance() throws Exception {
		holdThePidFile();
		ConfigurableApplicationContext context = run(IntegrationRole.class, "--zeph.pidfile.mode=standby");
		IntegrationRole role = context.getBean(IntegrationRole.class);
		Thread.sleep(200);
		assertThat(role.polls).as("polls on a standby").hasValue(0);
		letGo();
		Polling.await(() -> role.polls.get() >= 3, "the role's poller to poll once active");
		assertThat(role.leaderEvents.get(0)).isInstanceOf(OnGrantedEvent.class);
		assertThat(role.leaderEvents.get(0).getRole()).isEqualTo("leader");
		assertThat(role.leaderEvents.get(0).getContext().isLeader()).isTrue();
		context.close();
		int polls = role.polls.get();
		Thread.sleep(200);
		assertThat(role.polls).as("polls after the instance stopped").hasValue(polls);
		assertThat(role.leaderEvents.get(1)).isInstanceOf(OnRevokedEvent.class);
	}

	@Test
	void privateMarkedMethodShouldBeRefusedNamingIt() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> run(PrivateWork.class))
			.withMessageContaining("@ActiveInstanceOnly method work() of bean 'singletonWorkTests.PrivateWork'")
			.withMessageContaining("is private");
	}

	@Test
	void markedMethodReturningAValueShouldBeRefusedNamingIt() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> run(ValueWork.class))
			.withMessageContaining("@ActiveInstanceOnly method count()")
			.withMessageContaining("returns a value");
	}

	@Test
	void markedBeanWithNothingToGuardShouldBeRefusedNamingIt() {
		assertThatExceptionOfType(BeanInitializationException.class).isThrownBy(() -> run(NothingToGuard.class))
			.withMessageContaining("Bean 'singletonWorkTests.NothingToGuard'")
			.withMessageContaining("zeph.pidfile.standby.lifecycle-beans");
	}

	@Test
	void lifecycleBeansNamingNoBeanShouldBeRefusedNamingTheProperty() {
		assertThatExceptionOfType(BeanInitializationException.class)
			.isThrownBy(() -> run(Events.class, "--zeph.pidfile.standby.lifecycle-beans=kafkaListenerEndpointRegistry"))
			.withMessageContaining("zeph.pidfile.standby.lifecycle-beans names 'kafkaListenerEndpointRegistry'")
			.withMessageContaining("there is no bean of that name or type");
	}

	@Test
	void settingsThatLetWorkOutlastItsGuardShouldBeRefusedNamingTheProperty() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> run(Events.class, "--zeph.pidfile.on-loss=standby"))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("zeph.pidfile.on-loss"));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> run(Events.class, "--zeph.pidfile.mode=standby", "--zeph.pidfile.on-loss=keep-running"))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("zeph.pidfile.on-loss"));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> run(Events.class, "--zeph.pidfile.mode=standby", "--zeph.pidfile.check-interval=0"))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("zeph.pidfile.check-interval"));
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> run(Events.class, "--zeph.pidfile.standby.shutdown-timeout=30s"))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("zeph.pidfile.standby.shutdown-timeout"))
			.withMessageContaining("spring.lifecycle.timeout-per-shutdown-phase");
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> run(Events.class, "--zeph.pidfile.standby.stop-budget=0"))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo("zeph.pidfile.standby.stop-budget"));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(StandbyAutoConfiguration.class)
	@EnableScheduling
	static class ScheduledWork {

		final AtomicInteger activeOnly = new AtomicInteger();

		final AtomicInteger everyInstance = new AtomicInteger();

		@ActiveInstanceOnly
		@Scheduled(fixedDelay = 10)
		void report() {
			this.activeOnly.incrementAndGet();
		}

		@Scheduled(fixedDelay = 10)
		void heartbeat() {
			this.everyInstance.incrementAndGet();
		}

		int activeOnlyRuns() {
			return this.activeOnly.get();
		}

		int everyInstanceRuns() {
			return this.everyInstance.get();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(StandbyAutoConfiguration.class)
	static class LifecycleWork implements ApplicationListener<ContextRefreshedEvent> {

		final List<String> order = new CopyOnWriteArrayList<>();

		final Recording consumer = new Recording("consumer", this.order);

		final Recording unmarked = new Recording("unmarked", this.order);

		@Bean
		@ActiveInstanceOnly
		Recording consumer() {
			return this.consumer;
		}

		@Bean
		Recording unmarked() {
			return this.unmarked;
		}

		@Override
		public void onApplicationEvent(ContextRefreshedEvent event) {
			this.consumer.startedDuringRefresh = this.consumer.isRunning();
		}

	}

	/** A lifecycle bean that records its edges; auto-startup, as Spring's default has it. */
	static final class Recording implements SmartLifecycle {

		private final String name;

		private final List<String> order;

		private volatile boolean running;

		volatile boolean startedDuringRefresh;

		Recording(String name, List<String> order) {
			this.name = name;
			this.order = order;
		}

		@Override
		public void start() {
			this.running = true;
			if (!this.name.equals("unmarked")) {
				this.order.add(this.name + " started");
			}
		}

		@Override
		public void stop() {
			this.running = false;
			this.order.add(this.name + " stopped");
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(StandbyAutoConfiguration.class)
	static class Events {

		final List<String> edges = new CopyOnWriteArrayList<>();

		@EventListener
		void activated(ActiveInstanceActivatedEvent event) {
			this.edges.add("activated");
		}

		@EventListener
		void deactivated(ActiveInstanceDeactivatedEvent event) {
			this.edges.add("deactivated " + event.getReason());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(StandbyAutoConfiguration.class)
	@EnableIntegration
	static class IntegrationRole {

		final AtomicInteger polls = new AtomicInteger();

		final List<AbstractLeaderEvent> leaderEvents = new CopyOnWriteArrayList<>();

		/** A poller in the role "leader": not started with the context, as Spring Integration asks. */
		@Bean
		@InboundChannelAdapter(channel = "nullChannel", poller = @Poller(fixedDelay = "20"), autoStartup = "false")
		@Role("leader")
		MessageSource<Integer> ticks() {
			return () -> new GenericMessage<>(this.polls.incrementAndGet());
		}

		@EventListener
		void leader(AbstractLeaderEvent event) {
			this.leaderEvents.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(StandbyAutoConfiguration.class)
	@EnableScheduling
	static class PrivateWork {

		@ActiveInstanceOnly
		@Scheduled(fixedDelay = 1000)
		private void work() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(StandbyAutoConfiguration.class)
	static class ValueWork {

		@ActiveInstanceOnly
		int count() {
			return 1;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(StandbyAutoConfiguration.class)
	@ActiveInstanceOnly
	static class NothingToGuard {

	}

}
