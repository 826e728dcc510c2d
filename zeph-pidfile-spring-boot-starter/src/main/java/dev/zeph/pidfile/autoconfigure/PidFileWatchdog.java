package dev.zeph.pidfile.autoconfigure;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

/**
 * Checks every interval that the path still names the locked file. A pid file in a
 * temporary directory is a tmp cleaner's or an administrator's to delete, and while it is
 * gone a second instance can start: the watchdog re-creates a deleted file at once (self-heal)
 * and reports the loss when another process got there first, or names the errno when a system
 * call refuses the path. The health indicator runs a check at once when it finds the path
 * changed, so that it answers {@code DOWN} only for a loss, not for a deletion being healed.
 * <p>
 * A lifecycle bean, so that it starts when the context is refreshed (events cannot be
 * published before) and stops when the context closes; its thread is a daemon named
 * {@value #THREAD_NAME}, so that a thread dump shows it and it never keeps a JVM alive.
 * <p>
 * Public only because the health indicator, in a package of its own, asks it for a check;
 * it is registered by the initializer and is not meant to be created or driven otherwise.
 */
public final class PidFileWatchdog implements SmartLifecycle {

	static final String BEAN_NAME = "zephPidFileWatchdog";

	static final String THREAD_NAME = "zeph-pidfile-watchdog";

	private static final Log logger = LogFactory.getLog(PidFileWatchdog.class);

	private final ApplicationPidFile pidFile;

	private final Duration interval;

	private final Listener listener;

	private @Nullable ScheduledExecutorService executor;

	private volatile boolean lost;

	PidFileWatchdog(ApplicationPidFile pidFile, Duration interval, Listener listener) {
		this.pidFile = pidFile;
		this.interval = interval;
		this.listener = listener;
	}

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, THREAD_NAME);
			thread.setDaemon(true);
			return thread;
		});
		long millis = Math.max(1, this.interval.toMillis());
		executor.scheduleWithFixedDelay(this::check, millis, millis, TimeUnit.MILLISECONDS);
		this.executor = executor;
	}

	@Override
	public void stop() {
		ScheduledExecutorService executor;
		synchronized (this) {
			executor = this.executor;
			this.executor = null;
		}
		if (executor != null) {
			executor.shutdownNow();
			try {
				executor.awaitTermination(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

	/**
	 * One check. Never throws: an exception would cancel every later run of the task.
	 */
	public void check() {
		try {
			OwnershipCheck check = this.pidFile.check();
			switch (check.outcome()) {
				case RECOVERED -> recovered(check);
				case LOST -> lost(check);
				// ours again, as a standby that waited took it: the next loss is news
				case OWNED -> this.lost = false;
				case RELEASED -> {
				}
			}
		}
		catch (RuntimeException ex) {
			logger.warn("Pid file watchdog could not check " + this.pidFile.getPath(), ex);
		}
	}

	private void recovered(OwnershipCheck check) {
		boolean wasLost = this.lost;
		this.lost = false;
		String what = switch (check.seen()) {
			case DELETED -> "was deleted";
			default -> "was replaced by a file nobody locked"
					+ (check.pid().isPresent() ? " (it named PID " + check.pid().getAsLong() + ")" : "");
		};
		logger.warn("Pid file " + this.pidFile.getPath() + " " + what + "; locked the path again (PID "
				+ this.pidFile.getPid() + ")");
		if (wasLost) {
			this.listener.recovered();
		}
	}

	private void lost(OwnershipCheck check) {
		if (this.lost) {
			return;
		}
		this.lost = true;
		// a system call's refusal (a parent that became a file, a permission taken away) is no sign of another instance
		String why = (check.errno() != null) ? "it cannot be locked again (" + check.errno() + ")"
				: "it was " + check.seen().name().toLowerCase(Locale.ROOT)
						+ " and cannot be locked again, so another instance may be running";
		logger.error("Lost pid file " + this.pidFile.getPath() + " (PID " + this.pidFile.getPid() + "): " + why + ". "
				+ check.detail());
		this.listener.lost(new PidFileLockLostEvent(this.pidFile, check.seen(), check.pid(), check.detail()));
	}

	/**
	 * Told of the losses a check finds, and of the path being taken back after one.
	 */
	interface Listener {

		/**
		 * The path could not be taken back: the lock is lost.
		 * @param event what was lost, to publish
		 */
		void lost(PidFileLockLostEvent event);

		/**
		 * The path is this application's again after a loss.
		 */
		default void recovered() {
		}

	}

}
