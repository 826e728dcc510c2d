package dev.zeph.pidfile;

import org.jspecify.annotations.Nullable;

/**
 * A failed system call, thrown by {@link NativeAccess} and turned into a
 * {@link PidFileException} by the caller, which knows the path and the operation.
 */
final class ErrnoException extends Exception {

	private static final long serialVersionUID = 1L;

	private final transient SystemError error;

	ErrnoException(String call, SystemError error) {
		// no stack trace: these are expected outcomes (ENOENT, EEXIST), not bugs
		super(call + ": " + error.describe(), null, false, false);
		this.error = error;
	}

	SystemError error() {
		return this.error;
	}

	/**
	 * The errno, for decisions.
	 * @return the errno, or {@code null} for a number with no name on this platform
	 */
	@Nullable Errno errno() {
		return this.error.errno();
	}

}
