package dev.zeph.pidfile.cluster;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Another session holds the lock: another instance is active.
 */
public final class ClusterLockHeldException extends ClusterLockException {

	private static final long serialVersionUID = 1L;

	private final transient ClusterLockHolder holder;

	ClusterLockHeldException(String lockName, String database, ClusterLockHolder holder) {
		super(lockName, database, message(lockName, database, holder), null);
		this.holder = holder;
	}

	private static String message(String lockName, String database, ClusterLockHolder holder) {
		String where = "Cluster lock '" + lockName + "' on " + database;
		@Nullable HolderIdentity identity = holder.identity().orElse(null);
		if (holder.backendPid() == 0) {
			return where + " is held, by a session that let go and took it again each time this one looked";
		}
		if (identity == null) {
			return where + " is held by " + holder.session() + ", a session that did not say who it is"
					+ holder.applicationName().map((name) -> " ('" + name + "')").orElse("");
		}
		if (!identity.isFor(lockName)) {
			return where + " is held under the same key by lock '" + identity.name() + "' (" + identity
					+ ", " + holder.session() + "): the two names hash alike; rename one of them";
		}
		return where + " is held by " + identity + ", " + holder.session();
	}

	/**
	 * The session that holds the lock.
	 * @return the holder
	 */
	public ClusterLockHolder getHolder() {
		return this.holder;
	}

	/**
	 * Whether the holder took the same key under another name.
	 * @return whether the names collide
	 */
	public boolean isCollision() {
		return this.holder.identity().map((identity) -> !identity.isFor(getLockName())).orElse(false);
	}

	/**
	 * The holder's identity, when it wrote one.
	 * @return the identity
	 */
	public Optional<HolderIdentity> getHolderIdentity() {
		return this.holder.identity();
	}

}
