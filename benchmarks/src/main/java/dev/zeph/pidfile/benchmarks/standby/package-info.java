/**
 * Hot standby measured as users run it, beside what they use instead: the same Spring Boot
 * service with singleton work, guarded by this project's standby mode, by Spring
 * Integration's leader initiator and by ShedLock, each at its defaults.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.standby;

import org.jspecify.annotations.NullMarked;
