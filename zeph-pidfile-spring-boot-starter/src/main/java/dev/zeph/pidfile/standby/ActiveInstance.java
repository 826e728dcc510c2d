package dev.zeph.pidfile.standby;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;

/**
 * This instance's role among the instances that share its locks: {@link Role#ACTIVE} while
 * every guard that is on (the pid file, the cluster lock) holds its lock past its takeover
 * grace, {@link Role#STANDBY} otherwise. Registered as the bean {@value #BEAN_NAME} before
 * the context is refreshed, by the first guard that takes or waits for a lock.
 * <p>
 * It runs the singleton work ({@link ActiveInstanceOnly}): it starts the marked lifecycle
 * beans when the instance becomes active, lets annotated runs start only while it is, and
 * stops both when it stops being active, within a budget, before any lock is let go. Edges
 * are handled one at a time on a thread of its own ({@value #THREAD_NAME}), never a lock's,
 * and its events are published in order on another ({@link ActivityEvents}). A loss
 * closes the gate at once, on the thread that noticed it; work that has not stopped when the
 * budget ends is logged by name and the process halts with {@value #EXIT_CODE}, since the
 * next active instance may start it once its grace, which covers that budget, has passed.
 */
public final class ActiveInstance implements SmartLifecycle {

	/** The name of the singleton bean. */
	public static final String BEAN_NAME = "zephActiveInstance";

	static final String THREAD_NAME = "zeph-active-instance";

	/** The exit code of an instance whose work would not stop: 70, as after a lost lock. */
	static final int EXIT_CODE = 70;

	private static final Log logger = LogFactory.getLog(ActiveInstance.class);

	private final ConfigurableApplicationContext context;

	private final StandbySettings settings;

	private final boolean standby;

	private final boolean awaitAgainOnLoss;

	private final SingletonWork work = new SingletonWork();

	private final List<Guarded> guards = new CopyOnWriteArrayList<>();

	private final ExecutorService edges = Executors.newSingleThreadExecutor(daemon(THREAD_NAME));

	private final ActivityEvents events;

	private final ScheduledExecutorService budget = Executors
		.newSingleThreadScheduledExecutor(daemon(THREAD_NAME + "-budget"));

	/** The role: whether work may run, as far as the edges are concerned. */
	private volatile boolean active;

	/** Whether the context was refreshed: work may start and events go out only then. */
	private volatile boolean started;

	private volatile boolean closing;

	/** Whether work failed to stop within its budget: the liveness is then broken. */
	private volatile boolean wedged;

	/** A loss before the refresh ended that fails the start, in refuse and wait modes. */
	private @Nullable RuntimeException lostBeforeStart;

	private volatile long activeSince;

	private final AtomicLong activations = new AtomicLong();

	private volatile long lastStopNanos;

	private ActiveInstance(ConfigurableApplicationContext context, StandbySettings settings, boolean standby,
			boolean awaitAgainOnLoss) {
		this.context = context;
		this.events = new ActivityEvents(context);
		this.settings = settings;
		this.standby = standby;
		this.awaitAgainOnLoss = awaitAgainOnLoss;
	}

