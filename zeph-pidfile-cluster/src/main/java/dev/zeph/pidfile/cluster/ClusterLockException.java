package dev.zeph.pidfile.cluster;

/**
 * A cluster lock could not be taken or kept. Every message names the lock and the database.
 */
public abstract class ClusterLockException extends Exception {

	private static final long serialVersionUID = 1L;

	/** The lock's name. */
	private final String lockName;

	/** The database, as {@code host:port/dbname}. */
	private final String database;

	ClusterLockException(String lockName, String database, String message, Throwable cause) {
		super(message, cause);
		this.lockName = lockName;
		this.database = database;
	}

	/**
	 * The lock's name.
	 * @return the name
	 */
	public String getLockName() {
		return this.lockName;
	}

	/**
	 * The database, as {@code host:port/dbname}.
	 * @return the database
	 */
	public String getDatabase() {
		return this.database;
	}

}
