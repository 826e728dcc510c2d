package dev.zeph.pidfile.autoconfigure;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Supplier;

import dev.zeph.pidfile.AlreadyRunningException;
import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.standby.ActiveInstance;
import dev.zeph.pidfile.standby.ActiveInstanceDeactivatedEvent;
import dev.zeph.pidfile.standby.StandbyGuard;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The pid file as a guard of the {@link ActiveInstance}: in refuse and wait modes the
 * instance is active for as long as it holds the file, from the start; in standby mode it
 * waits for the file on a thread of its own ({@value #THREAD_NAME}), at start-up while
 * another process holds it and again after a loss, and becomes active a takeover grace after
 * it took it, unless it took the very file it had waited on for longer than that.
 * <p>
 * The grace is the watchdog's interval plus the stop budget. An active instance whose file is
 * deleted or replaced holds a lock that no longer guards the path, and a second instance can
 * lock the path; the first notices at its next check and stops its work within the budget. A
 * standby that locks the file it has seen at the path since a moment at least a grace ago
 * needs no grace: every instance whose file left the path before that moment has stopped by
 * now, and no other holds the file it holds.
 */
final class PidFileGuard implements StandbyGuard, PidFileWatchdog.Listener {

	/** The daemon thread that waits for the pid file in standby mode. */
	static final String THREAD_NAME = "zeph-pidfile-standby";

	/** How soon a standby tries again a path it cannot use (permissions, an unsafe file). */
	private static final Duration UNUSABLE_RETRY = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(PidFileGuard.class);

	private final ApplicationPidFile pidFile;

	private final PidFileSettings settings;

	private final Duration grace;

	private final Supplier<PidFile> attempt;

	private final StandbyGuard.Edges edges;

	private final PidFileWaiter waiter;

	private volatile boolean active;

	private volatile boolean closed;

	private @Nullable Thread thread;

	/**
	 * @param pidFile the pid file, held or, for a standby, not yet
	 * @param settings the settings
	 * @param instance the active instance to join
	 * @param attempt one try of the lock for a standby, taken where a shutdown sees it
	 */
	PidFileGuard(ApplicationPidFile pidFile, PidFileSettings settings, ActiveInstance instance,
			Supplier<PidFile> attempt) {
		this.pidFile = pidFile;
		this.settings = settings;
		this.grace = settings.mode().standby() ? settings.checkInterval().plus(instance.getStopBudget()) : Duration.ZERO;
		this.attempt = attempt;
		this.waiter = new PidFileWaiter(pidFile.getPath());
		this.edges = instance.add(this);
	}

	/**
	 * Begin: active at once in refuse and wait modes; in standby mode, after the grace when
	 * the file is held, or once it is taken when another process holds it.
	 * @param holder who holds the file, for a standby that did not take it
	 */
	void start(@Nullable AlreadyRunningException holder) {
		if (!this.settings.mode().standby()) {
			activate();
			return;
		}
		if (holder != null) {
			logger.info("Standing by: " + holder.getMessage() + ". This instance serves, and takes the pid file"
					+ " when it is let go");
			this.edges.waiting(holderOf(holder));
		}
		else {
			logHeld(this.grace);
		}
		standBy((holder != null) ? 0 : System.nanoTime());
	}

	@Override
	public String getName() {
		return "pidfile";
	}

	@Override
	public String describe() {
		return "pid file " + this.pidFile.getPath();
	}

	/** One {@code lstat}: the path must still name the file this instance locked. */
	@Override
	public boolean isActive() {
		return this.active && this.pidFile.isHeld();
	}

	@Override
	public void await() {
		standBy(0);
	}

	private synchronized void standBy(long lockedAt) {
		if (this.closed || (this.thread != null && this.thread.isAlive())) {
			return;
		}
		Thread thread = new Thread(() -> standByThread(lockedAt), THREAD_NAME);
		thread.setDaemon(true);
		this.thread = thread;
		thread.start();
	}

	/**
	 * Take the file, unless it is held since {@code lockedAt}, then sit out what is left of
	 * the grace and become active, while the file stays ours.
	 */
	private void standByThread(long lockedAt) {
		try {
			long heldSince = lockedAt;
			while (heldSince == 0 && !this.closed) {
				heldSince = take();
			}
			long activeAt = heldSince + this.grace.toNanos();
			for (long left = activeAt - System.nanoTime(); left > 0 && !this.closed; left = activeAt - System.nanoTime()) {
				Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 100)));
			}
			if (!this.closed && this.pidFile.isHeld()) {
				activate();
			}
		}
		catch (InterruptedException ex) {
			// closed
		}
	}

	/**
	 * Wait for the file and take it.
	 * @return since when the taken file counts as held: the moment the grace runs from
	 */
	private long take() throws InterruptedException {
		// a lock on a file that left the path is no lock on the path: let it go, and wait
		this.pidFile.abandon();
		try {
			PidFile taken = this.waiter.await(() -> {
				try {
					return this.attempt.get();
				}
				catch (PidFileStartupException ex) {
					if (ex.getCause() instanceof AlreadyRunningException held) {
						this.edges.waiting(holderOf(held));
					}
					throw ex;
				}
			}, Duration.ZERO);
			// The grace runs from when this waiter first saw, at the path, the very file it now
			// holds, or from now for another file. Never two active instances: any other active
			// instance holds a lock on some file; not on this one, which this process holds; so on
			// one that left the path before this file was seen there (nobody moves a pid file away
			// and back), and such an instance has noticed at its next check and stopped its work
			// within the budget: within a grace of that moment.
			OptionalLong seen = this.waiter.seenSince(taken.fileKey());
			long since = seen.isPresent() ? seen.getAsLong() : System.nanoTime();
			logHeld(Duration.ofNanos(Math.max(0, since + this.grace.toNanos() - System.nanoTime())));
			return since;
		}
		catch (IllegalStateException ex) {
			if (this.closed) {
				return 0;
			}
			logger.error("Standing by without the pid file: " + ex.getMessage() + "; trying again in "
					+ UNUSABLE_RETRY.toSeconds() + " s");
			this.edges.unusable(String.valueOf(ex.getMessage()));
			Thread.sleep(UNUSABLE_RETRY.toMillis());
			return 0;
		}
	}

	private void logHeld(Duration left) {
		logger.info("Holding pid file " + this.pidFile.getPath() + ": active "
				+ (left.isZero() ? "at once, since it is the file this instance waited on for longer than the"
						+ " takeover grace of " + this.grace.toMillis() + " ms"
						: "after a takeover grace of " + left.toMillis() + " ms"));
	}

	private void activate() {
		this.active = true;
		this.edges.activated(null);
	}

	@Override
	public void lost(PidFileLockLostEvent event) {
		this.active = false;
		this.edges.lost(ActiveInstanceDeactivatedEvent.Reason.LOST, event.getReason(), event);
	}

	/** The path is ours again after a loss, with {@code on-loss=keep-running}. */
	@Override
	public void recovered() {
		if (!this.settings.mode().standby()) {
			activate();
		}
	}

	/**
	 * Stop being active, stop waiting, and let go of the file for the standby that waits for
	 * it, once the singleton work has stopped.
	 */
	@Override
	public void handOver() {
		close();
		this.pidFile.handOver();
	}

	/** Stop being active and stop waiting; the file is released with the context. */
	void close() {
		Thread thread;
		synchronized (this) {
			this.closed = true;
			this.active = false;
			thread = this.thread;
		}
		if (thread != null) {
			thread.interrupt();
		}
	}

	private static String holderOf(AlreadyRunningException held) {
		return held.getHolder().describe();
	}

}
