/**
 * What the starter and the cluster lock add to the web sample's start-up, with and without
 * Boot's CDS archive or the AOT cache, what a refused start costs, and where the start-up cost
 * goes: each paired with the same application in the same run.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.startup;

import org.jspecify.annotations.NullMarked;
