/**
 * Singleton work across the instances that share a lock: which instance is active, what runs
 * only there ({@link dev.zeph.pidfile.standby.ActiveInstanceOnly}), and the machinery that
 * starts that work when the instance becomes active and stops it, within a budget, before the
 * lock is let go. One mechanism for both guards, the pid file on one host and the cluster lock
 * across hosts: each guard implements {@link dev.zeph.pidfile.standby.StandbyGuard}.
 *
 * @see dev.zeph.pidfile.standby.ActiveInstance
 * @see dev.zeph.pidfile.standby.ActiveInstanceOnly
 */
@NullMarked
package dev.zeph.pidfile.standby;

import org.jspecify.annotations.NullMarked;
