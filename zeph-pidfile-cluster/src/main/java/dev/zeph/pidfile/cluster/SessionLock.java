package dev.zeph.pidfile.cluster;

import java.time.Duration;
import java.util.Optional;

/**
 * One database session that can hold one named lock, the part of a cluster lock that depends
 * on the database: PostgreSQL's advisory locks here, MySQL's {@code GET_LOCK} could be another.
 * The lock is the session's: it ends with the session, however that ends.
 */
interface SessionLock extends AutoCloseable {

	/**
	 * The database, as {@code host:port/dbname}, for messages.
	 * @return the database
	 */
	String database();

	/**
	 * This session's server process.
	 * @return its pid on the server
	 */
	long backendPid();

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
	 * Say who holds the lock, where other sessions can read it.
	 * @param identity the holder's identity
	 * @throws SessionLostException if the session is gone
	 */
	void announce(HolderIdentity identity) throws SessionLostException;

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
	 * End the session, and with it the lock.
	 */
	@Override
	void close();

}
