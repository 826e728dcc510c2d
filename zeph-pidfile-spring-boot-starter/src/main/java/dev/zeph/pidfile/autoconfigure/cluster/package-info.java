/**
 * The cluster lock in a Spring Boot application: one active instance per lock name across
 * hosts, on a database session lock ({@code dev.zeph:zeph-pidfile-cluster}). The bean and events
 * that applications use ({@link dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock},
 * {@link dev.zeph.pidfile.autoconfigure.cluster.ClusterLockActivatedEvent},
 * {@link dev.zeph.pidfile.autoconfigure.cluster.ClusterLockLostEvent}), the properties, and,
 * package-private, the initializer that takes the lock, the session opened ahead of it, and the
 * guard that joins the lock to the {@link dev.zeph.pidfile.standby.ActiveInstance}. Only this
 * package refers to the cluster module, so that the starter runs without it.
 */
@NullMarked
package dev.zeph.pidfile.autoconfigure.cluster;

import org.jspecify.annotations.NullMarked;
