/**
 * The web sample as the start-up and health benchmarks see it: its two jars, a JDK to run
 * them on, one measured start, and an instance left running.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.sample;

import org.jspecify.annotations.NullMarked;
