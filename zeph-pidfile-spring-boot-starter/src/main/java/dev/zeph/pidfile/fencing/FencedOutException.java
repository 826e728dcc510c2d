package dev.zeph.pidfile.fencing;

import org.jspecify.annotations.Nullable;

import org.springframework.dao.NonTransientDataAccessException;

/**
 * A fenced transaction was refused: this instance is not the active one, or its fencing token
 * is no longer the current one, since another instance took the lock. Nothing the transaction
 * wrote commits. Retrying cannot succeed on this instance until it is active again with a new
 * token, so it is not transient; a refused token makes the instance step down, as on a loss
 * of the lock.
 */
public final class FencedOutException extends NonTransientDataAccessException {

	private static final long serialVersionUID = 1L;

	FencedOutException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
