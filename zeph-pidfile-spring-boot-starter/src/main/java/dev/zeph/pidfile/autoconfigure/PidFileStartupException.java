package dev.zeph.pidfile.autoconfigure;

import dev.zeph.pidfile.AlreadyRunningException;
import dev.zeph.pidfile.PidFileException;

import org.springframework.boot.ExitCodeGenerator;

/**
 * The application did not start because its pid file could not be locked. It carries the
 * {@link PidFileException} as its cause, for the failure analyzers, and an exit code, because
 * Spring Boot takes the exit code of a failed start from an {@link ExitCodeGenerator} in the
 * cause chain (only when the failure escapes {@code main}): a service manager or a script can
 * then tell "already running, try later" from "this pid file cannot work" without parsing
 * logs.
 */
public final class PidFileStartupException extends IllegalStateException implements ExitCodeGenerator {

	/** EX_TEMPFAIL from sysexits.h, the default for a start refused as already running. */
	public static final int EX_TEMPFAIL = 75;

	/** EX_CANTCREAT from sysexits.h: the pid file cannot be created or used. */
	public static final int EX_CANTCREAT = 73;

	private static final long serialVersionUID = 1L;

	private final int exitCode;

	PidFileStartupException(PidFileException cause, int exitCode) {
		super(cause.getMessage(), cause);
		this.exitCode = exitCode;
	}

	static PidFileStartupException of(PidFileException cause, int alreadyRunningExitCode) {
		return new PidFileStartupException(cause,
				(cause instanceof AlreadyRunningException) ? alreadyRunningExitCode : EX_CANTCREAT);
	}

	@Override
	public synchronized PidFileException getCause() {
		return (PidFileException) super.getCause();
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

}
