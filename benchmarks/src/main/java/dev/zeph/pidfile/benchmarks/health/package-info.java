/**
 * What the pid file's health indicator adds to {@code GET /actuator/health}: over HTTP across
 * two instances, over HTTP inside one instance, and inside one JVM without HTTP.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.health;

import org.jspecify.annotations.NullMarked;
