package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.autoconfigure.health.TestHealth;
import dev.zeph.pidfile.testsupport.Flock;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the watchdog as an application runs it: on its own thread, every
 * {@code zeph.pidfile.check-interval}.
 */
class PidFileWatchdogIntegrationTests {

	private static final long PID = ProcessHandle.current().pid();

	@TempDir
	Path temp;

	private final Set<Thread> otherWatchdogs = watchdogThreads().collect(Collectors.toSet());

	private ConfigurableApplicationContext context;

	private Process holder;

	@AfterEach
	void close() {
		if (this.holder != null) {
			Flock.release(this.holder);
		}
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void runShouldStartANamedDaemonWatchdogThatStopsWithTheContext() throws Exception {
		run("--zeph.pidfile.check-interval=1h");
		Thread thread = watchdogThread().orElseThrow(() -> new AssertionError("no watchdog thread"));
		assertThat(thread.isDaemon()).isTrue();
		this.context.close();
		Polling.await(() -> !thread.isAlive(), "the watchdog thread to end");
		assertThat(watchdogThread()).isEmpty();
	}

	@Test
	void runWithCheckIntervalZeroShouldNotStartAWatchdog() {
		run("--zeph.pidfile.check-interval=0");
		assertThat(this.context.containsBean(PidFileWatchdog.BEAN_NAME)).isFalse();
		assertThat(watchdogThread()).isEmpty();
	}

	@Test
	void runWhenTheFileIsDeletedShouldCreateItAgainOnTheNextCheck() throws Exception {
		Path path = run("--zeph.pidfile.check-interval=20ms");
		ApplicationPidFile pidFile = this.context.getBean(ApplicationPidFile.class);
		Files.delete(path);
		Polling.await(() -> pidFile.getOwnership() == PidFile.Ownership.OWNED, "the watchdog to lock the path again");
		assertThat(path).hasContent(PID + "\n");
		assertThat(this.context.getBean(LockLostEvents.class).events).isEmpty();
	}

	@Test
	void runWhenAnotherProcessTakesThePathShouldPublishPidFileLockLostEventAndReportDown() throws Exception {
		Path path = run("--zeph.pidfile.check-interval=20ms", "--zeph.pidfile.on-loss=keep-running");
		Path other = this.temp.resolve("other.pid");
		this.holder = Flock.hold(other);
		Files.move(other, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		List<PidFileLockLostEvent> events = this.context.getBean(LockLostEvents.class).events;
		Polling.await(() -> !events.isEmpty(), "a PidFileLockLostEvent");
		assertThat(events.get(0).getHolderPid()).hasValue(this.holder.pid());
		Health health = TestHealth.of(this.context.getBean(ApplicationPidFile.class));
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("holder", "PID " + this.holder.pid());
	}

	private Path run(String... args) {
		Path path = this.temp.resolve("app.pid");
		String[] allArgs = new String[args.length + 1];
		allArgs[0] = "--zeph.pidfile.path=" + path;
		System.arraycopy(args, 0, allArgs, 1, args.length);
		this.context = PidFileApplicationContextInitializerTests.application(LockLostEventsConfiguration.class)
			.run(allArgs);
		return path;
	}

	/**
	 * The watchdog thread of this test's context: contexts that other test classes cached in
	 * this JVM may run watchdogs of their own.
	 */
	private Optional<Thread> watchdogThread() {
		return watchdogThreads().filter((thread) -> !this.otherWatchdogs.contains(thread)).findFirst();
	}

	private static Stream<Thread> watchdogThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.getName().equals(PidFileWatchdog.THREAD_NAME) && thread.isAlive());
	}

	@Configuration(proxyBeanMethods = false)
	static class LockLostEventsConfiguration {

		@Bean
		LockLostEvents lockLostEvents() {
			return new LockLostEvents();
		}

	}

	static class LockLostEvents implements ApplicationListener<PidFileLockLostEvent> {

		final List<PidFileLockLostEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(PidFileLockLostEvent event) {
			this.events.add(event);
		}

	}

}
