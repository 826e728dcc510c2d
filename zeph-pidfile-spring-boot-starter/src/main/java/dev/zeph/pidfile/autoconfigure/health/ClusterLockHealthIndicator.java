package dev.zeph.pidfile.autoconfigure.health;

import dev.zeph.pidfile.autoconfigure.ApplicationClusterLock;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code UP} while this instance holds the cluster lock (during the takeover grace too, with
 * {@code active} false), {@code DOWN} once it is lost or its heartbeat is past its deadline.
 * No database call: the lock's own heartbeat keeps what it reports current.
 */
final class ClusterLockHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable ApplicationClusterLock lock;

	ClusterLockHealthIndicator(@Nullable ApplicationClusterLock lock) {
		super("Cluster lock health check failed");
		this.lock = lock;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ApplicationClusterLock lock = this.lock;
		if (lock == null) {
			builder.unknown().withDetail("reason", "No cluster lock is held, see the startup log");
			return;
		}
		(lock.isHeld() ? builder.up() : builder.down()).withDetail("lock", lock.getName())
			.withDetail("database", lock.getDatabase())
			.withDetail("host", lock.getIdentity().host())
			.withDetail("pid", lock.getIdentity().pid())
			.withDetail("since", lock.getIdentity().since().toString())
			.withDetail("backendPid", lock.getBackendPid())
			.withDetail("active", lock.isActive())
			.withDetail("lastHeartbeatAge", lock.getLastHeartbeatAge().toString());
		lock.getLossReason().ifPresent((reason) -> builder.withDetail("lossReason", reason));
	}

}