	/**
	 * The context's active instance, registered by the first guard that asks for it.
	 * @param context the context, not yet refreshed
	 * @param standby whether the guards run in standby mode: every instance starts, and a
	 * stop hands the lock over
	 * @param awaitAgainOnLoss whether a loss sends the instance back to standing by, rather
	 * than leaving it to the configured action
	 * @return the active instance
	 */
	public static ActiveInstance register(ConfigurableApplicationContext context, boolean standby,
			boolean awaitAgainOnLoss) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (beanFactory.containsSingleton(BEAN_NAME)) {
			return beanFactory.getBean(BEAN_NAME, ActiveInstance.class);
		}
		ActiveInstance instance = new ActiveInstance(context, StandbySettings.of(context.getEnvironment()), standby,
				awaitAgainOnLoss);
		beanFactory.registerSingleton(BEAN_NAME, instance);
		return instance;
	}

	/**
	 * Join a guard: this instance is active only while it, and every other guard, is.
	 * @param guard the guard
	 * @return where the guard tells of its lock's edges
	 */
	public StandbyGuard.Edges add(StandbyGuard guard) {
		Guarded guarded = new Guarded(guard);
		this.guards.add(guarded);
		return guarded;
	}

	/**
	 * How long the singleton work may take to stop after a loss: a guard's takeover grace
	 * must cover it, so that the work of two instances never overlaps.
	 * @return the stop budget
	 */
	public Duration getStopBudget() {
		return this.settings.stopBudget();
	}

	/**
	 * Whether this instance is the active one now: every guard holds its lock past its grace
	 * and within its deadline, and the singleton work has been let start. Local and cheap: the
	 * check each {@link ActiveInstanceOnly} run makes as it begins.
	 * @return whether singleton work may run here
	 */
	public boolean isActive() {
		if (!this.active) {
			return false;
		}
		for (Guarded guarded : this.guards) {
			if (!guarded.guard.isActive()) {
				return false;
			}
		}
		return true;
	}

	/**
	 * This instance's role now.
	 * @return {@link Role#ACTIVE} if it {@link #isActive() is active}, else {@link Role#STANDBY}
	 */
	public Role getRole() {
		return isActive() ? Role.ACTIVE : Role.STANDBY;
	}

	/**
	 * Whether the guards run in standby mode: every instance starts and serves, and one that
	 * does not hold a lock is a standby, not a failure.
	 * @return whether in standby mode
	 */
	public boolean isStandbyMode() {
		return this.standby;
	}

	/**
	 * How this instance stands with one guard, for that guard's health: its role, who holds
	 * the lock while it stands by and for how long it has waited, or why it cannot try.
	 * @param guard the guard's {@link StandbyGuard#getName() name}
	 * @return the details, in order
	 */
	public Map<String, Object> describe(String guard) {
		Map<String, Object> details = new LinkedHashMap<>();
		Guarded guarded = find(guard);
		boolean active = isActive();
		details.put("role", active ? Role.ACTIVE.name() : Role.STANDBY.name());
		if (guarded != null && !active) {
			if (guarded.holder != null) {
				details.put("holder", guarded.holder);
			}
			if (guarded.waitingSince != 0) {
				details.put("waitingFor", Duration.ofNanos(System.nanoTime() - guarded.waitingSince).toString());
			}
			if (guarded.unusable != null) {
				details.put("unusable", guarded.unusable);
			}
		}
		return details;
	}

	/**
	 * Whether a guard cannot try its lock now: its health is then {@code DOWN}.
	 * @param guard the guard's {@link StandbyGuard#getName() name}
	 * @return why, if it cannot
	 */
	public @Nullable String unusable(String guard) {
		Guarded guarded = find(guard);
		return (guarded != null) ? guarded.unusable : null;
	}

	/**
	 * Stop being active and let go of the locks, handing them over, then stand by again:
	 * what Spring Integration's {@code Context.yield()} asks for. Only in standby mode; in the
	 * other modes an instance holds its locks for its life.
	 */
	public void yieldActivity() {
		if (!this.standby) {
			logger.warn("Not yielding: only an instance in standby mode (zeph.pidfile.mode=standby) lets go of its"
					+ " locks while it runs");
			return;
		}
		queue(() -> {
			if (this.active && !this.closing) {
				deactivate(ActiveInstanceDeactivatedEvent.Reason.RELEASED, "it yielded");
				for (Guarded guarded : this.guards) {
					guarded.guard.handOver();
					guarded.reset();
					guarded.guard.await();
				}
			}
		});
	}

	long getActivations() {
		return this.activations.get();
	}

	Duration getLastStopTime() {
		return Duration.ofNanos(this.lastStopNanos);
	}

	boolean isWedged() {
		return this.wedged;
	}

	boolean isReadinessRefused() {
		return this.settings.readiness() == StandbyProperties.Readiness.REFUSING_TRAFFIC && !isActive();
	}

	StandbySettings getSettings() {
		return this.settings;
	}

	SingletonWork getWork() {
		return this.work;
	}

	// SmartLifecycle: started last and stopped first, so that the work stops before any other
	// bean and the locks are let go while the web server, the data source and the clients are
	// still there

	@Override
	public void start() {
		RuntimeException failure;
		synchronized (this) {
			this.started = true;
			failure = this.lostBeforeStart;
		}
		if (failure != null) {
			throw failure;
		}
		this.events.refreshed();
		if (isReadinessRefused()) {
			AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		}
		queue(this::update);
	}

	@Override
	public void stop() {
		this.closing = true;
		Future<?> close = queueFuture(this::close);
		long limit = this.settings.shutdownTimeout().plus(this.settings.stopBudget()).plusSeconds(1).toNanos();
		try {
			if (close != null) {
				close.get(limit, TimeUnit.NANOSECONDS);
			}
		}
		catch (TimeoutException ex) {
			halt("the singleton work did not stop as the application stopped");
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException ex) {
			logger.warn("Stopping the singleton work failed", ex.getCause());
		}
		this.events.close();
		this.edges.shutdown();
		this.budget.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return this.started && !this.closing;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	/** Become active once every guard is, and the context has been refreshed. */
	private void update() {
		if (this.active || !this.started || this.closing || this.guards.isEmpty()) {
			return;
		}
		for (Guarded guarded : this.guards) {
			if (!guarded.active || !guarded.guard.isActive()) {
				return;
			}
		}
		this.activeSince = System.nanoTime();
		this.active = true;
		this.activations.incrementAndGet();
		this.work.startLifecycleBeans();
		List<String> locks = this.guards.stream().map((guarded) -> guarded.guard.describe()).toList();
		logger.info("Active: this instance holds " + String.join(" and ", locks) + "; its singleton work runs here");
		if (this.settings.readiness() == StandbyProperties.Readiness.REFUSING_TRAFFIC) {
			publish(new AvailabilityChangeEvent<>(this, ReadinessState.ACCEPTING_TRAFFIC));
		}
		publish(new ActiveInstanceActivatedEvent(this, locks));
	}

	/**
	 * Close the gate at once, on the thread that noticed the loss, and give the work its
	 * budget: what has not stopped by then halts the process.
	 */
	private void closeGate() {
		if (!this.active) {
			return;
		}
		this.active = false;
		if (this.settings.runningWork() == StandbyProperties.RunningWork.INTERRUPT) {
			this.work.interruptRuns();
		}
		long deadline = System.nanoTime() + this.settings.stopBudget().toNanos();
		this.budget.schedule(() -> checkStopped(deadline), this.settings.stopBudget().toNanos(), TimeUnit.NANOSECONDS);
	}

	private void checkStopped(long deadline) {
		if (System.nanoTime() - deadline >= 0 && !this.active && !this.work.running().isEmpty()) {
			halt("the singleton work did not stop within its budget of " + this.settings.stopBudget().toMillis()
					+ " ms");
		}
	}

	/**
	 * Stop being active, on the edges' thread: close the gate, stop the lifecycle beans,
	 * highest phase first, and wait for the runs in flight until the budget ends. Work that
	 * does not stop by then is the budget's timer's to report.
	 */
	private void deactivate(ActiveInstanceDeactivatedEvent.Reason reason, String detail) {
		closeGate();
		if (this.activeSince == 0) {
			// not active in this tenure: nothing of the work ran
			return;
		}
		long start = System.nanoTime();
		this.work.stopLifecycleBeans();
		if (!awaitRuns(start + this.settings.stopBudget().toNanos())) {
			return;
		}
		this.lastStopNanos = System.nanoTime() - start;
		this.activeSince = 0;
		logger.info("Standing by: " + detail + "; the singleton work stopped in "
				+ Duration.ofNanos(this.lastStopNanos).toMillis() + " ms");
		publish(new ActiveInstanceDeactivatedEvent(this, reason, detail));
		if (this.settings.readiness() == StandbyProperties.Readiness.REFUSING_TRAFFIC) {
			publish(new AvailabilityChangeEvent<>(this, ReadinessState.REFUSING_TRAFFIC));
		}
	}

	/**
	 * The stop of the context: the runs in flight may finish within the shutdown timeout,
	 * then are interrupted and given the budget; only then, in standby mode, are the locks
	 * handed over, so that the next instance becomes active at once.
	 */
	private void close() {
		if (this.activeSince != 0) {
			this.active = false;
			long start = System.nanoTime();
			this.work.stopLifecycleBeans();
			boolean stopped = awaitRuns(start + this.settings.shutdownTimeout().toNanos());
			if (!stopped) {
				this.work.interruptRuns();
				stopped = awaitRuns(System.nanoTime() + this.settings.stopBudget().toNanos());
			}
			this.lastStopNanos = System.nanoTime() - start;
			if (!stopped) {
				halt("the singleton work did not stop as the application stopped");
				return;
			}
			this.activeSince = 0;
			logger.info("Standing down: the application is stopping; the singleton work stopped in "
					+ Duration.ofNanos(this.lastStopNanos).toMillis() + " ms");
			publish(new ActiveInstanceDeactivatedEvent(this, ActiveInstanceDeactivatedEvent.Reason.RELEASED,
					"the application is stopping"));
		}
		if (this.standby) {
			for (Guarded guarded : this.guards) {
				guarded.guard.handOver();
			}
		}
	}

	private boolean awaitRuns(long deadline) {
		try {
			return this.work.awaitRuns(deadline);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Work that would not stop: say what it is, mark the liveness broken, and halt, since the
	 * next instance may become active once its grace has passed. A halt runs no shutdown hook:
	 * the locks go with the process.
	 */
	private void halt(String why) {
		this.wedged = true;
		List<String> running = this.work.running();
		logger.error("Exiting with " + EXIT_CODE + ": " + why + ", and another instance may become active now. Still"
				+ " running: " + (running.isEmpty() ? "nothing named (a lifecycle bean's stop() that returned late)"
						: String.join(", ", running)));
		try {
			AvailabilityChangeEvent.publish(this.context, LivenessState.BROKEN);
		}
		catch (RuntimeException ex) {
			// halting anyway
		}
		Runtime.getRuntime().halt(EXIT_CODE);
	}

	private void publish(ApplicationEvent event) {
		this.events.publish(event);
	}

	private void queue(Runnable edge) {
		queueFuture(edge);
	}

	private @Nullable Future<?> queueFuture(Runnable edge) {
		try {
			return this.edges.submit(() -> {
				try {
					edge.run();
				}
				catch (RuntimeException ex) {
					logger.error("Handling an edge of this instance's activity failed", ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			return null;
		}
	}

	private @Nullable Guarded find(String guard) {
		for (Guarded guarded : this.guards) {
			if (guarded.guard.getName().equals(guard)) {
				return guarded;
			}
		}
		return null;
	}

	private static ThreadFactory daemon(String name) {
		return (task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		};
	}

	@Override
	public String toString() {
		return "ActiveInstance[" + getRole() + ", " + this.guards.stream().map((guarded) -> guarded.guard.describe())
			.toList() + "]";
	}

	/**
	 * The role of an instance.
	 */
	public enum Role {

		/** It runs the singleton work. */
		ACTIVE,

		/** It serves, and waits to become active. */
		STANDBY

	}

	/**
	 * One guard, as this instance sees it: whether its lock makes the instance active, and
	 * while it does not, who holds it and since when this one waits.
	 */
	private final class Guarded implements StandbyGuard.Edges {

		private final StandbyGuard guard;

		private volatile boolean active;

		private volatile @Nullable String holder;

		private volatile long waitingSince;

		private volatile @Nullable String unusable;

		Guarded(StandbyGuard guard) {
			this.guard = guard;
		}

		void reset() {
			this.active = false;
			this.holder = null;
			this.waitingSince = 0;
			this.unusable = null;
		}

		@Override
		public void waiting(String holder) {
			this.holder = holder;
			this.unusable = null;
			if (this.waitingSince == 0) {
				this.waitingSince = System.nanoTime();
			}
		}

		@Override
		public void unusable(String reason) {
			this.unusable = reason;
			if (this.waitingSince == 0) {
				this.waitingSince = System.nanoTime();
			}
		}

		@Override
		public void activated(@Nullable ApplicationEvent event) {
			queue(() -> {
				this.active = true;
				this.holder = null;
				this.waitingSince = 0;
				this.unusable = null;
				if (event != null) {
					publish(event);
				}
				update();
			});
		}

		@Override
		public void lost(ActiveInstanceDeactivatedEvent.Reason reason, String detail, @Nullable ApplicationEvent event) {
			// at once, on the thread that noticed: no new run starts from here on
			closeGate();
			queue(() -> {
				this.active = false;
				deactivate(reason, "lost " + this.guard.describe() + ": " + detail);
				if (!loseBeforeStart(event)) {
					if (event != null) {
						publish(event);
					}
				}
				if (ActiveInstance.this.awaitAgainOnLoss && !ActiveInstance.this.closing) {
					reset();
					this.guard.await();
				}
			});
		}

		/**
		 * A loss before the refresh ended, in a mode that exits on loss, fails the start
		 * there: the application never becomes ready and runs no runner.
		 */
		private boolean loseBeforeStart(@Nullable ApplicationEvent event) {
			synchronized (ActiveInstance.this) {
				if (ActiveInstance.this.started || ActiveInstance.this.awaitAgainOnLoss
						|| !(event instanceof StartFailure failure)) {
					return false;
				}
				RuntimeException exception = failure.startFailure();
				if (exception == null) {
					return false;
				}
				ActiveInstance.this.lostBeforeStart = exception;
				return true;
			}
		}

	}

	/**
	 * A guard's loss event that says how a start fails when the loss came before the refresh
	 * ended, in a mode that exits on loss.
	 */
	public interface StartFailure {

		/**
		 * The failure to end the start with, or {@code null} to publish the loss instead.
		 * @return the failure
		 */
		@Nullable RuntimeException startFailure();

	}

}
