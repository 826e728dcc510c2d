package dev.zeph.pidfile.autoconfigure.cluster;

import java.time.Duration;

import dev.zeph.pidfile.autoconfigure.ExitOnLockLoss;
import dev.zeph.pidfile.autoconfigure.GuardMode;
import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.cluster.ClusterLockConnection;
import dev.zeph.pidfile.cluster.ClusterLockException;
import dev.zeph.pidfile.cluster.ClusterLockHeldException;
import dev.zeph.pidfile.cluster.ClusterLockSettings;
import dev.zeph.pidfile.cluster.ClusterLockUnavailableException;
import dev.zeph.pidfile.cluster.FencingToken;
import dev.zeph.pidfile.standby.ActiveInstance;
import dev.zeph.pidfile.standby.StandbyGuard;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationFailedEvent;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.SpringProperties;

/**
 * Takes the cluster lock for an application context and ties it to the context: a bean for
 * work to check, a guard of the {@link ActiveInstance}, release when the context closes or
 * fails to start and when the JVM shuts down. In standby mode it waits for the lock on a
 * thread of its own, at start-up while another instance holds it and again after a loss. Only
 * this package refers to the cluster module, so that the starter runs without it.
 */
final class ClusterGuard implements StandbyGuard {

	/** Spring Framework's property that ends a run once the context is refreshed. */
	private static final String EXIT_PROPERTY = "spring.context.exit";

	/** The daemon thread that waits for the lock in standby mode. */
	static final String WAIT_THREAD_NAME = "zeph-cluster-lock-wait";

	/** How soon a standby tries again a database that cannot hold the lock (bad credentials, a replica). */
	private static final Duration UNUSABLE_RETRY = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(ClusterGuard.class);

	/** A wait of the new token's increment shorter than this is a round trip: not worth a word. */
	private static final Duration FENCING_WAIT_WORTH_TELLING = Duration.ofMillis(10);


	private final ClusterLockSettings settings;

	private final ApplicationClusterLock lock;

	private final ClusterLockListener listener;

	private final StandbyGuard.Edges edges;

	private volatile @Nullable Thread waiter;

	private volatile boolean closed;

	/** Whether the log said that the fencing tokens are not replicated synchronously. */
	private volatile boolean asynchronousTold;

	/** Releases the lock if the JVM ends with the context open; left once the lock is released. */
	private final Runnable releaseOnShutdown = this::close;

	private ClusterGuard(ClusterLockSettings settings, ActiveInstance instance) {
		this.settings = settings;
		// host:port/dbname, as the driver will name it, until it does
		this.lock = new ApplicationClusterLock(settings.name(),
				String.valueOf(ClusterLockSettings.withoutSecrets(settings.url())).replaceFirst("^jdbc:[a-z]+://", ""));
		this.listener = new ClusterLockListener(this);
		this.edges = instance.add(this);
	}

