package dev.zeph.pidfile.autoconfigure.cluster;

import java.util.OptionalLong;

import org.springframework.context.ApplicationEvent;

/**
 * Published when this instance becomes the active one of the fleet: it holds the cluster lock
 * and the takeover grace has passed. Published on a thread of its own
 * ({@code zeph-active-instance-events}), never the heartbeat's, in order with the loss; at the
 * end of the context's refresh when the instance became active before the refresh ended, so
 * that {@code @EventListener} methods, registered at that end, see it.
 */
public final class ClusterLockActivatedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final OptionalLong fencingToken;

	ClusterLockActivatedEvent(ApplicationClusterLock source, OptionalLong fencingToken) {
		super(source);
		this.fencingToken = fencingToken;
	}

	/**
	 * The fencing token of the tenure that became active.
	 * @return the token, or empty when the lock hands out none
	 */
	public OptionalLong getFencingToken() {
		return this.fencingToken;
	}

	@Override
	public ApplicationClusterLock getSource() {
		return (ApplicationClusterLock) super.getSource();
	}

}
