package dev.zeph.pidfile.autoconfigure.cluster;

import java.lang.ref.WeakReference;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import dev.zeph.pidfile.autoconfigure.ExitOnLockLoss;
import dev.zeph.pidfile.autoconfigure.TestApplicationProcess;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import dev.zeph.pidfile.autoconfigure.diagnostics.TestAnalyzers;
import dev.zeph.pidfile.autoconfigure.health.TestHealth;
import dev.zeph.pidfile.autoconfigure.testapp.PidFileTestApplication;
import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.cluster.ClusterLockHeldException;
import dev.zeph.pidfile.cluster.ClusterLockSettings;
import dev.zeph.pidfile.cluster.ClusterLockUnavailableException;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import dev.zeph.pidfile.testsupport.TcpRelay;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.event.ApplicationStartingEvent;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The cluster lock in whole applications against a real PostgreSQL server: taken before any
 * bean, refused naming the holder, waited for, lost, and its bad settings.
 */
class ClusterLockApplicationTests {

	private static final long PID = ProcessHandle.current().pid();

	private static PostgresServer server;

	@TempDir
	Path temp;

	private final List<ConfigurableApplicationContext> contexts = new CopyOnWriteArrayList<>();

	private final AtomicInteger instances = new AtomicInteger();

	@BeforeAll
	static void startServer() throws Exception {
		server = PostgresServer.start();
	}

	@AfterAll
	static void stopServer() throws Exception {
		if (server != null) {
			server.close();
		}
	}

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	/**
	 * The command line of one instance: its own pid file, so that only the cluster lock
	 * decides, and the lock from Spring's datasource settings; each override replaces the
	 * default of the same property.
	 */
	private String[] args(String... overrides) {
		Map<String, String> properties = new LinkedHashMap<>();
		properties.put("zeph.pidfile.path", this.temp.resolve("app-" + this.instances.incrementAndGet() + ".pid").toString());
		properties.put("zeph.pidfile.cluster.enabled", "true");
		properties.put("zeph.pidfile.cluster.name", "orders");
		properties.put("spring.datasource.url", server.url());
		properties.put("spring.datasource.username", PostgresServer.USER);
		properties.put("spring.datasource.password", PostgresServer.PASSWORD);
		for (String override : overrides) {
			int equals = override.indexOf('=');
			properties.put(override.substring(2, equals), override.substring(equals + 1));
		}
		return properties.entrySet()
			.stream()
			.map((property) -> "--" + property.getKey() + "=" + property.getValue())
			.toArray(String[]::new);
	}

	private ConfigurableApplicationContext run(String... args) {
		ConfigurableApplicationContext context = TestGuards
			.application(EventsConfiguration.class)
			.run(args);
		this.contexts.add(context);
		return context;
	}

