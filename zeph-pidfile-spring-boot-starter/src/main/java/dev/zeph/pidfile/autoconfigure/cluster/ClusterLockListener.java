package dev.zeph.pidfile.autoconfigure.cluster;

import java.time.Duration;
import java.util.OptionalLong;

import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.cluster.ClusterLockHolder;
import dev.zeph.pidfile.standby.ActiveInstanceDeactivatedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What the cluster lock tells its guard: logged, once per holder and once a minute while it
 * waits, and passed on to the active instance as edges with the lock's own events.
 */
final class ClusterLockListener implements ClusterLock.Listener {

	private static final Duration WAIT_LOG_INTERVAL = Duration.ofMinutes(1);

	private static final Log logger = LogFactory.getLog(ClusterGuard.class);

	private final ClusterGuard guard;

	private @Nullable ClusterLockHolder lastHolder;

	private long lastLog;

	private long lastUnreachableLog;

	ClusterLockListener(ClusterGuard guard) {
		this.guard = guard;
	}

	/** Once per holder, and again every minute while the same one holds it. */
	@Override
	public void waiting(ClusterLockHolder holder, String message) {
		this.lastUnreachableLog = 0;
		long now = System.nanoTime();
		if (!holder.equals(this.lastHolder) || now - this.lastLog >= WAIT_LOG_INTERVAL.toNanos()) {
			logger.info("Waiting for the cluster lock: " + message);
			this.lastHolder = holder;
			this.lastLog = now;
		}
		this.guard.edges().waiting(holder.identity().map(Object::toString).orElse(holder.session()));
	}

	/** On the first failed attempt after a good one, and again every minute. */
	@Override
	public void unreachable(String message) {
		long now = System.nanoTime();
		if (this.lastUnreachableLog == 0 || now - this.lastUnreachableLog >= WAIT_LOG_INTERVAL.toNanos()) {
			logger.warn("Waiting for the cluster lock, reconnecting: " + message);
			this.lastUnreachableLog = now;
		}
		this.guard.edges().unusable(message);
	}

	@Override
	public void slowHeartbeat(ClusterLock lock, Duration took) {
		logger.warn("Slow heartbeat of cluster lock '" + lock.getSettings().name() + "' on " + lock.getDatabase() + ": "
				+ took.toMillis() + " ms of a " + lock.getSettings().heartbeatTimeout().toMillis() + " ms timeout");
	}

	@Override
	public void activated(ClusterLock lock) {
		OptionalLong token = lock.getFencingToken()
			.map((fencing) -> OptionalLong.of(fencing.getValue()))
			.orElseGet(OptionalLong::empty);
		this.guard.edges().activated(new ClusterLockActivatedEvent(this.guard.getLock(), token));
	}

	@Override
	public void lost(ClusterLock lock, String reason, boolean wasActive) {
		logger.error("Lost cluster lock '" + lock.getSettings().name() + "' on " + lock.getDatabase() + ": " + reason
				+ ". This instance is no longer active; another may become active");
		ApplicationClusterLock applicationLock = this.guard.getLock();
		applicationLock.lost();
		this.guard.edges()
			.lost(lock.wasLostAtDeadline() ? ActiveInstanceDeactivatedEvent.Reason.DEADLINE
					: ActiveInstanceDeactivatedEvent.Reason.LOST, reason,
					new ClusterLockLostEvent(applicationLock, reason, wasActive));
	}

}
