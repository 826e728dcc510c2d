/**
 * The statistics every benchmark here reports: the median of paired values, its min–max and
 * its distribution-free confidence interval, and the verdict against a target.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.stats;

import org.jspecify.annotations.NullMarked;
