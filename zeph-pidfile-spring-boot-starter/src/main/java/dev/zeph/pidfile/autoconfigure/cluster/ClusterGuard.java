package dev.zeph.pidfile.autoconfigure;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.cluster.ClusterLockConnection;
import dev.zeph.pidfile.cluster.ClusterLockException;
import dev.zeph.pidfile.cluster.ClusterLockHolder;
import dev.zeph.pidfile.cluster.ClusterLockSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.StringUtils;

/**
 * Takes the cluster lock for an application context and ties it to the context: a bean for
 * work to check, release when the context closes or fails to start and when the JVM shuts
 * down, events on both edges of activity, and on a loss the configured action. Only this class
 * and the beans it registers refer to the cluster module, so that the starter runs without it.
 */
final class ClusterGuard {

	private static final String PREFIX = "zeph.pidfile.cluster.";

	/** Spring Framework's property that ends a run once the context is refreshed. */
	private static final String EXIT_PROPERTY = "spring.context.exit";

	private static final Duration WAIT_LOG_INTERVAL = Duration.ofMinutes(1);

	private static final Log logger = LogFactory.getLog(ClusterGuard.class);

	/** Sessions opened as soon as an environment was prepared, until an initializer takes them. */
	private static final Map<Environment, ClusterLockConnection> EARLY = Collections
		.synchronizedMap(new WeakHashMap<>());

	private final ConfigurableApplicationContext context;

	private final PidFileProperties.OnLoss onLoss;

	private volatile @Nullable ApplicationClusterLock lock;

	/** Whether the context has been refreshed: only then are events published to it. */
	private boolean refreshed;

	/** An edge that came before the refresh ended, published when it ends. */
	private @Nullable Edge pending;

	/** Why the lock was lost before the refresh ended, with on-loss=exit: the start then fails. */
	private @Nullable String lostWhileStarting;

