/**
 * The JDBC sample: a web service with a connection pool that reads its database at start-up,
 * as most services that want the cluster lock already are.
 */
@NullMarked
package dev.zeph.pidfile.sample.jdbc;

import org.jspecify.annotations.NullMarked;
