package dev.zeph.pidfile.cluster;

import java.time.Duration;
import java.util.Optional;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * One database session that can hold one named lock, the part of a cluster lock that depends
 * on the database: PostgreSQL's advisory locks, MySQL's and MariaDB's {@code GET_LOCK}. The
 * lock is the session's: it ends with the session, however that ends.
 */
interface SessionLock extends AutoCloseable {

	/**
	 * Connect to the database the settings' URL names, through the engine for it, refuse a
	 * server that cannot hold a lock worth having, and set the lease.
	 * @param settings the settings
	 * @return the session
	 * @throws ClusterLockUnavailableException if the database cannot hold the lock
	 */
	static SessionLock open(ClusterLockSettings settings) throws ClusterLockUnavailableException {
		return open(settings, true);
	}

	/**
	 * Connect and refuse as {@link #open(ClusterLockSettings)} does, leaving the lease to
	 * {@link #forLock(ClusterLockSettings)}.
	 * @param settings the settings
	 * @return the session
	 * @throws ClusterLockUnavailableException if the database cannot hold the lock
	 */
	static SessionLock openAhead(ClusterLockSettings settings) throws ClusterLockUnavailableException {
		return open(settings, false);
	}

	private static SessionLock open(ClusterLockSettings settings, boolean lease)
			throws ClusterLockUnavailableException {
		// the settings accept no other URL
		if (!settings.url().startsWith("jdbc:postgresql:")) {
			return MySqlSessionLock.open(settings, lease);
		}
		// looked for by name first: the engine's class links to the driver, which is optional
		try {
			Class.forName("org.postgresql.Driver", false, SessionLock.class.getClassLoader());
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw new ClusterLockUnavailableException(settings.name(),
					String.valueOf(ClusterLockSettings.withoutSecrets(settings.url())), Reason.NO_DRIVER,
					"the URL needs org.postgresql.Driver (org.postgresql:postgresql) on the class path; loading it"
							+ " failed: " + ex,
					ex);
		}
		return PostgresSessionLock.open(settings, lease);
	}

	/**
	 * The database, as {@code host:port/dbname}, for messages.
	 * @return the database
	 */
	String database();

	/**
	 * The server's id of this session: its server process, or its connection id.
	 * @return the id
	 */
	long backendPid();

	/**
	 * This session in the server's terms, for messages.
	 * @return the session, such as {@code backend PID 4242}
	 */
	String session();

	/**
	 * The lock as the server knows it, for operators who look it up there.
	 * @return the key, or the name
	 */
	String key();

	/**
	 * This session, opened ahead, made ready for the lock of the given settings: named for it,
	 * and given its lease. A session opened ahead has no lease until then, so that it may wait
	 * for as long as the start takes to need it.
	 * @param settings the settings of the lock to take on it
	 * @return the session for that lock
	 * @throws SessionLostException if the session is gone
	 */
	SessionLock forLock(ClusterLockSettings settings) throws SessionLostException;

	/**
	 * Try the lock once, without waiting.
	 * @return whether this session holds it now
	 * @throws SessionLostException if the session is gone
	 */
	boolean tryLock() throws SessionLostException;

	/**
	 * The session that holds the lock, if any other does.
	 * @return the holder
	 * @throws SessionLostException if the session is gone
	 */
	Optional<ClusterLockHolder> holder() throws SessionLostException;

	/**
	 * Try the lock once and, when another session holds it, find which: in one round trip
	 * where the engine can, since a waiting instance does this every acquire interval. A
	 * session that stands in line ({@link #joinLine()}) also tries for its place in it.
	 * @return {@code null} when this session holds the lock now; else its holder, or
	 * {@link ClusterLockHolder#unseen()} when the holder let go between the two looks
	 * @throws SessionLostException if the session is gone
	 */
	default @Nullable ClusterLockHolder tryLockOrFindHolder() throws SessionLostException {
		return tryLock() ? null : holder().orElseGet(ClusterLockHolder::unseen);
	}

	/**
	 * Say who holds the lock, where other sessions can read it.
	 * @param identity the holder's identity
	 * @throws SessionLostException if the session is gone
	 */
	void announce(HolderIdentity identity) throws SessionLostException;

	/**
	 * Raise the lock's fencing token, on this session that holds the lock: the increment waits
	 * for the transactions that checked an earlier token to end.
	 * @param settings the lock's settings, with fencing
	 * @param identity the new holder
	 * @return the token, and when the increment that raised it began
	 * @throws SessionLostException if the session is gone
	 * @throws ClusterLockUnavailableException if the table cannot hold the tokens, or the
	 * engine hands out none (the default)
	 */
	default FencingToken.Raised fence(ClusterLockSettings settings, HolderIdentity identity)
			throws SessionLostException, ClusterLockUnavailableException {
		throw new ClusterLockUnavailableException(settings.name(), database(),
				Reason.FENCING, "this database hands out no fencing tokens", null);
	}

	/**
	 * Check, within the heartbeat timeout, that this session still holds the lock and can
	 * protect anything with it.
	 * @throws SessionLostException if it does not
	 */
	void heartbeat() throws SessionLostException;

	/**
	 * Wait on the session's connection for at most the given time, returning early only when
	 * the session ends: a terminated session or a stopping server is noticed at once.
	 * @param timeout how long to wait
	 * @throws SessionLostException if the session ended
	 */
	void await(Duration timeout) throws SessionLostException;

	/**
	 * Free the lock, within the heartbeat timeout, and return once the server has: a session
	 * that merely ends frees its lock only when its server process has gone, after the
	 * client's close returned.
	 * @throws SessionLostException if the session is gone, or the server did not answer
	 */
	void unlock() throws SessionLostException;

	/**
	 * Join the waiters of the lock: hear of clean releases, and stand in line to be named by
	 * one, trying for the place at each {@link #tryLockOrFindHolder()}. A waiter keeps its
	 * place until it takes the lock or its session ends. An engine that cannot tell of a
	 * release (the default) leaves every takeover to the grace.
	 * @throws SessionLostException if the session is gone
	 */
	default void joinLine() throws SessionLostException {
	}

	/**
	 * Leave the line of waiters, once this session holds the lock, so that another waiter
	 * can be named next.
	 * @throws SessionLostException if the session is gone
	 */
	default void leaveLine() throws SessionLostException {
	}

	/**
	 * Wait as {@link #await(Duration)} does, and return early also when a holder tells of a
	 * clean release.
	 * @param timeout how long to wait
	 * @return the handover heard of, if any
	 * @throws SessionLostException if the session ended
	 */
	default Optional<Handover> awaitHandover(Duration timeout) throws SessionLostException {
		await(timeout);
		return Optional.empty();
	}

	/**
	 * Free the lock as {@link #unlock()} does and, if this session held it until then, tell
	 * the waiters that it was let go cleanly, naming the waiter next in line: called only by
	 * a holder that was active and whose work has stopped. An engine that cannot tell (the
	 * default) only unlocks.
	 * @throws SessionLostException if the session is gone, or the server did not answer
	 */
	default void unlockHandingOver() throws SessionLostException {
		unlock();
	}

	/**
	 * End the session, and with it the lock.
	 */
	@Override
	void close();

}
