package dev.zeph.pidfile.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * A lock that one instance across hosts holds at a time, on a database session of its own,
 * and whether this instance is <em>active</em>: the state that work should check.
 * <p>
 * Holding the lock is not enough to be active. The server may free a lock under a live holder
 * (the session terminated, the server restarted) before the holder knows, so an instance
 * becomes active only once the takeover grace has passed since it locked, longer than any
 * previous holder can go on believing it is active; and it stops being active the moment it
 * notices a loss, or when its deadline passes: the start of its last good heartbeat plus the
 * heartbeat interval and timeout, which holds even when no thread of it got to run.
 * <p>
 * A daemon thread named {@value #THREAD_NAME} waits on the session between heartbeats, so a
 * terminated session or a stopping server is noticed at once.
 * <p>
 * With fencing, each tenure raises its {@link FencingToken} on the lock's session right after
 * locking, before its takeover grace begins: see {@link #getFencingToken()}.
 */
public final class ClusterLock implements AutoCloseable {

	static final String THREAD_NAME = "zeph-cluster-lock";

	/** How often the lock's thread, waiting on the session, looks whether the lock was closed. */
	static final Duration CLOSE_POLL = Duration.ofMillis(100);

	private static volatile @Nullable String hostName;

	private final ClusterLockSettings settings;

	private final SessionLock session;

	private final HolderIdentity identity;

	private final Listener listener;

	private final long lockedAt;

	/** The takeover grace of this tenure: none after a clean handover. */
	private final long grace;

	private final @Nullable FencingToken fencingToken;

	private final Thread heartbeat;

	private volatile long lastGoodBeat;

	private volatile boolean active;

	private volatile @Nullable String lossReason;

	/** Whether anyone saw the deadline pass: from then on the lock is not held, whatever a beat finds. */
	private volatile boolean expired;

	/** Whether the loss, if any, was the deadline passing rather than the session ending. */
	private volatile boolean lostAtDeadline;

	private volatile boolean closed;

	/** Whether this instance was active at some point of this tenure. */
	private volatile boolean everActive;

	/** Whether {@link #handOver()} closed it: the release then tells the waiter next in line. */
	private volatile boolean handingOver;

	private ClusterLock(ClusterLockSettings settings, SessionLock session, HolderIdentity identity, long lockedAt,
			long lastGoodBeat, boolean handedOver, @Nullable FencingToken fencingToken, Listener listener) {
		this.settings = settings;
		this.session = session;
		this.identity = identity;
		this.lockedAt = lockedAt;
		this.grace = handedOver ? 0 : settings.takeoverGrace().toNanos();
		this.fencingToken = fencingToken;
		this.lastGoodBeat = lastGoodBeat;
		this.listener = listener;
		this.heartbeat = new Thread(this::run, THREAD_NAME);
		this.heartbeat.setDaemon(true);
	}

	/**
	 * Take the lock, or refuse at once when another instance holds it.
	 * @param settings the settings
	 * @param listener told when this instance becomes active and when it stops being active
	 * @return the lock, not yet active: it becomes active after the takeover grace
	 * @throws ClusterLockHeldException if another session holds the lock
	 * @throws ClusterLockUnavailableException if the database cannot hold it
	 */
	public static ClusterLock acquire(ClusterLockSettings settings, Listener listener)
			throws ClusterLockHeldException, ClusterLockUnavailableException {
		return acquire(settings, SessionLock.open(settings), listener);
	}

	/**
	 * Take the lock on a session opened ahead, or refuse at once when another instance holds
	 * it. A session that ended before its first use, or that could not reach the server then,
	 * is replaced by one opened now, so that opening ahead never refuses a start that opening
	 * then would not (a database that comes up beside the application, for one).
	 * @param connection the session, possibly still opening
	 * @param listener told when this instance becomes active and when it stops being active
	 * @return the lock, not yet active: it becomes active after the takeover grace
	 * @throws ClusterLockHeldException if another session holds the lock
	 * @throws ClusterLockUnavailableException if the database cannot hold it
	 * @throws InterruptedException if interrupted while the session was opening
	 */
	public static ClusterLock acquire(ClusterLockConnection connection, Listener listener)
			throws ClusterLockHeldException, ClusterLockUnavailableException, InterruptedException {
		ClusterLockSettings settings = connection.getSettings();
		try {
			try {
				return acquire(settings, connection.take(), listener);
			}
			catch (ClusterLockUnavailableException ex) {
				if (ex.getReason() != Reason.UNREACHABLE) {
					throw ex;
				}
				// the session opened ahead could not reach the server, or ended before its first use
				// (terminated, a restart, a proxy in between): one opened now answers for the
				// database as a start without one would
				return acquire(settings, SessionLock.open(settings), listener);
			}
		}
		finally {
			// not taken when interrupted while it opened
			connection.close();
		}
	}

	private static ClusterLock acquire(ClusterLockSettings settings, SessionLock session, Listener listener)
			throws ClusterLockHeldException, ClusterLockUnavailableException {
		try {
			ClusterLockHolder holder = lockOrFindHolder(session);
			if (holder != null) {
				throw new ClusterLockHeldException(settings.name(), session.database(), holder);
			}
			return start(settings, session, false, listener);
		}
		catch (SessionLostException ex) {
			session.close();
			throw new ClusterLockUnavailableException(settings.name(), session.database(), Reason.UNREACHABLE,
					ex.getMessage(), ex);
		}
		catch (ClusterLockHeldException | ClusterLockUnavailableException | RuntimeException | Error ex) {
			// an Error too (no thread for the heartbeat): a lock nobody heartbeats must not stay
			session.close();
			throw ex;
		}
	}

	/**
	 * Wait for the lock: try it every acquire interval on one session, which is opened again
	 * only when it ends (an unreachable or restarting database), until the lock is taken or the
	 * timeout passes. One session, not one connection per try, so that a fleet of waiting
	 * replicas does not load the database with logins.
	 * @param settings the settings
	 * @param timeout how long to wait; zero waits for ever
	 * @param listener told who holds the lock after each try, and of this instance's activity
	 * @return the lock, not yet active
	 * @throws ClusterLockHeldException if the timeout passed while another session held the lock,
	 * or at once when it holds the key under another lock name
	 * @throws ClusterLockUnavailableException if the timeout passed while the database could not
	 * be used, or at once for a database that can never hold it (a replica, a pooler, bad
	 * credentials, an old server)
	 * @throws InterruptedException if the waiting thread was interrupted
	 */
	public static ClusterLock await(ClusterLockSettings settings, Duration timeout, Listener listener)
			throws ClusterLockException, InterruptedException {
		return await(settings, null, timeout, listener);
	}

	/**
	 * Wait for the lock as {@link #await(ClusterLockSettings, Duration, Listener)} does, trying
	 * first on a session opened ahead.
	 * @param connection the first session, possibly still opening
	 * @param timeout how long to wait; zero waits for ever
	 * @param listener told who holds the lock after each try, and of this instance's activity
	 * @return the lock, not yet active
	 * @throws ClusterLockException as {@link #await(ClusterLockSettings, Duration, Listener)}
	 * @throws InterruptedException if the waiting thread was interrupted
	 */
	public static ClusterLock await(ClusterLockConnection connection, Duration timeout, Listener listener)
			throws ClusterLockException, InterruptedException {
		return await(connection.getSettings(), connection, timeout, listener);
	}

	private static ClusterLock await(ClusterLockSettings settings, @Nullable ClusterLockConnection first,
			Duration timeout, Listener listener) throws ClusterLockException, InterruptedException {
		long start = System.nanoTime();
		@Nullable ClusterLockConnection ahead = first;
		@Nullable SessionLock session = null;
		// the holder the last failed try found, when that try began, and whether that holder has
		// since handed the lock over to this session
		@Nullable ClusterLockHolder seen = null;
		long seenAt = 0;
		boolean handedOver = false;
		try {
			while (true) {
				ClusterLockException last;
				try {
					if (session == null) {
						ClusterLockConnection opening = ahead;
						ahead = null;
						session = (opening != null) ? opening.take() : SessionLock.open(settings);
						session.joinLine();
					}
					long tried = System.nanoTime();
					ClusterLockHolder holder = lockOrFindHolder(session);
					if (holder == null) {
						// Skip the grace only on a handover to this session, taken on the first try
						// after it and within a grace of the try that saw its giver hold the lock.
						// Never two active instances: the giver held the lock without a break from
						// before that try until its unlock, and tells only after being active and
						// stopping its work, so every holder before it had stopped when it became
						// active, and it has stopped since. Any session that held the lock between
						// that unlock and this try locked after the try began, so it held less than
						// a grace, and could become active only by a handover naming it: this one
						// names this session, the next in line, alone. Another handover to this
						// session from the same giver cannot come, since a session locks once.
						boolean clean = handedOver && System.nanoTime() - seenAt < settings.takeoverGrace().toNanos();
						ClusterLock lock = start(settings, session, clean, listener);
						session = null;
						return lock;
					}
					handedOver = false;
					seen = holder;
					seenAt = tried;
					ClusterLockHeldException held = new ClusterLockHeldException(settings.name(), session.database(),
							holder);
					if (held.isCollision()) {
						// another lock's key: waiting would end only when that unrelated lock is let go
						throw held;
					}
					listener.waiting(holder, held.getMessage());
					last = held;
				}
				catch (ClusterLockUnavailableException ex) {
					if (ex.getReason() != Reason.UNREACHABLE) {
						throw ex;
					}
					listener.unreachable(ex.getMessage());
					last = ex;
				}
				catch (SessionLostException ex) {
					// the database went away under the waiting session: open another on the next try
					last = lostWhileWaiting(settings, session, ex, listener);
					session = null;
				}
				if (!timeout.isZero() && System.nanoTime() - start - timeout.toNanos() >= 0) {
					throw last;
				}
				if (session == null) {
					TimeUnit.NANOSECONDS.sleep(settings.acquireInterval().toNanos());
					continue;
				}
				try {
					// woken at once by a release that tells, so that a handover takes no interval
					Optional<Handover> handover = session.awaitHandover(settings.acquireInterval());
					handedOver = seen != null && handover.isPresent()
							&& handover.get().isFrom(seen, session.backendPid());
				}
				catch (SessionLostException ex) {
					lostWhileWaiting(settings, session, ex, listener);
					session = null;
				}
			}
		}
		finally {
			if (session != null) {
				session.close();
			}
			if (first != null) {
				// not taken when interrupted while it opened
				first.close();
			}
		}
	}

	private static ClusterLockUnavailableException lostWhileWaiting(ClusterLockSettings settings, SessionLock session,
			SessionLostException ex, Listener listener) {
		ClusterLockUnavailableException unavailable = new ClusterLockUnavailableException(settings.name(),
				session.database(), Reason.UNREACHABLE, ex.getMessage(), ex);
		listener.unreachable(unavailable.getMessage());
		session.close();
		return unavailable;
	}

	/**
	 * Take the lock, or find who holds it: {@code null} when this session holds it now. A
	 * holder that let go between the two looks is tried again, a few times.
	 */
	private static @Nullable ClusterLockHolder lockOrFindHolder(SessionLock session) throws SessionLostException {
		for (int attempt = 1;; attempt++) {
			ClusterLockHolder holder = session.tryLockOrFindHolder();
			if (holder == null || holder.backendPid() != 0 || attempt == 3) {
				return holder;
			}
		}
	}

	/**
	 * Begin the tenure of a session that holds the lock: leave the line, raise the fencing
	 * token if any, say who holds it, and start the heartbeat. The grace, when there is one,
	 * begins once the token is known; the increment, which may have waited for transactions of
	 * the previous token, counts as the first heartbeat.
	 */
	private static ClusterLock start(ClusterLockSettings settings, SessionLock session, boolean handedOver,
			Listener listener) throws SessionLostException, ClusterLockUnavailableException {
		long lockedAt = System.nanoTime();
		long lastGoodBeat = lockedAt;
		HolderIdentity identity = new HolderIdentity(settings.name(), hostName(), ProcessHandle.current().pid(),
				Instant.now());
		session.leaveLine();
		FencingToken token = null;
		if (settings.fencing() != null) {
			FencingToken.Raised raised = session.fence(settings, identity);
			token = raised.token();
			lastGoodBeat = raised.began();
			lockedAt = System.nanoTime();
		}
		session.announce(identity);
		ClusterLock lock = new ClusterLock(settings, session, identity, lockedAt, lastGoodBeat, handedOver, token,
				listener);
		lock.heartbeat.start();
		return lock;
	}

	/**
	 * Whether this instance is the active one: it holds the lock, the takeover grace has
	 * passed, and its last good heartbeat is recent enough. Cheap: no database call.
	 * @return whether work may run here
	 */
	public boolean isActive() {
		return this.active && isHeld();
	}

	/**
	 * Whether this instance still holds the lock, as far as it can know: not lost, not
	 * closed, and its last good heartbeat recent enough. An instance holds the lock during
	 * its takeover grace without being active yet. Once false, false for good: a beat that
	 * was under way as the deadline passed does not bring the lock back, and the lock's
	 * thread reports the loss.
	 * @return whether it holds the lock
	 */
	public boolean isHeld() {
		if (this.lossReason != null || this.closed || this.expired) {
			return false;
		}
		if (System.nanoTime() - (this.lastGoodBeat + this.settings.holderDeadline().toNanos()) < 0) {
			return true;
		}
		this.expired = true;
		return false;
	}

	/**
	 * The lock as the server knows it: on PostgreSQL the advisory lock's key, as
	 * {@code pg_locks} shows it ({@code classid, objid}, with {@code objsubid = 2}); on MySQL
	 * and MariaDB the name {@code GET_LOCK} took, quoted.
	 * @return the key
	 */
	public String getKey() {
		return this.session.key();
	}

	/**
	 * The settings the lock was taken with.
	 * @return the settings
	 */
	public ClusterLockSettings getSettings() {
		return this.settings;
	}

	/**
	 * This instance's identity, as other instances see it.
	 * @return the identity
	 */
	public HolderIdentity getIdentity() {
		return this.identity;
	}

	/**
	 * The database, as {@code host:port/dbname}.
	 * @return the database
	 */
	public String getDatabase() {
		return this.session.database();
	}

	/**
	 * The server's id of the lock's session: its server process on PostgreSQL, its connection
	 * id on MySQL and MariaDB.
	 * @return the id
	 */
	public long getBackendPid() {
		return this.session.backendPid();
	}

	/**
	 * The lock's session in the server's terms, for messages: {@code backend PID 4242} on
	 * PostgreSQL, {@code connection 17} on MySQL and MariaDB.
	 * @return the session
	 */
	public String getSession() {
		return this.session.session();
	}

	/**
	 * How long ago the last good heartbeat began.
	 * @return the age
	 */
	public Duration getLastHeartbeatAge() {
		return Duration.ofNanos(System.nanoTime() - this.lastGoodBeat);
	}

	/**
	 * The fencing token of this tenure, raised right after locking and fixed until the lock is
	 * let go or lost. It says nothing of whether this instance is still active: the resource
	 * that checks it does.
	 * @return the token, if the lock was taken with fencing
	 */
	public Optional<FencingToken> getFencingToken() {
		return Optional.ofNullable(this.fencingToken);
	}

	/**
	 * Stop being active, and end the session, because a resource refused this tenure's fencing
	 * token: another instance holds the lock, whatever this one's heartbeat last found. The
	 * listener is told of a loss. Does nothing once the lock is closed or lost.
	 * @param reason what refused the token, in a sentence
	 */
	public void fencedOut(String reason) {
		lose("fenced out: " + reason);
	}

	/**
	 * Whether this tenure began with a clean handover from an active holder, and so without a
	 * takeover grace.
	 * @return whether the lock was handed over
	 */
	public boolean wasHandedOver() {
		return this.grace == 0;
	}

	/**
	 * Whether the lock was lost because its deadline passed without a good heartbeat (a pause,
	 * a network gone silent), rather than because its session ended.
	 * @return whether the deadline passed
	 */
	public boolean wasLostAtDeadline() {
		return this.lostAtDeadline;
	}

	/**
	 * Why the lock was lost.
	 * @return the reason, if it was
	 */
	public Optional<String> getLossReason() {
		return Optional.ofNullable(this.lossReason);
	}

	/**
	 * Stop being active at once, then free the lock on the server and end the session:
	 * return once the server freed it, so that another instance can take it straight away,
	 * or, when the server does not answer, after about twice the heartbeat timeout, having
	 * ended the session by its socket. A session that merely ends frees its lock only when
	 * its server process has gone, after the client's close returned. Idempotent.
	 */
	@Override
	public void close() {
		release(false);
	}

	/**
	 * Close as {@link #close()} does, and tell the waiters that the lock was let go cleanly,
	 * so that the one next in line becomes active without a takeover grace: call it only once
	 * the work this lock guarded has stopped. It tells only if this instance was active in this
	 * tenure and held the lock until the release; otherwise it is {@link #close()}.
	 */
	public void handOver() {
		release(true);
	}

	private void release(boolean handingOver) {
		boolean wasActive;
		synchronized (this) {
			if (this.closed) {
				return;
			}
			this.handingOver = handingOver;
			this.closed = true;
			wasActive = this.active;
			this.active = false;
		}
		if (Thread.currentThread() != this.heartbeat) {
			// the lock's own thread frees the lock: one thread at a time may use the session
			try {
				this.heartbeat.join(CLOSE_POLL.plus(this.settings.heartbeatTimeout().multipliedBy(2))
					.plusSeconds(2)
					.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			this.session.close();
		}
		if (wasActive) {
			tell(() -> this.listener.deactivated(this, "released"));
		}
	}

	private void run() {
		long interval = this.settings.heartbeatInterval().toNanos();
		long grace = this.grace;
		try {
			while (!this.closed) {
				if (this.expired) {
					this.lostAtDeadline = true;
					throw new SessionLostException(
							"no good heartbeat within the deadline of " + this.settings.holderDeadline().toMillis() + " ms");
				}
				// the interval runs from the start of the last good beat, so that the deadline leaves
				// each beat the whole timeout, however long the one before took
				long now = System.nanoTime();
				long due = this.lastGoodBeat + interval;
				long next = (this.active ? due : Math.min(due, this.lockedAt + grace)) - now;
				if (next > 0) {
					this.session.await(Duration.ofNanos(Math.min(next, CLOSE_POLL.toNanos())));
					continue;
				}
				long start = System.nanoTime();
				this.session.heartbeat();
				long took = System.nanoTime() - start;
				if (took * 2 > this.settings.heartbeatTimeout().toNanos()) {
					// half the timeout gone: the next slow one may cost the lock
					tell(() -> this.listener.slowHeartbeat(this, Duration.ofNanos(took)));
				}
				if (System.nanoTime() - (this.lastGoodBeat + this.settings.holderDeadline().toNanos()) > 0) {
					// the thread did not run in time (a pause): the deadline has passed, whatever the beat says
					this.lostAtDeadline = true;
					throw new SessionLostException("no heartbeat for " + Duration.ofNanos(start - this.lastGoodBeat).toMillis()
							+ " ms, past the deadline of " + this.settings.holderDeadline().toMillis() + " ms");
				}
				this.lastGoodBeat = start;
				if (!this.active && !this.expired && start - this.lockedAt - grace >= 0 && activate()) {
					tell(() -> this.listener.activated(this));
				}
			}
			if (this.handingOver && this.everActive) {
				this.session.unlockHandingOver();
			}
			else {
				this.session.unlock();
			}
		}
		catch (SessionLostException ex) {
			// a beat that timed out ended at the deadline: the network went silent, or the server did
			this.lostAtDeadline |= System.nanoTime() - (this.lastGoodBeat + this.settings.holderDeadline().toNanos()) >= 0;
			lose(ex.getMessage());
		}
		catch (RuntimeException | Error ex) {
			lose("the heartbeat failed: " + ex);
			if (ex instanceof Error error) {
				throw error;
			}
		}
		finally {
			this.session.close();
		}
	}

	/**
	 * Tell the listener of an edge. What it throws goes where an uncaught exception of this
	 * thread would, and costs nothing else: a listener's failure is not the lock's.
	 */
	private static void tell(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			Thread thread = Thread.currentThread();
			thread.getUncaughtExceptionHandler().uncaughtException(thread, ex);
		}
	}

	/** Become active unless closed meanwhile: close and loss each see the other's state. */
	private synchronized boolean activate() {
		if (this.closed) {
			return false;
		}
		this.active = true;
		this.everActive = true;
		return true;
	}

	private void lose(String reason) {
		boolean wasActive;
		synchronized (this) {
			// once: a loss told by a fenced-out writer ends the session under the heartbeat
			if (this.closed || this.lossReason != null) {
				return;
			}
			this.lossReason = reason;
			wasActive = this.active;
			this.active = false;
		}
		this.session.close();
		tell(() -> this.listener.lost(this, reason, wasActive));
	}

	/** This host's name, looked up once: the lookup may ask a name service. */
	static String hostName() {
		String name = hostName;
		if (name == null) {
			try {
				name = InetAddress.getLocalHost().getHostName();
			}
			catch (UnknownHostException ex) {
				name = System.getenv().getOrDefault("HOSTNAME", "unknown-host");
			}
			hostName = name;
		}
		return name;
	}

	@Override
	public String toString() {
		return "ClusterLock[" + this.settings.name() + " on " + getDatabase() + ", " + this.identity + "]";
	}

	/**
	 * Told of a cluster lock's edges. Called on the lock's own thread, except
	 * {@link #waiting} (on the waiting thread) and {@link #deactivated} on close (on the
	 * closing thread). A listener must return quickly: the lock's thread beats no heartbeat
	 * meanwhile. What it throws from an edge is handed to the thread's uncaught exception
	 * handler, and the lock goes on.
	 */
	public interface Listener {

		/**
		 * While waiting, after each attempt that found the lock held.
		 * @param holder the holder
		 * @param message a sentence that names it
		 */
		default void waiting(ClusterLockHolder holder, String message) {
		}

		/**
		 * While waiting, after each attempt that could not reach the database; the next
		 * attempt connects again.
		 * @param message a sentence that names the database and the cause
		 */
		default void unreachable(String message) {
		}

		/**
		 * A heartbeat succeeded but took more than half the heartbeat timeout: a slower one
		 * would cost the lock.
		 * @param lock the lock
		 * @param took how long it took
		 */
		default void slowHeartbeat(ClusterLock lock, Duration took) {
		}

		/**
		 * This instance became active.
		 * @param lock the lock
		 */
		default void activated(ClusterLock lock) {
		}

		/**
		 * The lock was lost: the session ended, stopped holding the lock, or its deadline
		 * passed. This instance is no longer active, and the lock will not come back.
		 * @param lock the lock
		 * @param reason why, in a sentence
		 * @param wasActive whether this instance was active until now
		 */
		default void lost(ClusterLock lock, String reason, boolean wasActive) {
		}

		/**
		 * This instance stopped being active because the lock was closed.
		 * @param lock the lock
		 * @param reason why
		 */
		default void deactivated(ClusterLock lock, String reason) {
		}

	}

}
