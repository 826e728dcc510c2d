package dev.zeph.pidfile.autoconfigure;

import dev.zeph.pidfile.cluster.ClusterLockException;
import dev.zeph.pidfile.cluster.ClusterLockHeldException;

import org.springframework.boot.ExitCodeGenerator;

/**
 * The application did not start because it could not take the cluster lock: another instance
 * holds it (the already-running exit code, 75 by default), or the database cannot hold it
 * (69, EX_UNAVAILABLE: unreachable, bad credentials, a replica, a transaction pooler, a
 * server too old).
 */
public final class ClusterLockStartupException extends IllegalStateException implements ExitCodeGenerator {

	/** EX_UNAVAILABLE from sysexits.h: the lock engine cannot be used. */
	public static final int EX_UNAVAILABLE = 69;

	private static final long serialVersionUID = 1L;

	private final int exitCode;

	ClusterLockStartupException(ClusterLockException cause, int alreadyRunningExitCode) {
		super(cause.getMessage(), cause);
		this.exitCode = (cause instanceof ClusterLockHeldException) ? alreadyRunningExitCode : EX_UNAVAILABLE;
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

}
