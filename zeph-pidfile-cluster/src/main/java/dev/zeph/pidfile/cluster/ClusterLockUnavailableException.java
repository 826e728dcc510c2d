package dev.zeph.pidfile.cluster;

import org.jspecify.annotations.Nullable;

/**
 * The lock engine cannot be used: the database cannot be reached or logged into, or it cannot
 * hold a session lock that protects anything.
 */
public final class ClusterLockUnavailableException extends ClusterLockException {

	private static final long serialVersionUID = 1L;

	/** Why the lock cannot be taken there. */
	private final Reason reason;

	/** What the database said, or why it cannot hold the lock. */
	private final String detail;

	ClusterLockUnavailableException(String lockName, String database, Reason reason, String detail,
			@Nullable Throwable cause) {
		super(lockName, database, "Cluster lock '" + lockName + "' on " + database + " cannot be used: " + detail,
				cause);
		this.reason = reason;
		this.detail = detail;
	}

	/**
	 * This failure, told of the given lock: a session opened ahead under one name may fail for
	 * a lock that the configuration names otherwise.
	 */
	ClusterLockUnavailableException forLock(String lockName) {
		return lockName.equals(getLockName()) ? this
				: new ClusterLockUnavailableException(lockName, getDatabase(), this.reason, this.detail, getCause());
	}

	/**
	 * Why the engine cannot be used.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * Why a database cannot hold the lock.
	 */
	public enum Reason {

		/** The driver the URL names does not take it as written. */
		URL_NOT_ACCEPTED,

		/** The driver the URL names is not on the class path. */
		NO_DRIVER,

		/** No connection could be made: host, port or network. */
		UNREACHABLE,

		/** The server refused the credentials or the database. */
		AUTHENTICATION,

		/** A server in recovery (a read replica): its locks are not the primary's. */
		REPLICA,

		/** A transaction pooler between: a session lock would stay on a connection others use. */
		POOLER,

		/** A Galera node or a multi-primary group member: its named locks are its node's alone. */
		MULTI_PRIMARY,

		/**
		 * Older than PostgreSQL 14 (no {@code idle_session_timeout}, so no lease on a frozen
		 * holder), MySQL 5.7.5 or MariaDB 10.0.2 (one named lock per session).
		 */
		SERVER_TOO_OLD,

		/** The lock was taken and then lost. */
		LOST,

		/** The fencing table is missing or not as the lock needs it, or the lock may not write it. */
		FENCING

	}

}
