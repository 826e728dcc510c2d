/**
 * Spring Boot support for zeph-pidfile: the pid-file lock is taken before the application
 * context is refreshed, so that a second instance stops before it binds a port or fires a
 * job (or, in standby mode, starts and waits for it), and is released after every other bean
 * has been destroyed; the cluster lock is taken right after it, where it is enabled.
 * <p>
 * This package holds the pid file's guard: the bean and event that applications use, the
 * refusals, the properties both guards share ({@link dev.zeph.pidfile.autoconfigure.GuardMode}),
 * and, package-private, the initializer that takes the lock. The cluster lock is in
 * {@code dev.zeph.pidfile.autoconfigure.cluster}, health in
 * {@code dev.zeph.pidfile.autoconfigure.health}, failure analysis in
 * {@code dev.zeph.pidfile.autoconfigure.diagnostics}, and what both guards run for singleton
 * work in {@code dev.zeph.pidfile.standby}.
 *
 * @see dev.zeph.pidfile.autoconfigure.PidFileProperties
 * @see dev.zeph.pidfile.autoconfigure.ApplicationPidFile
 */
@NullMarked
package dev.zeph.pidfile.autoconfigure;

import org.jspecify.annotations.NullMarked;
