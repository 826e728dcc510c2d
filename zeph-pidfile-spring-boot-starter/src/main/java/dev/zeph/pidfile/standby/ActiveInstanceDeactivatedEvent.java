package dev.zeph.pidfile.standby;

import org.springframework.context.ApplicationEvent;

/**
 * Published once when this instance stops being the active one, after its singleton work has
 * stopped: the one event that ends each tenure begun by an {@link ActiveInstanceActivatedEvent},
 * also when the application stops and after a lost connection. Published in order with it on
 * a thread of its own ({@value ActivityEvents#THREAD_NAME}); at shutdown, before the
 * context closes.
 */
public final class ActiveInstanceDeactivatedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final Reason reason;

	private final String detail;

	ActiveInstanceDeactivatedEvent(ActiveInstance source, Reason reason, String detail) {
		super(source);
		this.reason = reason;
		this.detail = detail;
	}

	/**
	 * Why this instance stopped being active.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	/**
	 * What happened, in a sentence.
	 * @return the detail
	 */
	public String getDetail() {
		return this.detail;
	}

	@Override
	public ActiveInstance getSource() {
		return (ActiveInstance) super.getSource();
	}

	/**
	 * Why an instance stops being active.
	 */
	public enum Reason {

		/** It let go of the lock: the application stopped, or it yielded. */
		RELEASED,

		/** The lock was taken from it: a session ended, a pid file was replaced. */
		LOST,

		/** Its lock's deadline passed without a word from the database: a pause, a silent network. */
		DEADLINE

	}

}
