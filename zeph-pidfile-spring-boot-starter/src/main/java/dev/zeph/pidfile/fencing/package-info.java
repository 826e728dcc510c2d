/**
 * Fenced writes: a transaction that runs only under this instance's current fencing token,
 * checked by the database that holds the cluster lock, atomically with the writes.
 */
@NullMarked
package dev.zeph.pidfile.fencing;

import org.jspecify.annotations.NullMarked;
