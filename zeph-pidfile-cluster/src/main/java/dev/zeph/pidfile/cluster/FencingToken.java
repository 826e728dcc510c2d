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

	private final Check check;

	FencingToken(String lockName, String database, String table, long value, Duration serverTimeout,
			Duration waited, boolean synchronouslyReplicated, @Nullable String replicationWarning, Check check) {
		this.lockName = lockName;
		this.database = database;
		this.table = table;
		this.value = value;
		this.serverTimeout = serverTimeout;
		this.waited = waited;
		this.synchronouslyReplicated = synchronouslyReplicated;
		this.replicationWarning = replicationWarning;
		this.check = check;
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
	 * end: the new holder's increment waits for each of them.
	 * @return the wait, a few microseconds when none was in flight
	 */
	public Duration getWaited() {
		return this.waited;
	}

	/**
	 * Whether the increment was committed where a failover keeps it: on PostgreSQL, the server
	 * named synchronous standbys and the session's commits wait for them; on MySQL and MariaDB,
	 * the server has semi-synchronous replication on. Without that, a primary that fails over may
	 * lose the latest increment, and the next holder be given the same token.
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
	 * this token is still the current one, and lock the counter's row in share mode until the
	 * transaction ends: a new holder's increment then waits for this transaction to end, and a
	 * transaction that checks after the increment fails here. So every write this transaction
	 * makes commits before the next holder's token exists, or not at all.
	 * <p>
	 * Only so: a check on PostgreSQL {@code FOR KEY SHARE} does not stop the increment (it
	 * changes no key), and a check in autocommit or on another connection ends before the write,
	 * so the increment could slip in between. The check also bounds how long the transaction may
	 * stay idle, to the lock's server timeout unless the session has a shorter bound, so that a
	 * writer frozen in the middle of it cannot hold off the next holder for ever: on PostgreSQL
	 * {@code idle_in_transaction_session_timeout}, for the transaction; on MySQL and MariaDB the
	 * session's {@code wait_timeout}, which has no transaction scope, so call
	 * {@link #restore(Connection)} once the transaction has ended. MySQL and MariaDB tell a
	 * session without the {@code PROCESS} privilege nothing of its own transaction, so there a
	 * check after a write is not refused: keep it first.
	 * @param connection the connection of the write, in a transaction that has not written yet
	 * @throws StaleFencingTokenException if another holder's token is current: roll back
	 * @throws IllegalStateException if the connection is in autocommit, or (on PostgreSQL) the
	 * transaction has written already
	 * @throws SQLException if the check could not run (the table is missing on that database, a
	 * serialization failure under {@code REPEATABLE READ})
	 */
	public void check(Connection connection) throws SQLException, StaleFencingTokenException {
		if (connection.getAutoCommit()) {
			throw new IllegalStateException("The " + this + " was checked on a connection in autocommit: the check"
					+ " must be the first statement of the write's own transaction, which holds the next holder's"
					+ " increment off until it ends; in autocommit the increment can slip in before the write");
		}
		this.check.check(connection, this);
	}

	/**
	 * Give the session of a connection whose transaction checked this token, once that
	 * transaction has ended, the bound on its idle time it had before the check: nothing to do
	 * on PostgreSQL, where the bound ends with the transaction; on MySQL and MariaDB the session
	 * keeps it until then, and a pool's idle connection would be ended by the server.
	 * @param connection the connection, its transaction ended
	 * @throws SQLException if the session could not be told
	 */
	public void restore(Connection connection) throws SQLException {
		this.check.restore(connection);
	}

	Duration getServerTimeout() {
		return this.serverTimeout;
	}

	/**
	 * A raised token, and when the increment that raised it began.
	 * @param token the token
	 * @param began when, as {@link System#nanoTime()}: the session was alive then
	 */
	record Raised(FencingToken token, long began) {

	}

	/**
	 * How the engine that raised a token checks it, within the writer's transaction.
	 */
	interface Check {

		/**
		 * Check the token on a connection in a transaction, locking the counter's row in share mode.
		 * @param connection the writer's connection, not in autocommit
		 * @param token the token
		 * @throws SQLException if the check could not run
		 * @throws StaleFencingTokenException if another token is current
		 */
		void check(Connection connection, FencingToken token) throws SQLException, StaleFencingTokenException;

		/**
		 * Undo what the check set beyond the transaction, which has ended.
		 * @param connection the writer's connection
		 * @throws SQLException if the session could not be told
		 */
		default void restore(Connection connection) throws SQLException {
		}

	}

	@Override
	public String toString() {
		return "fencing token " + this.value + " of lock '" + this.lockName + "' (" + this.table + " on "
				+ this.database + ")";
	}

}