	/**
	 * Take the lock as the mode says, and register it with the context: refuse or wait for it
	 * before the context is refreshed, or, in standby mode, try it once and wait for it in the
	 * background while another instance holds it or the database cannot be reached.
	 */
	static void start(ConfigurableApplicationContext context, ClusterLockProperties properties, GuardMode mode) {
		ActiveInstance instance = ActiveInstance.register(context, mode.standby(), mode.awaitsAgainOnLoss());
		ClusterLockSettings settings = ClusterLockSessions.settings(properties, context.getEnvironment(),
				instance.getStopBudget());
		ClusterGuard guard = new ClusterGuard(settings, instance);
		long start = System.nanoTime();
		// none opened early, or a property changed since: open one now
		ClusterLockConnection connection = ClusterLockSessions.take(context.getEnvironment(), settings);
		ClusterLock taken = null;
		try {
			taken = mode.waits() ? ClusterLock.await(connection, mode.waitTimeout(), guard.listener)
					: ClusterLock.acquire(connection, guard.listener);
		}
		catch (ClusterLockHeldException ex) {
			if (!mode.standby() || ex.isCollision()) {
				throw new ClusterLockStartupException(ex, mode.alreadyRunningExitCode());
			}
			guard.lock.database(ex.getDatabase());
			guard.listener.waiting(ex.getHolder(), ex.getMessage());
		}
		catch (ClusterLockUnavailableException ex) {
			if (!mode.standby() || ex.getReason() != ClusterLockUnavailableException.Reason.UNREACHABLE) {
				throw new ClusterLockStartupException(ex, mode.alreadyRunningExitCode());
			}
			guard.lock.database(ex.getDatabase());
			guard.listener.unreachable(ex.getMessage());
		}
		catch (ClusterLockException ex) {
			throw new ClusterLockStartupException(ex, mode.alreadyRunningExitCode());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for cluster lock '" + settings.name() + "'", ex);
		}
		try {
			guard.register(context);
			if (!mode.awaitsAgainOnLoss()) {
				ExitOnLockLoss.register(context, mode.onLoss());
			}
		}
		catch (RuntimeException | Error ex) {
			// nothing would ever release it: a shutdown already under way, a bean of the same name
			if (taken != null) {
				taken.close();
			}
			guard.close();
			throw ex;
		}
		if (taken != null) {
			guard.held(taken, Duration.ofNanos(System.nanoTime() - start));
			if (isTrainingRun()) {
				logger.info("Released cluster lock '" + settings.name() + "' at once: this run ends at the refresh ("
						+ EXIT_PROPERTY + "=onRefresh, a CDS or AOT cache training run) and is never active");
				guard.close();
			}
		}
		else {
			guard.await();
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

	private void held(ClusterLock lock, Duration acquisitionTime) {
		this.lock.held(lock, acquisitionTime);
		FencingToken token = lock.getFencingToken().orElse(null);
		logger.info("Locked cluster lock '" + this.settings.name() + "' on " + lock.getDatabase() + " (key "
				+ lock.getKey() + ") as " + lock.getIdentity() + ", " + lock.getSession()
				+ ((token != null) ? ", fencing token " + token.getValue() + " in " + token.getTable()
						+ waitedFor(token) : "")
				+ (lock.wasHandedOver() ? "; handed over cleanly by the previous holder, active at once"
						: "; active after a takeover grace of " + this.settings.takeoverGrace().toMillis() + " ms"));
		if (token != null) {
			tellReplication(token);
		}
		if (this.closed) {
			// closed while it was taken: the context is gone
			lock.close();
		}
	}

	private static String waitedFor(FencingToken token) {
		return (token.getWaited().compareTo(FENCING_WAIT_WORTH_TELLING) < 0) ? ""
				: " (after waiting " + token.getWaited().toMillis() + " ms for transactions of the previous token to end)";
	}

	/**
	 * Say, once per application, that the tokens live on a primary that a failover may roll
	 * back, and warn of each increment that the server says may be lost.
	 */
	private void tellReplication(FencingToken token) {
		token.getReplicationWarning()
			.ifPresent((warning) -> logger.warn("The " + token + " was committed on the primary only, the server"
					+ " warned: " + warning + ". A failover before a standby receives it may hand the same token to"
					+ " another holder"));
		if (!token.isSynchronouslyReplicated() && !this.asynchronousTold) {
			this.asynchronousTold = true;
			logger.info("Fencing tokens of cluster lock '" + token.getLockName() + "' are committed on "
					+ token.getDatabase() + " without waiting for a synchronous standby: a failover may lose the"
					+ " latest increment and hand its token out again. Fencing across a failover needs synchronous"
					+ " replication (PostgreSQL: synchronous_standby_names set, synchronous_commit neither local nor"
					+ " off; MySQL and MariaDB: semi-synchronous replication)");
		}
	}

	private void register(ConfigurableApplicationContext context) {
		SpringApplication.getShutdownHandlers().add(this.releaseOnShutdown);
		// typed by instanceof: Spring cannot read a lambda's event type, and would hand it every
		// event (one per HTTP request) to fail a cast
		context.addApplicationListener((ApplicationEvent event) -> {
			if (event instanceof ApplicationFailedEvent failed && failed.getApplicationContext() == context) {
				close();
			}
		});
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		beanFactory.registerSingleton(ApplicationClusterLock.BEAN_NAME, this.lock);
		if (beanFactory instanceof DefaultSingletonBeanRegistry registry) {
			registry.registerDisposableBean(ApplicationClusterLock.BEAN_NAME, this::close);
		}
	}

	ApplicationClusterLock getLock() {
		return this.lock;
	}

	ClusterLockSettings getSettings() {
		return this.settings;
	}

	StandbyGuard.Edges edges() {
		return this.edges;
	}

	@Override
	public String getName() {
		return "cluster";
	}

	@Override
	public String describe() {
		return "cluster lock '" + this.settings.name() + "' on " + this.lock.getDatabase();
	}

	@Override
	public boolean isActive() {
		return this.lock.isActive();
	}

	/**
	 * Wait for the lock on a daemon thread, trying every acquire interval on one session and
	 * woken at once by a clean handover, until it is taken or the guard closes.
	 */
	@Override
	public synchronized void await() {
		if (this.closed || (this.waiter != null && this.waiter.isAlive())) {
			return;
		}
		Thread waiter = new Thread(this::waitForLock, WAIT_THREAD_NAME);
		waiter.setDaemon(true);
		this.waiter = waiter;
		waiter.start();
	}

	private void waitForLock() {
		long start = System.nanoTime();
		while (!this.closed) {
			try {
				held(ClusterLock.await(this.settings, Duration.ZERO, this.listener), Duration.ofNanos(System.nanoTime() - start));
				return;
			}
			catch (ClusterLockException ex) {
				// a database that cannot hold the lock now (bad credentials, a replica, a colliding
				// name): said in the health, and tried again, since an operator may mend it
				logger.error("Standing by without trying the cluster lock: " + ex.getMessage() + "; trying again in "
						+ UNUSABLE_RETRY.toSeconds() + " s");
				this.edges.unusable(ex.getMessage());
				try {
					Thread.sleep(UNUSABLE_RETRY.toMillis());
				}
				catch (InterruptedException interrupted) {
					return;
				}
			}
			catch (InterruptedException ex) {
				return;
			}
		}
	}

	/**
	 * Let go once the singleton work has stopped, telling the waiter next in line that it may
	 * become active at once; or stop waiting.
	 */
	@Override
	public void handOver() {
		release(true);
	}

	/**
	 * Release the lock, stop waiting, and leave Boot's shutdown handlers: kept there after a
	 * start that failed before its refresh, the handler would keep this context reachable for
	 * the JVM's life (a test suite, devtools' restarts).
	 */
	void close() {
		release(false);
	}

	private void release(boolean handOver) {
		Thread waiter;
		synchronized (this) {
			this.closed = true;
			waiter = this.waiter;
		}
		if (waiter != null) {
			waiter.interrupt();
		}
		ClusterLock current = this.lock.current();
		if (current != null) {
			if (handOver) {
				boolean held = current.isHeld();
				current.handOver();
				if (held) {
					logger.info("Released cluster lock '" + this.settings.name() + "' on " + current.getDatabase()
							+ ", its singleton work stopped: the standby next in line may take it over at once");
				}
			}
			else {
				current.close();
			}
		}
		try {
			SpringApplication.getShutdownHandlers().remove(this.releaseOnShutdown);
		}
		catch (IllegalStateException ex) {
			// the shutdown hook is running, and releases the lock itself
		}
	}

}
