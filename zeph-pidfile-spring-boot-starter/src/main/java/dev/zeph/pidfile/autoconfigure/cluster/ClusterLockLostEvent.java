package dev.zeph.pidfile.autoconfigure;

import org.springframework.context.ApplicationEvent;

/**
 * Published once when this instance lost its cluster lock: its session ended (terminated, a
 * server restart, a network gone silent) or stopped holding the lock, or its heartbeat missed
 * its deadline. The instance is no longer active from that moment; with
 * {@code zeph.pidfile.on-loss=exit}, the default, the application then closes and exits
 * with 70. Published on a thread of its own ({@code zeph-cluster-lock-events}), never the
 * heartbeat's, in order with the activation. A loss before the end of the context's refresh
 * is published at that end with {@code keep-running}; with {@code exit} it fails the start
 * there, with 70, and the application never becomes ready.
 */
public final class ClusterLockLostEvent extends ApplicationEvent implements LockLostEvent {

	private static final long serialVersionUID = 1L;

	private final String reason;

	private final boolean wasActive;

	ClusterLockLostEvent(ApplicationClusterLock source, String reason, boolean wasActive) {
		super(source);
		this.reason = reason;
		this.wasActive = wasActive;
	}

	/**
	 * Why the lock was lost.
	 * @return the reason, in a sentence
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * Whether this instance was active until the loss, rather than still in its takeover grace.
	 * @return whether it was active
	 */
	public boolean wasActive() {
		return this.wasActive;
	}

	@Override
	public String describeLock() {
		return "cluster lock '" + getSource().getName() + "'";
	}

	@Override
	public ApplicationClusterLock getSource() {
		return (ApplicationClusterLock) super.getSource();
	}

}