	@Test
	void runShouldTakeTheLockFromTheDatasourceSettingsAndBecomeActive() throws Exception {
		ConfigurableApplicationContext context = run(args());
		ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
		assertThat(lock.getName()).isEqualTo("orders");
		assertThat(lock.getDatabase()).isEqualTo("127.0.0.1:" + server.port() + "/postgres");
		Events events = context.getBean(Events.class);
		Polling.await(() -> !events.activated.isEmpty(), "a ClusterLockActivatedEvent");
		assertThat(lock.isActive()).isTrue();
		Health health = TestHealth.of(lock, null);
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("lock", "orders")
			.containsEntry("pid", PID)
			.containsEntry("active", true)
			.containsEntry("backendPid", lock.getBackendPid())
			.containsKeys("host", "since", "database", "lastHeartbeatAge");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void eventsOfTheApplicationShouldReachNoListenerOfTheLockThatCannotTakeThem(CapturedOutput output) {
		ConfigurableApplicationContext context = run(
				args("--logging.level.org.springframework.context.event.SimpleApplicationEventMulticaster=trace"));
		context.publishEvent(new ApplicationEvent("a request was handled") {
		});
		assertThat(output).doesNotContain("Non-matching event type for listener");
	}

	@Test
	void activationDuringTheRefreshShouldBePublishedOnceTheContextIsRefreshed() throws Exception {
		ConfigurableApplicationContext context = TestGuards
			.application(ActivatedDuringRefreshConfiguration.class)
			.run(args("--zeph.pidfile.cluster.heartbeat-interval=200ms", "--zeph.pidfile.cluster.heartbeat-timeout=300ms",
					"--zeph.pidfile.cluster.server-timeout=3s"));
		this.contexts.add(context);
		Events events = context.getBean(Events.class);
		assertThat(context.getBean(ActiveDuringRefresh.class).eventsBeforeRefreshEnded).isZero();
		// an event published during the refresh would not reach @EventListener methods, registered at its end
		Polling.await(() -> !events.activated.isEmpty(), "the activation, once the context is refreshed");
		assertThat(events.activated).hasSize(1);
		assertThat(events.activated.get(0).getSource().isActive()).isTrue();
	}

	@Test
	void listenersThatBlockOrThrowShouldNotCostTheLock() throws Exception {
		ConfigurableApplicationContext context = TestGuards
			.application(TroubledListenersConfiguration.class)
			.run(args("--zeph.pidfile.cluster.heartbeat-interval=200ms", "--zeph.pidfile.cluster.heartbeat-timeout=300ms",
					"--zeph.pidfile.cluster.server-timeout=3s", "--zeph.pidfile.on-loss=keep-running"));
		this.contexts.add(context);
		ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
		TroubledListeners listeners = context.getBean(TroubledListeners.class);
		Events events = context.getBean(Events.class);
		try {
			Polling.await(() -> listeners.blockedSince != 0, "the activation, in the listener that blocks");
			long deadline = Duration.ofMillis(500).toNanos();
			Polling.await(() -> System.nanoTime() - listeners.blockedSince > 2 * deadline,
					"twice the lock's deadline, the listener still blocking");
			assertThat(lock.isActive()).isTrue();
		}
		finally {
			listeners.release.countDown();
		}
		Polling.await(() -> listeners.thrownAt != 0, "the listener that throws");
		Polling.await(() -> lock.getLastHeartbeatAge().toNanos() < System.nanoTime() - listeners.thrownAt,
				"a heartbeat after the listener threw");
		assertThat(lock.isActive()).isTrue();
		assertThat(events.lost).isEmpty();
	}

	@Test
	void lockNameShouldDefaultToTheApplicationNameAsGivenInAnyLanguage() {
		ConfigurableApplicationContext billing = run(withoutLockName(args("--spring.application.name=账单服务")));
		ConfigurableApplicationContext reports = run(withoutLockName(args("--spring.application.name=报表服务")));
		assertThat(billing.getBean(ApplicationClusterLock.class).getName()).isEqualTo("账单服务");
		assertThat(reports.getBean(ApplicationClusterLock.class).getName()).isEqualTo("报表服务");
		assertThatExceptionOfType(ClusterLockStartupException.class)
			.isThrownBy(() -> run(withoutLockName(args("--spring.application.name=账单服务"))))
			.satisfies((ex) -> {
				ClusterLockHeldException held = (ClusterLockHeldException) ex.getCause();
				assertThat(held.isCollision()).isFalse();
				assertThat(held.getHolderIdentity().orElseThrow().name()).isEqualTo("账单服务");
			});
	}

	private static String[] withoutLockName(String[] args) {
		return Arrays.stream(args).filter((arg) -> !arg.startsWith("--zeph.pidfile.cluster.name=")).toArray(String[]::new);
	}

	@Test
	void secondStartShouldBeRefusedBeforeAnyBeanNamingTheHolder() {
		run(args());
		ConstructedBeans.count = 0;
		assertThatExceptionOfType(ClusterLockStartupException.class).isThrownBy(() -> run(args()))
			.satisfies((ex) -> {
				assertThat(ex.getExitCode()).isEqualTo(75);
				assertThat(ex.getCause()).isInstanceOf(ClusterLockHeldException.class);
				FailureAnalysis analysis = TestAnalyzers.clusterLock(ex);
				assertThat(analysis.getDescription()).contains("'orders'")
					.contains("PID " + PID)
					.contains("Only one instance may be active");
				assertThat(analysis.getAction()).contains("zeph.pidfile.mode=wait");
			});
		assertThat(ConstructedBeans.count).as("beans of the refused application").isZero();
	}

	@Test
	void sessionShouldOpenOnceTheEnvironmentIsPreparedAndTheLockBeTakenOnItAfterThePidFile() {
		List<Long> seenEarly = new CopyOnWriteArrayList<>();
		SpringApplication application = TestGuards.application(EventsConfiguration.class);
		// runs after the listener that opens the session, long before any initializer
		application.addListeners(OrderedEnvironmentListener.afterOpening(() -> {
			Polling.await(() -> server.sessionsOf("zeph:orders") == 1, "the lock's session, opened early");
			seenEarly.add((long) server.queryInt("SELECT pid FROM pg_stat_activity WHERE application_name = 'zeph:orders'"));
			assertThat(server.queryInt("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")).as("locks held before the initializers").isZero();
		}));
		ConfigurableApplicationContext context = application.run(args());
		this.contexts.add(context);
		assertThat(seenEarly).as("the session seen once the environment was prepared").hasSize(1);
		assertThat(context.getBean(ApplicationClusterLock.class).getBackendPid()).isEqualTo(seenEarly.get(0));
	}

	@Test
	void sessionShouldOpenAsTheApplicationStartsWhenTheLockAndItsDatabaseAreOnTheCommandLine() {
		List<Long> seenFirst = new CopyOnWriteArrayList<>();
		ConfigurableApplicationContext context = runSeeingTheSessionFirst(seenFirst, args());
		assertThat(context.getBean(ApplicationClusterLock.class).getBackendPid()).isEqualTo(seenFirst.get(0));
	}

	@Test
	void sessionOpenedAsTheApplicationStartsShouldBeKeptWhenItsSettingsAreGivenInTheBindersRelaxedForms() {
		List<Long> seenFirst = new CopyOnWriteArrayList<>();
		// the session's socket timeout is the heartbeat timeout: read otherwise, the session would be replaced
		ConfigurableApplicationContext context = runSeeingTheSessionFirst(seenFirst,
				args("--zeph.pidfile.cluster.heartbeatTimeout=2s", "--zeph.pidfile.cluster.server-timeout=9s",
						"--zeph.pidfile.cluster.heartbeat-interval=750ms"));
		assertThat(context.getBean(ApplicationClusterLock.class).getBackendPid()).isEqualTo(seenFirst.get(0));
		assertThat(sessionsOfAnyLock()).as("sessions of this application").isOne();
	}

	/**
	 * Run, recording the server process of the lock's session as the first listener of the
	 * prepared environment sees it: the session opened as the application started.
	 */
	private ConfigurableApplicationContext runSeeingTheSessionFirst(List<Long> seenFirst, String... args) {
		SpringApplication application = TestGuards.application(EventsConfiguration.class);
		application.addListeners(OrderedEnvironmentListener.first(() -> {
			Polling.await(() -> server.sessionsOf("zeph:orders") == 1, "the lock's session, opened as the application started");
			seenFirst.add((long) server.queryInt("SELECT pid FROM pg_stat_activity WHERE application_name = 'zeph:orders'"));
		}));
		ConfigurableApplicationContext context = application.run(args);
		this.contexts.add(context);
		return context;
	}

	@Test
	void sessionOpenedAsTheApplicationStartsShouldTakeTheLockNamedInTheConfiguration() {
		List<Long> seenFirst = new CopyOnWriteArrayList<>();
		SpringApplication application = TestGuards.application(EventsConfiguration.class);
		// read with the configuration files, after the session was opened under the main class's name
		application.setDefaultProperties(Map.of("zeph.pidfile.cluster.name", "billing"));
		application.addListeners(OrderedEnvironmentListener.first(() -> {
			Polling.await(() -> sessionsOfAnyLock() == 1, "the lock's session, opened as the application started");
			seenFirst.add((long) server.queryInt("SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'zeph:%'"));
			assertThat(server.sessionsOf("zeph:billing")).as("sessions named for the configured lock").isZero();
		}));
		ConfigurableApplicationContext context = application
			.run(Arrays.stream(args()).filter((arg) -> !arg.startsWith("--zeph.pidfile.cluster.name=")).toArray(String[]::new));
		this.contexts.add(context);
		ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
		assertThat(lock.getName()).isEqualTo("billing");
		assertThat(lock.getBackendPid()).isEqualTo(seenFirst.get(0));
		assertThat(sessionsOfAnyLock()).as("sessions of this application").isOne();
		assertThatExceptionOfType(ClusterLockHeldException.class).isThrownBy(() -> ClusterLock
			.acquire(ClusterLockSettings.of("billing", server.url(), PostgresServer.USER, PostgresServer.PASSWORD),
					new ClusterLock.Listener() {
					})
			.close());
	}

	@Test
	void sessionOpenedAsTheApplicationStartsForAnotherDatabaseThanConfiguredShouldEndUnused() throws Exception {
		try (TcpRelay network = new TcpRelay(server.port())) {
			List<Long> seenFirst = new CopyOnWriteArrayList<>();
			SpringApplication application = TestGuards
				.application(EventsConfiguration.class);
			// the lock's own URL, in the configuration files, wins over the command line's datasource
			application.setDefaultProperties(Map.of("zeph.pidfile.cluster.url",
					"jdbc:postgresql://127.0.0.1:" + network.port() + "/postgres"));
			application.addListeners(OrderedEnvironmentListener.first(() -> {
				Polling.await(() -> server.sessionsOf("zeph:orders") == 1, "the session opened from the command line");
				seenFirst.add((long) server.queryInt("SELECT pid FROM pg_stat_activity WHERE application_name = 'zeph:orders'"));
			}));
			ConfigurableApplicationContext context = application.run(args());
			this.contexts.add(context);
			ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
			assertThat(network.accepted()).as("logins through the configured URL").isOne();
			assertThat(lock.getBackendPid()).isNotEqualTo(seenFirst.get(0));
			Polling.await(() -> server.queryInt("SELECT count(*) FROM pg_stat_activity WHERE pid = " + seenFirst.get(0)) == 0,
					"the session opened from the command line to end");
			// before the relay closes: the lock lost with it would end this JVM
			context.close();
		}
	}

	@Test
	void sessionOpenedAsTheApplicationStartsShouldEndWhenTheStartFailsBeforeTheEnvironmentIsPrepared() throws Exception {
		SpringApplication application = TestGuards.application(EventsConfiguration.class);
		String[] args = args("--zeph.pidfile.cluster.name=failed-early");
		ClusterLockConnectionListener listener = new ClusterLockConnectionListener();
		listener.onApplicationEvent(new ApplicationStartingEvent(new DefaultBootstrapContext(), application, args));
		Polling.await(() -> server.sessionsOf("zeph:failed-early") == 1, "the session opened as the application started");
		listener.onApplicationEvent(
				new ApplicationFailedEvent(application, args, null, new IllegalStateException("no environment")));
		Polling.await(() -> server.sessionsOf("zeph:failed-early") == 0, "the session to end with the failed start");
	}

	private static int sessionsOfAnyLock() {
		return server.queryInt("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'zeph:%'");
	}

	@Test
	void startThatFailsBeforeItsRefreshShouldReleaseTheLockAndLeaveNothingHoldingTheContext() throws Exception {
		SpringApplication application = TestGuards.application(EventsConfiguration.class);
		application.addInitializers((ConfigurableApplicationContext context) -> {
			assertThat(context.containsBean(ApplicationClusterLock.BEAN_NAME)).as("the lock taken before").isTrue();
			throw new IllegalStateException("an initializer after the lock's fails");
		});
		List<WeakReference<ConfigurableApplicationContext>> failed = new CopyOnWriteArrayList<>();
		ApplicationListener<ApplicationFailedEvent> recorder = (event) -> failed
			.add(new WeakReference<>(event.getApplicationContext()));
		application.addListeners(recorder);
		assertThatIllegalStateException().isThrownBy(() -> application.run(args()))
			.withMessage("an initializer after the lock's fails");
		assertThat(sessionsOfAnyLock()).as("sessions of the failed start").isZero();
		assertThat(failed).hasSize(1);
		Polling.await(() -> {
			System.gc();
			return failed.get(0).get() == null;
		}, "the failed start's context to be collected: nothing the lock registered may keep it");
	}

	@Test
	void sessionOpenedEarlyShouldEndWhenTheStartFailsBeforeTheInitializers() throws Exception {
		SpringApplication application = TestGuards.application(EventsConfiguration.class);
		StandardEnvironment environment = new StandardEnvironment();
		Map<String, Object> properties = new LinkedHashMap<>();
		// a lease longer than the wait below: the server's idle timeout must not be what ends the session
		for (String arg : args("--zeph.pidfile.cluster.name=refused-early",
				"--zeph.pidfile.cluster.server-timeout=5m")) {
			int equals = arg.indexOf('=');
			properties.put(arg.substring(2, equals), arg.substring(equals + 1));
		}
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		ClusterLockConnectionListener listener = new ClusterLockConnectionListener();
		listener.onApplicationEvent(new ApplicationEnvironmentPreparedEvent(new DefaultBootstrapContext(), application,
				new String[0], environment));
		Polling.await(() -> server.sessionsOf("zeph:refused-early") == 1, "the session opened early");
		// the pid file refused the start, say: no initializer took the session
		listener.onApplicationEvent(
				new ApplicationFailedEvent(application, new String[0], null, new IllegalStateException("refused")));
		Polling.await(() -> server.sessionsOf("zeph:refused-early") == 0, "the session to end with the failed start");
		assertThat(environment).as("kept until here, so that no collector ends the session instead").isNotNull();
	}

	@Test
	void waitModeShouldStartOnceTheHolderStopsAndNeverBothBeActive() throws Exception {
		ConfigurableApplicationContext first = run(args());
		ApplicationClusterLock firstLock = first.getBean(ApplicationClusterLock.class);
		Polling.await(firstLock::isActive, "the first to become active");
		CompletableFuture<ConfigurableApplicationContext> second = CompletableFuture
			.supplyAsync(() -> run(args("--zeph.pidfile.mode=wait")));
		Thread.sleep(500);
		assertThat(second).isNotDone();
		first.close();
		long firstClosed = System.nanoTime();
		ApplicationClusterLock secondLock = second.join().getBean(ApplicationClusterLock.class);
		Events events = second.join().getBean(Events.class);
		Polling.await(() -> !events.activated.isEmpty(), "the second to become active");
		assertThat(events.activatedAt).isGreaterThan(firstClosed);
		assertThat(secondLock.isActive()).isTrue();
	}

	@Test
	void sigtermWhileWaitingForTheClusterLockShouldEndTheProcessHoldingNothing() throws Exception {
		ClusterLockSettings settings = ClusterLockSettings.of("orders", server.url(), PostgresServer.USER,
				PostgresServer.PASSWORD);
		Path pidFile = this.temp.resolve("waiter.pid");
		try (ClusterLock holder = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		}); LoggedProcess waiter = TestApplicationProcess.start(this.temp.resolve("waiter.log"), List.of(),
				args("--zeph.pidfile.path=" + pidFile, "--zeph.pidfile.mode=wait"))) {
			waiter.awaitOutput("Waiting for the cluster lock");
			assertThat(server.sessionsOf("zeph:orders")).as("the holder's session and the waiter's").isEqualTo(2);
			waiter.terminate();
			assertThat(waiter.awaitExit()).isEqualTo(143);
			assertThat(waiter.output()).doesNotContain(PidFileTestApplication.STARTED);
			Polling.await(() -> server.sessionsOf("zeph:orders") == 1, "the waiter's session to end with it");
			assertThat(pidFile).doesNotExist();
			assertThat(holder.isHeld()).isTrue();
		}
	}

	/**
	 * SIGTERM from the moment the lock is taken until the instance is active: the shutdown
	 * lets go of the lock, which is free for the next instance the moment the process is gone,
	 * and nothing reports a loss.
	 */
	@ParameterizedTest
	@ValueSource(ints = { 0, 100, 400, 1000 })
	void terminatedShortlyAfterLockingShouldFreeTheLockAndReportNoLoss(int delayMillis) throws Exception {
		Path pidFile = this.temp.resolve("app.pid");
		try (LoggedProcess application = TestApplicationProcess.start(this.temp.resolve("app.log"), List.of(),
				args("--zeph.pidfile.path=" + pidFile))) {
			application.awaitOutput("Locked cluster lock 'orders'");
			Thread.sleep(delayMillis);
			application.terminate();
			assertThat(application.awaitExit()).as(application.output()).isEqualTo(143);
			assertThat(application.output()).doesNotContain("Lost cluster lock");
			assertThat(pidFile).doesNotExist();
		}
		ClusterLockSettings settings = ClusterLockSettings.of("orders", server.url(), PostgresServer.USER,
				PostgresServer.PASSWORD);
		try (ClusterLock next = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		})) {
			assertThat(next.isHeld()).isTrue();
		}
	}

	@Test
	void terminatedSessionWithKeepRunningShouldPublishTheLossAndReportDownInHealthAndMetrics() throws Exception {
		ConfigurableApplicationContext context = run(args("--zeph.pidfile.on-loss=keep-running"));
		ApplicationClusterLock lock = context.getBean(ApplicationClusterLock.class);
		Events events = context.getBean(Events.class);
		Polling.await(() -> !events.activated.isEmpty(), "active");
		MeterRegistry registry = new SimpleMeterRegistry();
		new ClusterLockMetrics(lock).bindTo(registry);
		assertThat(meter(registry, "zeph.lock.held").gauge().value()).isEqualTo(1);
		assertThat(meter(registry, "zeph.lock.active").gauge().value()).isEqualTo(1);
		assertThat(meter(registry, "zeph.lock.acquisition.time").timeGauge().value()).isPositive();
		assertThat(meter(registry, "zeph.lock.lost").functionCounter().count()).isZero();
		server.terminate(lock.getBackendPid());
		Polling.await(() -> !events.lost.isEmpty(), "a ClusterLockLostEvent");
		assertThat(events.lost.get(0).wasActive()).isTrue();
		assertThat(events.lost.get(0).getReason()).contains("terminating connection");
		assertThat(lock.isActive()).isFalse();
		Health health = TestHealth.of(lock, null);
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsKey("lossReason").containsEntry("active", false);
		assertThat(meter(registry, "zeph.lock.held").gauge().value()).isZero();
		assertThat(meter(registry, "zeph.lock.active").gauge().value()).isZero();
		assertThat(meter(registry, "zeph.lock.lost").functionCounter().count()).isEqualTo(1);
		assertThat(context.isActive()).isTrue();
	}

	@Test
	void lossWithOnLossExitShouldCloseTheApplicationAndExit70() throws Exception {
		// main has returned, as a web application's has: the exit must still be 70, not the JVM's 0
		try (LoggedProcess app = TestApplicationProcess.start(this.temp.resolve("app.log"), List.of(),
				args("--test.main-returns=true"))) {
			app.awaitOutput(PidFileTestApplication.STARTED);
			Polling.await(() -> app.output().contains("Active: this instance holds pid file")
					&& app.output().contains("and cluster lock 'orders'"), "active");
			server.terminate(backendPidOf("orders"));
			assertThat(app.awaitExit()).isEqualTo(ExitOnLockLoss.EXIT_CODE);
			assertThat(app.output()).contains("Lost cluster lock 'orders'").contains("Exiting with 70: lost cluster lock 'orders'");
		}
	}

	@Test
	void lossWhileTheContextRefreshesWithOnLossExitShouldFailTheStartWithExit70() throws Exception {
		Path resume = this.temp.resolve("resume");
		try (LoggedProcess app = TestApplicationProcess.start(this.temp.resolve("app.log"), List.of(),
				args("--test.pause-refresh-until=" + resume))) {
			app.awaitOutput("zeph-test-app refresh paused");
			server.terminate(backendPidOf("orders"));
			Polling.await(() -> app.output().contains("Lost cluster lock 'orders'"), "the loss");
			Files.createFile(resume);
			assertThat(app.awaitExit()).isEqualTo(ExitOnLockLoss.EXIT_CODE);
			assertThat(app.output()).contains("APPLICATION FAILED TO START")
				.contains("Lost cluster lock 'orders' on 127.0.0.1:" + server.port()
						+ "/postgres while the application was starting")
				.doesNotContain("Started PidFileTestApplication")
				.doesNotContain(PidFileTestApplication.STARTED);
		}
	}

	@Test
	void unreachableDatabaseShouldBeRefusedWithExit69() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		assertThatExceptionOfType(ClusterLockStartupException.class)
			.isThrownBy(() -> run(args("--zeph.pidfile.cluster.url=jdbc:postgresql://127.0.0.1:" + port + "/db")))
			.satisfies((ex) -> {
				assertThat(ex.getExitCode()).isEqualTo(ClusterLockStartupException.EX_UNAVAILABLE);
				assertThat(((ClusterLockUnavailableException) ex.getCause()).getReason())
					.isEqualTo(ClusterLockUnavailableException.Reason.UNREACHABLE);
				assertThat(TestAnalyzers.clusterLock(ex).getAction()).contains("zeph.pidfile.mode=wait");
			});
	}

	@Test
	void wrongPasswordShouldBeRefusedWithExit69NamingTheProperties() {
		assertThatExceptionOfType(ClusterLockStartupException.class)
			.isThrownBy(() -> run(args("--zeph.pidfile.cluster.password=wrong")))
			.satisfies((ex) -> {
				assertThat(ex.getExitCode()).isEqualTo(69);
				assertThat(TestAnalyzers.clusterLock(ex).getAction())
					.contains("zeph.pidfile.cluster.password");
			});
	}

	@Test
	void badSettingsShouldFailNamingTheProperty() throws Exception {
		assertRefusedNaming("zeph.pidfile.cluster.url", "--zeph.pidfile.cluster.url=jdbc:sqlserver://127.0.0.1/db");
		assertRefusedNaming("zeph.pidfile.cluster.url", "--zeph.pidfile.cluster.url=jdbc:mysql://a:3306,b:3306/db");
		assertRefusedNaming("zeph.pidfile.cluster.server-timeout", "--zeph.pidfile.cluster.server-timeout=3s")
			.withMessageContaining("heartbeat-interval + heartbeat-timeout + 2s");
		assertRefusedNaming("zeph.pidfile.cluster.takeover-grace", "--zeph.pidfile.cluster.takeover-grace=100ms");
		assertRefusedNaming("zeph.pidfile.cluster.url", "--spring.datasource.url=", "--zeph.pidfile.cluster.url=");
		assertRefusedNaming("zeph.pidfile.cluster.name", "--zeph.pidfile.cluster.name=")
			.withMessageContaining("must not be empty");
		assertRefusedNaming("zeph.pidfile.already-running-exit-code", "--zeph.pidfile.enabled=false",
				"--zeph.pidfile.already-running-exit-code=0");
		assertRefusedNaming("zeph.pidfile.cluster.heartbeat-interval", "--zeph.pidfile.cluster.heartbeat-interval=1")
			.withMessageContaining("write 1s for a second");
		assertRefusedNaming("zeph.pidfile.cluster.server-timeout", "--zeph.pidfile.cluster.server-timeout=30d");
		assertRefusedNaming("spring.datasource.url", "--spring.datasource.url=jdbc:postgres://app:hunter2@db/app?password=s3cret")
			.withMessageNotContaining("hunter2")
			.withMessageNotContaining("s3cret")
			.withMessageContaining("jdbc:postgres://...@db/app?...");
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> run(args("--zeph.pidfile.cluster.heartbeat-timeout=soon")))
			.satisfies((ex) -> assertThat(ex.getProperty().getName()).hasToString("zeph.pidfile.cluster.heartbeat-timeout"));
		Polling.await(() -> sessionsOfAnyLock() == 0, "no session left by the refused starts");
	}

	/** A start with these overrides fails before any lock is taken, naming the property at fault. */
	private ThrowableAssertAlternative<InvalidConfigurationPropertyValueException> assertRefusedNaming(String property,
			String... overrides) {
		return assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> run(args(overrides)))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo(property));
	}

	private static RequiredSearch meter(MeterRegistry registry, String name) {
		return registry.get(name).tag("guard", "cluster").tag("lock", "orders");
	}

	private static long backendPidOf(String name) throws Exception {
		try (Connection admin = server.admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery(
						"SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'zeph:" + name + ":%'")) {
			assertThat(result.next()).as("a session that says it holds '%s'", name).isTrue();
			return result.getLong(1);
		}
	}

	@Configuration(proxyBeanMethods = false)
	@Import(EventsConfiguration.class)
	static class TroubledListenersConfiguration {

		@Bean
		TroubledListeners troubledListeners() {
			return new TroubledListeners();
		}

	}

	/** One listener of the activation that blocks until released, then one that throws. */
	static class TroubledListeners {

		final CountDownLatch release = new CountDownLatch(1);

		volatile long blockedSince;

		volatile long thrownAt;

		@EventListener
		@Order(1)
		void block(ClusterLockActivatedEvent event) throws InterruptedException {
			this.blockedSince = System.nanoTime();
			this.release.await();
		}

		@EventListener
		@Order(2)
		void fail(ClusterLockActivatedEvent event) {
			this.thrownAt = System.nanoTime();
			throw new IllegalStateException("the listener's own failure");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EventsConfiguration {

		@Bean
		Events events() {
			return new Events();
		}

		@Bean
		ConstructedBeans constructedBeans() {
			return new ConstructedBeans();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ActivatedDuringRefreshConfiguration extends EventsConfiguration {

		@Bean
		ActiveDuringRefresh activeDuringRefresh(ApplicationClusterLock lock, Events events) {
			return new ActiveDuringRefresh(lock, events);
		}

	}

	/** Holds the refresh until the takeover grace has passed and the heartbeat thread has had its say. */
	static class ActiveDuringRefresh {

		final int eventsBeforeRefreshEnded;

		ActiveDuringRefresh(ApplicationClusterLock lock, Events events) {
			try {
				Polling.await(lock::isActive, "the lock to become active during the refresh");
				Thread.sleep(500);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.eventsBeforeRefreshEnded = events.activated.size();
		}

	}

	static class Events {

		final List<ClusterLockActivatedEvent> activated = new CopyOnWriteArrayList<>();

		final List<ClusterLockLostEvent> lost = new CopyOnWriteArrayList<>();

		volatile long activatedAt;

		@EventListener
		void onActivated(ClusterLockActivatedEvent event) {
			this.activatedAt = System.nanoTime();
			this.activated.add(event);
		}

		@EventListener
		void onLost(ClusterLockLostEvent event) {
			this.lost.add(event);
		}

	}

	/** Runs a check when the environment is prepared, in the given order among the listeners. */
	private record OrderedEnvironmentListener(int order, Check check)
			implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

		/** Right after the listener that opens the session once the environment is prepared. */
		static OrderedEnvironmentListener afterOpening(Check check) {
			return new OrderedEnvironmentListener(new ClusterLockConnectionListener().getOrder() + 1, check);
		}

		/** Before any other: before the configuration files are read. */
		static OrderedEnvironmentListener first(Check check) {
			return new OrderedEnvironmentListener(Ordered.HIGHEST_PRECEDENCE, check);
		}

		@Override
		public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
			try {
				this.check.run();
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		}

		@Override
		public int getOrder() {
			return this.order;
		}

	}

	@FunctionalInterface
	private interface Check {

		void run() throws Exception;

	}

	/** Counts its construction: a refused start must construct none. */
	static class ConstructedBeans {

		static volatile int count;

		ConstructedBeans() {
			count++;
		}

	}

}
