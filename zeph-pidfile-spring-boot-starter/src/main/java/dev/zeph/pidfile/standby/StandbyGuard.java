package dev.zeph.pidfile.standby;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * What {@link ActiveInstance} needs of a guard, the pid file or the cluster lock: whether its
 * lock makes this instance active now, waiting for it in the background, and letting it go
 * once the work has stopped. A guard tells of its lock's edges through the {@link Edges} it
 * is given when it {@link ActiveInstance#add(StandbyGuard) joins}. Implemented by the guards;
 * not meant for applications.
 */
public interface StandbyGuard {

	/**
	 * The guard's name, as its health component and its meters' {@code guard} tag say it.
	 * @return {@code pidfile} or {@code cluster}
	 */
	String getName();

	/**
	 * The lock, for log lines and messages.
	 * @return for example {@code pid file /run/orders.pid}
	 */
	String describe();

	/**
	 * Whether this guard lets the instance be active at this instant: it holds the lock, its
	 * takeover grace has passed, and, where it has one, its deadline has not. Called at the
	 * start of every singleton run, so it must be local and cheap: no database call.
	 * @return whether work may run as far as this guard is concerned
	 */
	boolean isActive();

	/**
	 * Wait for the lock in the background, telling the edges: at start-up in standby mode when
	 * another instance holds it, and again after a loss. Returns at once.
	 */
	void await();

	/**
	 * Let go of the lock, or stop waiting for it, once the singleton work has stopped: a
	 * standby that waits for it becomes active at once where the guard can tell it that the
	 * release was clean. Idempotent.
	 */
	void handOver();

	/**
	 * Told by a guard of its lock's edges, from any thread; each returns quickly.
	 */
	interface Edges {

		/**
		 * Another instance holds the lock: this one stands by.
		 * @param holder who holds it, in a few words
		 */
		void waiting(String holder);

		/**
		 * The lock cannot be tried now (an unreachable database): this one stands by, and
		 * says why in its health.
		 * @param reason why, in a sentence
		 */
		void unusable(String reason);

		/**
		 * The lock is held and its takeover grace has passed.
		 * @param event the guard's own event for the edge, published in order with the rest
		 */
		void activated(@Nullable ApplicationEvent event);

		/**
		 * The lock was lost without being let go: the singleton work stops at once.
		 * @param reason why, for the deactivation event
		 * @param detail what happened, in a sentence
		 * @param event the guard's own event for the edge, published once the work has stopped
		 */
		void lost(ActiveInstanceDeactivatedEvent.Reason reason, String detail, @Nullable ApplicationEvent event);

	}

}
