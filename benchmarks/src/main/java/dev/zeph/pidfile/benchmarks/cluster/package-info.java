/**
 * The cluster lock under faults, beside Spring Integration's JDBC leader election, each in
 * JVMs of its own against one real PostgreSQL server.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.cluster;

import org.jspecify.annotations.NullMarked;
