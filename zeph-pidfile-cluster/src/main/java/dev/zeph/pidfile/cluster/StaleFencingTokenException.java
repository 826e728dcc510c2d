package dev.zeph.pidfile.cluster;

import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

/**
 * A fencing token is no longer the current one: another instance took the lock since, or the
 * counter was raised by hand. The transaction that checked it must not commit.
 */
public final class StaleFencingTokenException extends ClusterLockException {

	private static final long serialVersionUID = 1L;

	/** The token that was checked. */
	private final long token;

	/** The current token, or {@code null} when the counter's row is gone. */
	private final @Nullable Long currentToken;

	StaleFencingTokenException(FencingToken token, @Nullable Long currentToken, @Nullable String currentHolder,
			@Nullable String since) {
		super(token.getLockName(), token.getDatabase(), "Fencing token " + token.getValue() + " of cluster lock '"
				+ token.getLockName() + "' on " + token.getDatabase() + " is no longer current: "
				+ ((currentToken != null) ? "token " + currentToken + " is, taken by " + currentHolder + " at " + since
						: "there is no token for the lock in " + token.getTable() + " (its row was deleted)")
				+ "; the transaction must not commit", null);
		this.token = token.getValue();
		this.currentToken = currentToken;
	}

	/**
	 * The token that was checked.
	 * @return the stale token
	 */
	public long getToken() {
		return this.token;
	}

	/**
	 * The current token.
	 * @return it, or empty when the counter's row is gone
	 */
	public OptionalLong getCurrentToken() {
		return (this.currentToken != null) ? OptionalLong.of(this.currentToken) : OptionalLong.empty();
	}

}
