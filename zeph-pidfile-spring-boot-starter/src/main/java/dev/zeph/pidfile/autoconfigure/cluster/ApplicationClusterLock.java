package dev.zeph.pidfile.autoconfigure;

import java.time.Duration;
import java.util.Optional;

import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.cluster.HolderIdentity;

/**
 * The cluster lock this application holds, registered as the bean {@value #BEAN_NAME} before
 * the context is refreshed. Work that must run on one instance of the fleet at a time checks
 * {@link #isActive()} before it starts.
 */
public final class ApplicationClusterLock {

	/** The name of the singleton bean. */
	public static final String BEAN_NAME = "zephClusterLock";

	private final ClusterLock lock;

	private final String name;

	private final Duration acquisitionTime;

	ApplicationClusterLock(ClusterLock lock, String name, Duration acquisitionTime) {
		this.lock = lock;
		this.name = name;
		this.acquisitionTime = acquisitionTime;
	}

	/**
	 * Whether this instance is the active one: it holds the lock, the takeover grace has
	 * passed and its heartbeat is recent. No database call.
	 * @return whether work may run here
	 */
	public boolean isActive() {
		return this.lock.isActive();
	}

	/**
	 * Whether this instance still holds the lock, as far as it can know; it holds it during
	 * the takeover grace without being active yet.
	 * @return whether it holds the lock
	 */
	public boolean isHeld() {
		return this.lock.isHeld();
	}

	/**
	 * The lock's name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * The database that holds the lock, as {@code host:port/dbname}.
	 * @return the database
	 */
	public String getDatabase() {
		return this.lock.getDatabase();
	}

	/**
	 * This instance as the other instances see it: host, pid, and since when it holds the lock.
	 * @return the identity
	 */
	public HolderIdentity getIdentity() {
		return this.lock.getIdentity();
	}

	/**
	 * The server process of the lock's session.
	 * @return its pid on the database server
	 */
	public long getBackendPid() {
		return this.lock.getBackendPid();
	}

	/**
	 * How long ago the last good heartbeat began.
	 * @return the age
	 */
	public Duration getLastHeartbeatAge() {
		return this.lock.getLastHeartbeatAge();
	}

	/**
	 * Why the lock was lost, if it was.
	 * @return the reason
	 */
	public Optional<String> getLossReason() {
		return this.lock.getLossReason();
	}

	/**
	 * How long taking the lock took at startup, waiting for it included.
	 * @return the duration
	 */
	Duration getAcquisitionTime() {
		return this.acquisitionTime;
	}

	void close() {
		this.lock.close();
	}

	@Override
	public String toString() {
		return "ApplicationClusterLock['" + this.name + "' on " + getDatabase() + ", " + getIdentity() + "]";
	}

}
