/**
 * What a fenced write costs: the same one-row transaction with and without the fencing check,
 * interleaved on one connection pool against a real PostgreSQL server.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.fencing;

import org.jspecify.annotations.NullMarked;
