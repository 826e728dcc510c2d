/**
 * One active instance across hosts: a PostgreSQL session-level advisory lock, or a MySQL or
 * MariaDB named lock, which dies with its session as {@code flock(2)} dies with its process,
 * held on a connection of its own and watched by a heartbeat.
 *
 * @see dev.zeph.pidfile.cluster.ClusterLock
 */
@NullMarked
package dev.zeph.pidfile.cluster;

import org.jspecify.annotations.NullMarked;
