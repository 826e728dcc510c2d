package dev.zeph.pidfile.autoconfigure.cluster;

import dev.zeph.pidfile.autoconfigure.ExitOnLockLoss;
import dev.zeph.pidfile.cluster.ClusterLockException;
import dev.zeph.pidfile.cluster.ClusterLockHeldException;

import org.springframework.boot.ExitCodeGenerator;

/**
 * The application did not start because it could not take the cluster lock: another instance
 * holds it (the already-running exit code, 75 by default), or the database cannot hold it
 * (69, EX_UNAVAILABLE: unreachable, bad credentials, a replica, a transaction pooler, a
 * server too old); or because it lost the lock before it finished starting (70, as any loss
 * with {@code zeph.pidfile.on-loss=exit}).
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

	private ClusterLockStartupException(String message, int exitCode) {
		super(message);
		this.exitCode = exitCode;
	}

	/**
	 * The lock was taken and then lost before the application finished starting, with
	 * {@code zeph.pidfile.on-loss=exit}: the exit code of a loss, so that a supervisor starts
	 * the instance again.
	 */
	static ClusterLockStartupException lost(String lockName, String database, String reason) {
		return new ClusterLockStartupException("Lost cluster lock '" + lockName + "' on " + database
				+ " while the application was starting: " + reason, ExitOnLockLoss.EXIT_CODE);
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

}
