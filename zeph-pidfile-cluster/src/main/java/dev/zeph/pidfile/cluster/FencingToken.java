package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The fencing token of one tenure of a cluster lock: a number that grows with each new holder,
 * raised on the lock's own session right after it locked and before it can become active, and
 * fixed for the tenure. A resource that remembers the highest token it has seen and refuses a
 * lower one turns away a holder that lost the lock without knowing it (a long pause, a frozen
 * VM); the database that holds the counter can check it exactly, within the write's own
 * transaction: {@link #check(Connection)}.
 */
public final class FencingToken {

	private final String lockName;

	private final String database;

	private final String table;

	private final long value;

	private final Duration serverTimeout;

	private final Duration waited;

	private final boolean synchronouslyReplicated;

	private final @Nullable String replicationWarning;

	FencingToken(String lockName, String database, String table, long value, Duration serverTimeout,
			Duration waited, boolean synchronouslyReplicated, @Nullable String replicationWarning) {
		this.lockName = lockName;
		this.database = database;
		this.table = table;
		this.value = value;
		this.serverTimeout = serverTimeout;
		this.waited = waited;
		this.synchronouslyReplicated = synchronouslyReplicated;
		this.replicationWarning = replicationWarning;
	}

	/**
	 * The token.
	 * @return its value, 1 for the first tenure of a lock name
	 */
	public long getValue() {
		return this.value;
	}

	/**
	 * The lock's name, the key of the token's row.
	 * @return the name
	 */
	public String getLockName() {
		return this.lockName;
	}

	/**
	 * The database that holds the counter, as {@code host:port/dbname}.
	 * @return the database
	 */
	public String getDatabase() {
		return this.database;
	}

	/**
	 * The counter's table, schema-qualified, as the check names it.
	 * @return the table
	 */
	public String getTable() {
		return this.table;
	}

	/**
	 * How long raising the token waited for transactions that had checked an earlier token to
	 * end, as the server measured it: the new holder's increment waits for each of them.
	 * @return the wait, a few microseconds when none was in flight
	 */
	public Duration getWaited() {
		return this.waited;
	}

	/**
	 * Whether the increment was committed where a failover keeps it: the server named
	 * synchronous standbys and the session's commits wait for them. Without that, a primary
	 * that fails over may lose the latest increment, and the next holder be given the same token.
	 * @return whether the token survives a failover to a synchronous standby
	 */
	public boolean isSynchronouslyReplicated() {
		return this.synchronouslyReplicated;
	}

	/**
	 * What the server warned as it committed the increment: a commit whose wait for its
	 * synchronous standbys was cancelled is committed on the primary only, and a failover may
	 * lose it.
	 * @return the warning, if any
	 */
	public Optional<String> getReplicationWarning() {
		return Optional.ofNullable(this.replicationWarning);
	}

	/**
	 * Check, as the first statement of the caller's transaction on the given connection, that
	 * this token is still the current one, and lock the counter's row {@code FOR SHARE} until
	 * the transaction ends: a new holder's increment then waits for this transaction to end,
	 * and a transaction that checks after the increment fails here. So every write this
	 * transaction makes commits before the next holder's token exists, or not at all.
	 * <p>
	 * Only so: a check {@code FOR KEY SHARE} does not stop the increment (it changes no key), and
	 * a check in autocommit or on another connection ends before the write, so the increment
	 * could slip in between. The check also bounds the transaction's idle time
	 * ({@code idle_in_transaction_session_timeout}, to the lock's server timeout unless the session
	 * has a shorter one), so that a writer frozen in the middle of it cannot hold off the next
	 * holder for ever.
	 * @param connection the connection of the write, in a transaction that has not written yet
	 * @throws StaleFencingTokenException if another holder's token is current: roll back
	 * @throws IllegalStateException if the connection is in autocommit, or the transaction has
	 * written already
	 * @throws SQLException if the check could not run (the table is missing on that database, a
	 * serialization failure under {@code REPEATABLE READ})
	 */
	public void check(Connection connection) throws SQLException, StaleFencingTokenException {
		PostgresFencing.check(connection, this);
	}

	Duration getServerTimeout() {
		return this.serverTimeout;
	}

	@Override
	public String toString() {
		return "fencing token " + this.value + " of lock '" + this.lockName + "' (" + this.table + " on "
				+ this.database + ")";
	}

}
