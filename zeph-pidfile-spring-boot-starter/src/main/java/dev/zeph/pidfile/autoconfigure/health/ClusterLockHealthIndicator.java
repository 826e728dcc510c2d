package dev.zeph.pidfile.autoconfigure.health;

import dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock;
import dev.zeph.pidfile.cluster.HolderIdentity;
import dev.zeph.pidfile.standby.ActiveInstance;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code UP} while this instance holds the cluster lock (during the takeover grace too, with
 * {@code active} false) and, in standby mode, while it stands by; {@code DOWN} once the lock
 * is lost in the other modes, or while the database cannot hold it. The details say the role,
 * and for a standby who holds the lock and for how long it has waited. No database call: the
 * lock's own heartbeat and tries keep what it reports current.
 */
final class ClusterLockHealthIndicator extends AbstractHealthIndicator {

	private static final String GUARD = "cluster";

	private final @Nullable ApplicationClusterLock lock;

	private final @Nullable ActiveInstance instance;

	ClusterLockHealthIndicator(@Nullable ApplicationClusterLock lock, @Nullable ActiveInstance instance) {
		super("Cluster lock health check failed");
		this.lock = lock;
		this.instance = instance;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ApplicationClusterLock lock = this.lock;
		if (lock == null) {
			builder.unknown().withDetail("reason", "No cluster lock is held, see the startup log");
			return;
		}
		ActiveInstance instance = this.instance;
		boolean held = lock.isHeld();
		String unusable = (instance != null && !held) ? instance.unusable(GUARD) : null;
		boolean up = held || (instance != null && instance.isStandbyMode() && unusable == null);
		(up ? builder.up() : builder.down()).withDetail("lock", lock.getName()).withDetail("database", lock.getDatabase());
		if (instance != null) {
			builder.withDetails(instance.describe(GUARD));
		}
		HolderIdentity identity = lock.getIdentity();
		if (held && identity != null) {
			builder.withDetail("host", identity.host())
				.withDetail("pid", identity.pid())
				.withDetail("since", identity.since().toString())
				.withDetail("backendPid", lock.getBackendPid());
		}
		if (held) {
			lock.getFencingToken().ifPresent((token) -> builder.withDetail("fencingToken", token));
		}
		builder.withDetail("active", lock.isActive());
		if (held) {
			builder.withDetail("lastHeartbeatAge", String.valueOf(lock.getLastHeartbeatAge()));
		}
		lock.getLossReason().ifPresent((reason) -> builder.withDetail("lossReason", reason));
	}

}
