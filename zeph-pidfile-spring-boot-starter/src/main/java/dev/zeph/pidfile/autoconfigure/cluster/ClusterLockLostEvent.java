package dev.zeph.pidfile.autoconfigure.cluster;

import dev.zeph.pidfile.autoconfigure.LockLostEvent;
import dev.zeph.pidfile.standby.ActiveInstance;

import org.springframework.context.ApplicationEvent;

/**
 * Published once when this instance lost its cluster lock: its session ended (terminated, a
 * server restart, a network gone silent) or stopped holding the lock, or its heartbeat missed
 * its deadline. The instance is no longer active from that moment; with
 * {@code zeph.pidfile.on-loss=exit}, the default, the application then closes and exits
 * with 70; in standby mode it stands by again. Published once the singleton work has stopped,
 * on a thread of its own ({@code zeph-active-instance-events}), never the heartbeat's, in order
 * with the activation. A loss before the end of the context's refresh is published at that end
 * with {@code keep-running}; with {@code exit} it fails the start there, with 70, and the
 * application never becomes ready.
 */
public final class ClusterLockLostEvent extends ApplicationEvent implements LockLostEvent, ActiveInstance.StartFailure {

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

	/**
	 * A loss before the end of the refresh fails the start with the exit code of a loss, in a
	 * mode that exits on loss.
	 */
	@Override
	public RuntimeException startFailure() {
		return ClusterLockStartupException.lost(getSource().getName(), getSource().getDatabase(), this.reason);
	}

	@Override
	public ApplicationClusterLock getSource() {
		return (ApplicationClusterLock) super.getSource();
	}

}
