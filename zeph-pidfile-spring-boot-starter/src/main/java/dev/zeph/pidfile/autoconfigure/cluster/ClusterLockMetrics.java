package dev.zeph.pidfile.autoconfigure.cluster;

import dev.zeph.pidfile.autoconfigure.LockMeters;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The cluster lock's meters: the names every guard has ({@link LockMeters}) with
 * {@code guard=cluster} and the lock's name, and one more, {@value #ACTIVE}, since an instance
 * holds the lock during its takeover grace before it is the active one.
 */
final class ClusterLockMetrics implements MeterBinder {

	static final String ACTIVE = "zeph.lock.active";

	private final @Nullable ApplicationClusterLock lock;

	ClusterLockMetrics(@Nullable ApplicationClusterLock lock) {
		this.lock = lock;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ApplicationClusterLock lock = this.lock;
		if (lock == null) {
			return;
		}
		Tags tags = Tags.of(LockMeters.GUARD_TAG, "cluster", LockMeters.LOCK_TAG, lock.getName());
		LockMeters.bindShared(registry, tags, lock, (clusterLock) -> clusterLock.isHeld() ? 1 : 0,
				(clusterLock) -> clusterLock.getAcquisitionTime().toNanos(),
				"Time taken to acquire the lock, waiting included", ApplicationClusterLock::getLosses);
		Gauge.builder(ACTIVE, lock, (clusterLock) -> clusterLock.isActive() ? 1 : 0)
			.tags(tags)
			.description("Whether this instance is the active one of its fleet: 1 if it is, 0 if not")
			.register(registry);
	}

}