	/**
	 * Publishes the edges, one at a time and in the order they came, off the lock's own
	 * thread: the application's listeners run there, and one that throws or blocks must not
	 * cost the heartbeat.
	 */
	private final ExecutorService publisher = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "zeph-cluster-lock-events");
		thread.setDaemon(true);
		return thread;
	});

	/** Releases the lock if the JVM ends with the context open; left once the lock is released. */
	private final Runnable releaseOnShutdown = () -> close(this.lock);

	private ClusterGuard(ConfigurableApplicationContext context, PidFileProperties.OnLoss onLoss) {
		this.context = context;
		this.onLoss = onLoss;
	}

	/**
	 * Take the lock as the mode says, and register it with the context.
	 */
	static void start(ConfigurableApplicationContext context, ClusterLockProperties properties,
			PidFileProperties pidFileProperties) {
		ClusterLockSettings settings = settings(properties, context.getEnvironment());
		ClusterGuard guard = new ClusterGuard(context, pidFileProperties.getOnLoss());
		ClusterLock lock;
		long start = System.nanoTime();
		// none opened early, or a property changed since: open one now
		ClusterLockConnection connection = reuseOrOpen(EARLY.remove(context.getEnvironment()), settings);
		try {
			lock = (pidFileProperties.getMode() == PidFileProperties.Mode.WAIT)
					? ClusterLock.await(connection, pidFileProperties.getWaitTimeout(), guard.listener())
					: ClusterLock.acquire(connection, guard.listener());
		}
		catch (ClusterLockException ex) {
			throw new ClusterLockStartupException(ex, pidFileProperties.getAlreadyRunningExitCode());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for cluster lock '" + settings.name() + "'", ex);
		}
		ApplicationClusterLock applicationLock = new ApplicationClusterLock(lock, settings.name(),
				Duration.ofNanos(System.nanoTime() - start));
		guard.lock = applicationLock;
		try {
			guard.register(applicationLock);
			ExitOnLockLoss.register(context, pidFileProperties.getOnLoss());
		}
		catch (RuntimeException | Error ex) {
			// nothing would ever release it: a shutdown already under way, a bean of the same name
			guard.close(applicationLock);
			throw ex;
		}
		logger.info("Locked cluster lock '" + settings.name() + "' on " + lock.getDatabase() + " (key " + lock.getKey()
				+ ") as " + lock.getIdentity() + ", backend PID " + lock.getBackendPid()
				+ "; active after a takeover grace of " + settings.takeoverGrace().toMillis() + " ms");
		if (isTrainingRun()) {
			logger.info("Released cluster lock '" + settings.name() + "' at once: this run ends at the refresh ("
					+ EXIT_PROPERTY + "=onRefresh, a CDS or AOT cache training run) and is never active");
			guard.close(applicationLock);
		}
	}

	/**
	 * Whether this run halts the JVM once the context is refreshed, as training runs for a
	 * CDS archive or an AOT cache do. The halt runs no shutdown hook, and writing the archive
	 * keeps the heartbeat from running for seconds: a lock held into it would be reported lost,
	 * and the exit that follows would cut the archive short.
	 */
	private static boolean isTrainingRun() {
		return "onRefresh".equalsIgnoreCase(SpringProperties.getProperty(EXIT_PROPERTY));
	}

	/**
	 * Start opening the session as the application starts, from what the command line, the
	 * system properties and the environment say, before the configuration files are read:
	 * where they name the database, a session is opening once this returns; where they do not,
	 * the driver's classes are loading.
	 * @param args the application's arguments
	 * @return the session, still opening, or {@code null} when the database is not known yet
	 */
	static @Nullable AutoCloseable connectStarting(String[] args) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
		ConfigurationPropertySources.attach(environment);
		try {
			return ClusterLockConnection.open(settings(read(environment), environment));
		}
		catch (RuntimeException ex) {
			// named in the configuration files, or invalid: known once the environment is prepared
			ClusterLockConnection.loadAhead();
			return null;
		}
	}

	/**
	 * Start opening the session for the lock of this environment, without taking it, or keep
	 * the one opened as the application started where it can serve that lock.
	 * @param environment the prepared environment
	 * @param starting the session opened as the application started, or {@code null}
	 * @return whether a session is opening: not when the settings are invalid, which the
	 * initializer then reports
	 */
	static boolean connectEarly(ConfigurableEnvironment environment, @Nullable AutoCloseable starting) {
		ClusterLockSettings settings;
		try {
			settings = settings(bind(environment), environment);
		}
		catch (RuntimeException ex) {
			close(starting);
			return false;
		}
		// none opened at once, or the configuration files point the lock elsewhere: open one now
		ClusterLockConnection connection = reuseOrOpen(starting, settings);
		ClusterLockConnection previous = EARLY.put(environment, connection);
		if (previous != null && previous != connection) {
			previous.close();
		}
		return true;
	}

	/**
	 * End the session opened early for this environment, unless the lock was taken on it.
	 */
	static void closeEarly(ConfigurableEnvironment environment) {
		ClusterLockConnection connection = EARLY.remove(environment);
		if (connection != null) {
			connection.close();
		}
	}

	/**
	 * End a session opened as the application started, unless the lock was taken on it.
	 */
	static void close(@Nullable AutoCloseable starting) {
		if (starting instanceof ClusterLockConnection connection) {
			connection.close();
		}
	}

	/**
	 * The given session where it can serve the lock of these settings, else a new one, the
	 * given one closed.
	 */
	private static ClusterLockConnection reuseOrOpen(@Nullable AutoCloseable opened, ClusterLockSettings settings) {
		if (opened instanceof ClusterLockConnection connection && connection.reuseFor(settings)) {
			return connection;
		}
		close(opened);
		return ClusterLockConnection.open(settings);
	}

	/**
	 * The lock's properties read one by one, under the binder's relaxed names, for a session
	 * opened before the configuration files are read: a guess that the binding of the prepared
	 * environment confirms or replaces, cheaper than binding on a JVM this cold.
	 * @throws RuntimeException when a value does not parse as the binder would parse it
	 */
	private static ClusterLockProperties read(Environment environment) {
		ClusterLockProperties properties = new ClusterLockProperties();
		properties.setName(environment.getProperty(PREFIX + "name"));
		properties.setUrl(environment.getProperty(PREFIX + "url"));
		properties.setUsername(environment.getProperty(PREFIX + "username"));
		properties.setPassword(environment.getProperty(PREFIX + "password"));
		properties.setServerTimeout(duration(environment, "server-timeout", properties.getServerTimeout()));
		properties.setHeartbeatInterval(duration(environment, "heartbeat-interval", properties.getHeartbeatInterval()));
		properties.setHeartbeatTimeout(duration(environment, "heartbeat-timeout", properties.getHeartbeatTimeout()));
		String takeoverGrace = environment.getProperty(PREFIX + "takeover-grace");
		if (StringUtils.hasText(takeoverGrace)) {
			properties.setTakeoverGrace(DurationStyle.detectAndParse(takeoverGrace));
		}
		properties.setAcquireInterval(duration(environment, "acquire-interval", properties.getAcquireInterval()));
		properties.setAllowOldServer("true".equalsIgnoreCase(environment.getProperty(PREFIX + "allow-old-server")));
		return properties;
	}

	private static Duration duration(Environment environment, String property, Duration unset) {
		String value = environment.getProperty(PREFIX + property);
		return StringUtils.hasText(value) ? DurationStyle.detectAndParse(value) : unset;
	}

	private static ClusterLockProperties bind(Environment environment) {
		return Binder.get(environment)
			.bind("zeph.pidfile.cluster", ClusterLockProperties.class)
			.orElseGet(ClusterLockProperties::new);
	}

	private static ClusterLockSettings settings(ClusterLockProperties properties, Environment environment) {
		// the name as given, in any language: a file name's sanitizing would make unrelated names one
		String name = (properties.getName() != null) ? properties.getName()
				: DefaultPidFilePath.applicationName(environment).orElse(null);
		if (name == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "name", null,
					"Set it, or spring.application.name: no main method is starting the application to name the"
							+ " lock after, and one name for unrelated applications would make them exclude each other.");
		}
		String url = firstText(properties.getUrl(), environment.getProperty("spring.datasource.url"));
		if (url == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "url", null,
					"Set it, or spring.datasource.url, to the PostgreSQL database that holds the lock.");
		}
		String username = firstText(properties.getUsername(), environment.getProperty("spring.datasource.username"));
		String password = firstText(properties.getPassword(), environment.getProperty("spring.datasource.password"));
		Duration grace = (properties.getTakeoverGrace() != null) ? properties.getTakeoverGrace()
				: properties.getHeartbeatInterval().plus(properties.getHeartbeatTimeout());
		try {
			return new ClusterLockSettings(name, url, username, password, properties.getServerTimeout(),
					properties.getHeartbeatInterval(), properties.getHeartbeatTimeout(), grace,
					properties.getAcquireInterval(), properties.isAllowOldServer());
		}
		catch (IllegalArgumentException ex) {
			// the settings name the one at fault first: "server-timeout: ..."
			String message = String.valueOf(ex.getMessage());
			int colon = message.indexOf(':');
			String setting = (colon > 0) ? message.substring(0, colon) : "";
			Object value = switch (setting) {
				case "name" -> name;
				// a password may be in it
				case "url" -> ClusterLockSettings.withoutSecrets(url);
				case "server-timeout" -> properties.getServerTimeout();
				case "heartbeat-interval" -> properties.getHeartbeatInterval();
				case "heartbeat-timeout" -> properties.getHeartbeatTimeout();
				case "takeover-grace" -> grace;
				default -> properties.getAcquireInterval();
			};
			// the property the value came from, which the operator set
			String property = (setting.equals("url") && !StringUtils.hasText(properties.getUrl()))
					? "spring.datasource.url" : PREFIX + setting;
			throw new InvalidConfigurationPropertyValueException(property, value, message.substring(colon + 1).trim());
		}
	}

	private static @Nullable String firstText(@Nullable String first, @Nullable String second) {
		return StringUtils.hasText(first) ? first : StringUtils.hasText(second) ? second : null;
	}

	private void register(ApplicationClusterLock lock) {
		SpringApplication.getShutdownHandlers().add(this.releaseOnShutdown);
		// typed by instanceof: Spring cannot read a lambda's event type, and would hand it every
		// event (one per HTTP request) to fail a cast
		this.context.addApplicationListener((ApplicationEvent event) -> {
			if (event instanceof ApplicationFailedEvent failed && failed.getApplicationContext() == this.context) {
				close(lock);
			}
			else if (event instanceof ContextRefreshedEvent refreshed && refreshed.getApplicationContext() == this.context) {
				publishPending();
			}
		});
		ConfigurableListableBeanFactory beanFactory = this.context.getBeanFactory();
		beanFactory.registerSingleton(ApplicationClusterLock.BEAN_NAME, lock);
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean(ApplicationClusterLock.BEAN_NAME, () -> close(lock));
		}
	}

	/**
	 * Release the lock, let the edges already queued be published and the publisher end, and
	 * leave Boot's shutdown handlers: kept there after a start that failed before its refresh,
	 * the handler would keep this context reachable for the JVM's life (a test suite, devtools'
	 * restarts).
	 */
	private void close(@Nullable ApplicationClusterLock lock) {
		if (lock != null) {
			lock.close();
		}
		this.publisher.shutdown();
		try {
			SpringApplication.getShutdownHandlers().remove(this.releaseOnShutdown);
		}
		catch (IllegalStateException ex) {
			// the shutdown hook is running, and releases the lock itself
		}
	}

	private ClusterLock.Listener listener() {
		return new ClusterLock.Listener() {

			private @Nullable ClusterLockHolder lastHolder;

			private long lastLog;

			/** Once per holder, and again every minute while the same one holds it. */
			@Override
			public void waiting(ClusterLockHolder holder, String message) {
				this.lastUnreachableLog = 0;
				long now = System.nanoTime();
				if (!holder.equals(this.lastHolder) || now - this.lastLog >= WAIT_LOG_INTERVAL.toNanos()) {
					logger.info("Waiting for the cluster lock: " + message);
					this.lastHolder = holder;
					this.lastLog = now;
				}
			}

			private long lastUnreachableLog;

			/** On the first failed attempt after a good one, and again every minute. */
			@Override
			public void unreachable(String message) {
				long now = System.nanoTime();
				if (this.lastUnreachableLog == 0 || now - this.lastUnreachableLog >= WAIT_LOG_INTERVAL.toNanos()) {
					logger.warn("Waiting for the cluster lock, reconnecting: " + message);
					this.lastUnreachableLog = now;
				}
			}

			@Override
			public void slowHeartbeat(ClusterLock lock, Duration took) {
				logger.warn("Slow heartbeat of cluster lock '" + lock.getSettings().name() + "' on " + lock.getDatabase()
						+ ": " + took.toMillis() + " ms of a " + lock.getSettings().heartbeatTimeout().toMillis()
						+ " ms timeout");
			}

			@Override
			public void activated(ClusterLock lock) {
				logger.info("Active: this instance holds cluster lock '" + lock.getSettings().name() + "' on "
						+ lock.getDatabase());
				publish(true, null, true);
			}

			@Override
			public void lost(ClusterLock lock, String reason, boolean wasActive) {
				logger.error("Lost cluster lock '" + lock.getSettings().name() + "' on " + lock.getDatabase() + ": "
						+ reason + ". This instance is no longer active; another may become active");
				publish(false, reason, wasActive);
			}

		};
	}

	/**
	 * Publish an edge, or keep it for the end of the refresh: an event published while the
	 * context refreshes would create its listener beans on this thread, beside the main
	 * thread that is creating the others. A loss before then, with on-loss=exit, fails the
	 * start once the refresh ends, so that the application never becomes ready and runs no
	 * runner; closing it from here would race the main thread's refresh.
	 */
	private void publish(boolean activated, @Nullable String reason, boolean wasActive) {
		Edge edge = new Edge(activated, (reason != null) ? reason : "", wasActive);
		ApplicationClusterLock lock = this.lock;
		synchronized (this) {
			if (!this.refreshed || lock == null) {
				boolean kept = activated || this.onLoss == PidFileProperties.OnLoss.KEEP_RUNNING;
				this.pending = kept ? edge : null;
				this.lostWhileStarting = kept ? null : reason;
				return;
			}
			if (!this.context.isActive()) {
				// closing: its listeners are going, and the lock with them
				return;
			}
			// queued while holding the monitor, so that the edges keep their order
			queue(() -> edge.publish(this.context, lock));
		}
	}

	private void publishPending() {
		ApplicationClusterLock lock = this.lock;
		synchronized (this) {
			this.refreshed = true;
			if (this.lostWhileStarting != null && lock != null) {
				throw ClusterLockStartupException.lost(lock.getName(), lock.getDatabase(), this.lostWhileStarting);
			}
			Edge edge = this.pending;
			this.pending = null;
			if (edge != null && lock != null) {
				// an activation that a loss has overtaken since is not news
				queue(() -> {
					if (!edge.activated() || lock.isActive()) {
						edge.publish(this.context, lock);
					}
				});
			}
		}
	}

	private void queue(Runnable publication) {
		try {
			this.publisher.execute(publication);
		}
		catch (RejectedExecutionException ex) {
			// released: the context is closing, and its listeners with it
		}
	}

	/** An edge of activity: activated, or lost for a reason. */
	private record Edge(boolean activated, String reason, boolean wasActive) {

		void publish(ConfigurableApplicationContext context, ApplicationClusterLock lock) {
			if (context.isActive()) {
				// not into a context that closed since the edge was queued
				context.publishEvent(this.activated ? new ClusterLockActivatedEvent(lock)
						: new ClusterLockLostEvent(lock, this.reason, this.wasActive));
			}
		}

	}

}
