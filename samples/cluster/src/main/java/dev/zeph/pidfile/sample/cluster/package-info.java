/**
 * The cluster sample: a scheduled job that runs on one instance of a fleet at a time.
 */
@NullMarked
package dev.zeph.pidfile.sample.cluster;

import org.jspecify.annotations.NullMarked;
