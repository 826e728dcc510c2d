package dev.zeph.pidfile.autoconfigure;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;

import dev.zeph.pidfile.AlreadyRunningException;
import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileException;
import dev.zeph.pidfile.UnsupportedPlatformException;
import dev.zeph.pidfile.standby.ActiveInstance;
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
		GuardMode mode = settings.mode();
		ActiveInstance instance = ActiveInstance.register(context, mode.standby(), mode.awaitsAgainOnLoss());
		ReleaseOnShutdown releaseOnShutdown = ReleaseOnShutdown.register();
		ApplicationPidFile pidFile;
		AlreadyRunningException holder = null;
		try {
			if (mode.waits()) {
				pidFile = new PidFileWaiter(settings.path())
					.await(() -> releaseOnShutdown.acquire(() -> acquire(settings)), mode.waitTimeout());
			}
			else {
				try {
					pidFile = releaseOnShutdown.acquire(() -> acquire(settings));
				}
				catch (PidFileStartupException ex) {
					if (!mode.standby() || !(ex.getCause() instanceof AlreadyRunningException held)) {
						throw ex;
					}
					// every instance starts in standby mode: this one waits for the file in the background
					holder = held;
					pidFile = releaseOnShutdown.acquire(() -> ApplicationPidFile.standingBy(settings.path()));
				}
			}
		}
		catch (RuntimeException ex) {
			releaseOnShutdown.unregister();
			throw ex;
		}
		catch (InterruptedException ex) {
			releaseOnShutdown.unregister();
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for pid file " + settings.path(), ex);
		}
		if (pidFile == null) {
			releaseOnShutdown.unregister();
			return;
		}
		ApplicationPidFile bean = pidFile;
		PidFileGuard guard = new PidFileGuard(bean, settings, instance,
				() -> releaseOnShutdown.adopt(bean, () -> take(settings)));
		register(context, pidFile, settings, releaseOnShutdown, guard);
		if (!mode.awaitsAgainOnLoss()) {
			ExitOnLockLoss.register(context, mode.onLoss());
		}
		guard.start(holder);
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

	private @Nullable ApplicationPidFile acquire(PidFileSettings settings) {
		try {
			return ApplicationPidFile.acquire(settings.path());
		}
		catch (UnsupportedPlatformException ex) {
			if (settings.explicitPath()) {
				throw PidFileStartupException.of(ex, settings.mode().alreadyRunningExitCode());
			}
			logger.warn("Starting without a pid file: " + ex.getMessage() + ". Set " + PidFileSettings.PATH_PROPERTY
					+ " to make this an error, or " + PREFIX + ".enabled=false to silence this warning");
			return null;
		}
		catch (PidFileException ex) {
			throw PidFileStartupException.of(ex, settings.mode().alreadyRunningExitCode());
		}
	}

	/** One try of a standby: the lock, or why not. */
	private static PidFile take(PidFileSettings settings) {
		try {
			return PidFile.acquire(settings.path());
		}
		catch (PidFileException ex) {
			throw PidFileStartupException.of(ex, settings.mode().alreadyRunningExitCode());
		}
	}

	private void register(ConfigurableApplicationContext context, ApplicationPidFile pidFile,
			PidFileSettings settings, ReleaseOnShutdown releaseOnShutdown, PidFileGuard guard) {
		Runnable release = () -> {
			guard.close();
			releaseOnShutdown.releaseNow();
		};
		context.addApplicationListener(new ReleaseOnStartupFailure(context, release));
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (!(beanFactory instanceof DefaultSingletonBeanRegistry registry)) {
			release.run();
			throw new IllegalStateException("Cannot register pid file " + pidFile.getPath()
					+ " for destruction: unexpected bean factory " + beanFactory.getClass().getName());
		}
		beanFactory.registerSingleton(ApplicationPidFile.BEAN_NAME, pidFile);
		registry.registerDisposableBean(ApplicationPidFile.BEAN_NAME, release::run);
		if (settings.watchdogEnabled()) {
			PidFileWatchdog watchdog = new PidFileWatchdog(pidFile, settings.checkInterval(), guard);
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

		private final Runnable release;

		ReleaseOnStartupFailure(ConfigurableApplicationContext context, Runnable release) {
			this.context = context;
			this.release = release;
		}

		@Override
		public void onApplicationEvent(ApplicationFailedEvent event) {
			// a failed child context's event reaches its parent's listeners too
			if (event.getApplicationContext() == this.context) {
				this.release.run();
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

		/**
		 * A standby's try: the lock, taken and held by the pid file bean under this monitor,
		 * so that a shutdown either releases it or comes first and leaves nothing taken.
		 */
		synchronized PidFile adopt(ApplicationPidFile pidFile, Supplier<PidFile> attempt) {
			Assert.state(!this.shutDown, "The JVM is shutting down: the pid file was not locked");
			PidFile taken = attempt.get();
			Assert.state(pidFile.adopt(taken), "The context is closed: the pid file was let go");
			return taken;
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
