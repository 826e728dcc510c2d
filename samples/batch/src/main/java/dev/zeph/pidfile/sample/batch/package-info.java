/**
 * The batch sample: a job that never overlaps with itself.
 */
@NullMarked
package dev.zeph.pidfile.sample.batch;

import org.jspecify.annotations.NullMarked;
