package dev.zeph.pidfile.standby;

import java.util.List;

import org.springframework.context.ApplicationEvent;

/**
 * Published when this instance becomes the active one: every guard holds its lock past its
 * takeover grace, and the singleton work has been started. Followed, once in each tenure, by
 * one {@link ActiveInstanceDeactivatedEvent}; published in order with it on a thread of its
 * own ({@value ActivityEvents#THREAD_NAME}), never a lock's.
 */
public final class ActiveInstanceActivatedEvent extends ApplicationEvent {

	private static final long serialVersionUID = 1L;

	private final transient List<String> locks;

	ActiveInstanceActivatedEvent(ActiveInstance source, List<String> locks) {
		super(source);
		this.locks = List.copyOf(locks);
	}

	/**
	 * The locks that make this instance active, as the log names them.
	 * @return for example {@code cluster lock 'orders' on db:5432/jobs}
	 */
	public List<String> getLocks() {
		return this.locks;
	}

	@Override
	public ActiveInstance getSource() {
		return (ActiveInstance) super.getSource();
	}

}
