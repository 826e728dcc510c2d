/**
 * The guards' health: the {@code pidfile} and {@code clusterLock} indicators, and the
 * auto-configurations that add them where Actuator's health support is present. The
 * indicators are package-private; they read only what the guards' beans make public.
 */
@NullMarked
package dev.zeph.pidfile.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
