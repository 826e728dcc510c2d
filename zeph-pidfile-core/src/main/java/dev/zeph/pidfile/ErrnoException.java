package dev.zeph.pidfile;

/**
 * A failed system call, thrown by a {@link NativeAccess} and turned into a
 * {@link PidFileException} by the caller, which knows the path and the operation.
 */
final class ErrnoException extends Exception {

	private static final long serialVersionUID = 1L;

	private final transient SystemError error;

	ErrnoException(String call, SystemError error) {
		// no stack trace: these are expected outcomes (ENOENT, EWOULDBLOCK), not bugs
		super(call + ": " + error.describe(), null, false, false);
		this.error = error;
	}

	SystemError error() {
		return this.error;
	}

	boolean is(String name) {
		return this.error.name().equals(name);
	}

}
