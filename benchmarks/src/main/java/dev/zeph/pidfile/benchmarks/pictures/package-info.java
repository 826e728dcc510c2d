/**
 * Pictures drawn from real runs, as SVG: who was active when through a fault, and what the lock
 * adds to a start. Each is drawn by code from a run's own records, never by hand.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.pictures;

import org.jspecify.annotations.NullMarked;
