package dev.zeph.pidfile.cluster;

/**
 * The lock's session ended or no longer holds the lock.
 */
final class SessionLostException extends Exception {

	private static final long serialVersionUID = 1L;

	SessionLostException(String message, Throwable cause) {
		super(message, cause);
	}

	SessionLostException(String message) {
		super(message);
	}

}
