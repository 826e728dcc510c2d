/**
 * What the cluster lock adds to the web sample's start-up, and what a refused start costs,
 * each paired with the same application in the same run.
 */
@NullMarked
package dev.zeph.pidfile.benchmarks.startup;

import org.jspecify.annotations.NullMarked;
