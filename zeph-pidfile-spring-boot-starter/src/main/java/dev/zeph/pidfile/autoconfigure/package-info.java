/**
 * Spring Boot support for zeph-pidfile: the pid-file lock is taken before the application
 * context is refreshed, so that a second instance stops before it binds a port or fires a
 * job, and is released after every other bean has been destroyed.
 *
 * @see dev.zeph.pidfile.autoconfigure.PidFileProperties
 * @see dev.zeph.pidfile.autoconfigure.ApplicationPidFile
 */
@NullMarked
package dev.zeph.pidfile.autoconfigure;

import org.jspecify.annotations.NullMarked;
