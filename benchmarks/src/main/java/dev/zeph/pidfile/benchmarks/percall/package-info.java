/**
 * The per-call cost of a pid file in the steady state (JMH), against the C floor of the same
 * system calls run in the same minute.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.percall;

import org.jspecify.annotations.NullMarked;
