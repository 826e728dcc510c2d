/**
 * Spring Boot support for zeph-pidfile: the pid-file lock is taken before the application
 * context is refreshed, so that a second instance stops before it binds a port or fires a
 * job, and is released after every other bean has been destroyed; the cluster lock is taken
 * right after it, where it is enabled.
 * <p>
 * This package holds the guards: the beans and events that applications use, the refusals,
 * the properties, and, package-private, the initializers that take the locks. Health is in
 * {@code dev.zeph.pidfile.autoconfigure.health}, failure analysis in
 * {@code dev.zeph.pidfile.autoconfigure.diagnostics}.
 *
 * @see dev.zeph.pidfile.autoconfigure.PidFileProperties
 * @see dev.zeph.pidfile.autoconfigure.ApplicationPidFile
 * @see dev.zeph.pidfile.autoconfigure.ApplicationClusterLock
 */
@NullMarked
package dev.zeph.pidfile.autoconfigure;

import org.jspecify.annotations.NullMarked;
