package dev.zeph.pidfile.autoconfigure;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.zeph.pidfile.AlreadyRunningException;
import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileException;
import dev.zeph.pidfile.UnsupportedPlatformException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.aot.AbstractAotProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * Takes the pid-file lock before the context is refreshed, so that a second instance stops
 * before any bean exists: before it binds a port, opens a connection pool or fires a job.
 * <p>
 * The lock is registered from here as a disposable singleton: disposable beans are destroyed
 * in reverse order of registration, so it is destroyed after every other bean and their
 * {@code @PreDestroy} methods still run while this instance holds the lock. A startup that
 * fails before refresh never destroys its beans, so an {@link ApplicationFailedEvent} listener
 * releases the lock then. A signal can come before Spring Boot registers the context with its
 * shutdown hook, so the release is also one of Boot's shutdown handlers from before the lock
 * is taken.
 * <p>
 * Inactive when {@code zeph.pidfile.enabled=false} or in a test context (see
 * {@link PidFileActivation}; nothing native is loaded then), during AOT processing (the build
 * is not the application), and in a child context (the root context of the hierarchy holds the
 * lock for the process).
 */
class PidFileApplicationContextInitializer
		implements ApplicationContextInitializer<ConfigurableApplicationContext>, Ordered {

	/**
	 * Early, so that the lock is the first disposable bean; after Boot's initializer that sets
	 * a child context's parent, so that a child context can be recognized.
	 */
	static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	private static final String PREFIX = "zeph.pidfile";

	private static final String SPRING_PID_FILE_PROPERTY = "spring.pid.file";

	private static final Log logger = LogFactory.getLog(PidFileApplicationContextInitializer.class);

	/** How soon wait mode tries again a pid file it cannot wait on in the kernel. */
	private static final Duration WAIT_RETRY_INTERVAL = Duration.ofMillis(100);

	/**
	 * How often wait mode tries again while it waits in the kernel: the path may have come to
	 * name another file than the one it waits on, which only a new try sees.
	 */
	private static final Duration WAIT_RECHECK_INTERVAL = Duration.ofSeconds(5);

	/** The daemon thread that waits in the kernel for the holder to let go. */
	static final String WAIT_THREAD_NAME = "zeph-pidfile-wait";

	/** How often wait mode says again who it is waiting for. */
	private static final Duration WAIT_LOG_INTERVAL = Duration.ofMinutes(1);

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		if (Boolean.getBoolean(AbstractAotProcessor.AOT_PROCESSING) || context.getParent() != null) {
			return;
		}
		Environment environment = context.getEnvironment();
		PidFileActivation activation = PidFileActivation.of(environment);
		if (!activation.isOn()) {
			if (activation == PidFileActivation.OFF_IN_TEST) {
				logger.debug("Taking no pid-file lock in a test context; set " + PidFileActivation.ENABLED_PROPERTY
						+ "=true to take one");
			}
			return;
		}
		PidFileProperties properties = Binder.get(environment)
			.bind(PREFIX, PidFileProperties.class)
			.orElseGet(PidFileProperties::new);
		PidFileSettings settings = PidFileSettings.of(properties, environment,
				activation == PidFileActivation.ON_IN_TEST);
		checkNoSpringPidFileConflict(settings.path(), environment);
		ReleaseOnShutdown releaseOnShutdown = ReleaseOnShutdown.register();
		ApplicationPidFile pidFile;
		try {
			pidFile = settings.waits() ? await(settings, releaseOnShutdown)
					: releaseOnShutdown.acquire(() -> acquire(settings));
		}
		catch (RuntimeException ex) {
			releaseOnShutdown.unregister();
			throw ex;
		}
		if (pidFile == null) {
			releaseOnShutdown.unregister();
			return;
		}
		register(context, pidFile, settings, releaseOnShutdown);
		ExitOnLockLoss.register(context, properties.getOnLoss());
	}

	private void checkNoSpringPidFileConflict(Path path, Environment environment) {
		String springPidFile = environment.getProperty(SPRING_PID_FILE_PROPERTY);
		if (StringUtils.hasText(springPidFile) && isSameFile(springPidFile, path)) {
			throw new PidFilePathConflictException(path, springPidFile);
		}
	}

	private static boolean isSameFile(String springPidFile, Path path) {
		try {
			return Path.of(springPidFile).toAbsolutePath().normalize().equals(path.normalize());
		}
		catch (InvalidPathException ex) {
			// not a path at all, so not ours: Boot's writer reports its own property
			return false;
		}
	}

	/**
	 * Wait mode: try the lock; while another process holds it, block in the kernel until it
	 * lets go, as {@code flock -w} waits, and try again, until the lock is ours or the wait
	 * timeout passes, then refuse as in refuse mode. The blocking wait runs on a daemon thread
	 * of its own, outside the shutdown handler's monitor, so that a signal while waiting ends
	 * the process at once, holding nothing; each try holds the monitor only for itself.
	 */
	private @Nullable ApplicationPidFile await(PidFileSettings settings, ReleaseOnShutdown releaseOnShutdown) {
		long start = System.nanoTime();
		long lastLog = 0;
		OptionalLong lastHolder = null;
		@Nullable CompletableFuture<Void> release = null;
		while (true) {
			try {
				return releaseOnShutdown.acquire(() -> acquire(settings));
			}
			catch (PidFileStartupException ex) {
				if (!(ex.getCause() instanceof AlreadyRunningException held)) {
					throw ex;
				}
				long now = System.nanoTime();
				long left = settings.waitTimeout().isZero() ? Long.MAX_VALUE
						: start + settings.waitTimeout().toNanos() - now;
				if (left <= 0) {
					throw ex;
				}
				if (!held.getHolderPid().equals(lastHolder) || now - lastLog >= WAIT_LOG_INTERVAL.toNanos()) {
					logger.info("Waiting for pid file " + settings.path() + ": " + ex.getMessage());
					lastHolder = held.getHolderPid();
					lastLog = now;
				}
				if (release == null || release.isDone()) {
					release = awaitRelease(settings.path());
				}
				awaitAtMost(release, Math.min(left, WAIT_RECHECK_INTERVAL.toNanos()), settings.path());
			}
		}
	}

	/** Wait for the holder to let go, on a thread that is abandoned if the wait ends first. */
	private static CompletableFuture<Void> awaitRelease(Path path) {
		CompletableFuture<Void> release = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				PidFile.awaitRelease(path);
				release.complete(null);
			}
			catch (Throwable ex) {
				release.completeExceptionally(ex);
			}
		}, WAIT_THREAD_NAME);
		thread.setDaemon(true);
		thread.start();
		return release;
	}

	/**
	 * Wait for the release, at most the given time: past it, the caller tries again anyway,
	 * in case the path now names another file than the one waited on. A file that cannot be
	 * waited on (one this user may not open) is tried again after a short pause instead.
	 */
	private static void awaitAtMost(CompletableFuture<Void> release, long nanos, Path path) {
		try {
			release.get(nanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			// try again: the wait timeout, a log line, or another file at the path
		}
		catch (ExecutionException ex) {
			logger.debug("Cannot wait on pid file " + path + " in the kernel; trying again shortly", ex.getCause());
			sleep(WAIT_RETRY_INTERVAL, path);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for pid file " + path, ex);
		}
	}

	private static void sleep(Duration duration, Path path) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for pid file " + path, ex);
		}
	}

	private @Nullable ApplicationPidFile acquire(PidFileSettings settings) {
		try {
			return ApplicationPidFile.acquire(settings.path());
		}
		catch (UnsupportedPlatformException ex) {
			if (settings.explicitPath()) {
				throw PidFileStartupException.of(ex, settings.alreadyRunningExitCode());
			}
			logger.warn("Starting without a pid file: " + ex.getMessage() + ". Set " + PidFileSettings.PATH_PROPERTY
					+ " to make this an error, or " + PREFIX + ".enabled=false to silence this warning");
			return null;
		}
		catch (PidFileException ex) {
			throw PidFileStartupException.of(ex, settings.alreadyRunningExitCode());
		}
	}

	private void register(ConfigurableApplicationContext context, ApplicationPidFile pidFile,
			PidFileSettings settings, ReleaseOnShutdown releaseOnShutdown) {
		context.addApplicationListener(new ReleaseOnStartupFailure(context, releaseOnShutdown));
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (!(beanFactory instanceof DefaultSingletonBeanRegistry registry)) {
			releaseOnShutdown.releaseNow();
			throw new IllegalStateException("Cannot register pid file " + pidFile.getPath()
					+ " for destruction: unexpected bean factory " + beanFactory.getClass().getName());
		}
		beanFactory.registerSingleton(ApplicationPidFile.BEAN_NAME, pidFile);
		registry.registerDisposableBean(ApplicationPidFile.BEAN_NAME, releaseOnShutdown::releaseNow);
		if (settings.watchdogEnabled()) {
			PidFileWatchdog watchdog = new PidFileWatchdog(pidFile, settings.checkInterval(), context);
			beanFactory.registerSingleton(PidFileWatchdog.BEAN_NAME, watchdog);
			registry.registerDisposableBean(PidFileWatchdog.BEAN_NAME, watchdog::stop);
		}
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Releases the lock when the startup of its context fails: a failure before refresh
	 * leaves the context inactive, and closing an inactive context destroys no beans.
	 */
	private static final class ReleaseOnStartupFailure implements ApplicationListener<ApplicationFailedEvent> {

		private final ConfigurableApplicationContext context;

		private final ReleaseOnShutdown releaseOnShutdown;

		ReleaseOnStartupFailure(ConfigurableApplicationContext context, ReleaseOnShutdown releaseOnShutdown) {
			this.context = context;
			this.releaseOnShutdown = releaseOnShutdown;
		}

		@Override
		public void onApplicationEvent(ApplicationFailedEvent event) {
			// a failed child context's event reaches its parent's listeners too
			if (event.getApplicationContext() == this.context) {
				this.releaseOnShutdown.releaseNow();
			}
		}

	}

	/**
	 * Releases the lock as one of Spring Boot's shutdown handlers, which run when the JVM
	 * shuts down, after Boot has closed the application contexts: a normal close still
	 * releases the lock last, after every {@code @PreDestroy}, and a signal that comes before
	 * the context is registered with Boot's shutdown hook releases it too. It is registered
	 * before the lock is taken and taking the lock holds its monitor, so that no signal falls
	 * between the two: a handler that runs meanwhile waits for the lock and releases it, and
	 * once it has run nothing is locked any more.
	 */
	private static final class ReleaseOnShutdown implements Runnable {

		private @Nullable ApplicationPidFile pidFile;

		private boolean shutDown;

		private ReleaseOnShutdown() {
		}

		static ReleaseOnShutdown register() {
			ReleaseOnShutdown releaseOnShutdown = new ReleaseOnShutdown();
			SpringApplication.getShutdownHandlers().add(releaseOnShutdown);
			return releaseOnShutdown;
		}

		synchronized @Nullable ApplicationPidFile acquire(Supplier<@Nullable ApplicationPidFile> acquisition) {
			Assert.state(!this.shutDown, "The JVM is shutting down: the pid file was not locked");
			this.pidFile = acquisition.get();
			return this.pidFile;
		}

		@Override
		public synchronized void run() {
			this.shutDown = true;
			if (this.pidFile != null) {
				this.pidFile.release();
			}
		}

		/**
		 * Release now, as the context is destroyed or failed to start, and leave Boot's
		 * shutdown handlers, which would otherwise keep the released pid file reachable.
		 */
		void releaseNow() {
			run();
			unregister();
		}

		void unregister() {
			try {
				SpringApplication.getShutdownHandlers().remove(this);
			}
			catch (IllegalStateException ex) {
				// the shutdown hook is running: it runs this handler once more, which releases nothing twice
			}
		}

	}

}
