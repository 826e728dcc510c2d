package dev.zeph.pidfile.fencing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.OptionalLong;

import javax.sql.DataSource;

import dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock;
import dev.zeph.pidfile.cluster.StaleFencingTokenException;
import org.jspecify.annotations.Nullable;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;
import org.springframework.jdbc.support.SQLExceptionTranslator;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The fencing check of this instance's cluster lock, in the current transaction of a
 * {@code DataSource}: the programmatic form of {@link Fenced}, for {@code TransactionTemplate}
 * and {@code JdbcTemplate} code. Call {@link #check()} first in the transaction, before any
 * write:
 * <pre class="code">
 * transactionTemplate.executeWithoutResult((status) -&gt; {
 *     fence.check();
 *     jdbcTemplate.update("UPDATE account SET balance = balance - ? WHERE id = ?", amount, id);
 * });
 * </pre>
 * The check locks the lock's row in the fencing table in share mode until the transaction ends
 * and fails unless this instance's token is the current one, so a new holder's increment waits
 * for the transaction, and a transaction that checks after the increment fails. Only so: a
 * check on another connection, or in autocommit, ends before the write, so the increment could
 * slip in between. On MySQL and MariaDB the check bounds the session's idle time, which has no
 * transaction scope there; the fence gives it back as the transaction ends, before the
 * connection returns to its pool.
 */
public final class Fence {

	private final DataSource dataSource;

	private final @Nullable ApplicationClusterLock lock;

	private final SQLExceptionTranslator translator;

	/**
	 * The connection of each transaction that checked, and its token, until the transaction
	 * ends: by connection, so that a transaction suspended for a new one is told apart from it.
	 */
	private final Map<Connection, Long> checked = Collections.synchronizedMap(new IdentityHashMap<>());

	/**
	 * A fence for the transactions of the given {@code DataSource}, which must reach the
	 * database that holds the lock's fencing table.
	 * @param dataSource the data source whose transactions the check joins
	 * @param lock the application's cluster lock, or {@code null} when it takes none
	 */
	public Fence(DataSource dataSource, @Nullable ApplicationClusterLock lock) {
		this.dataSource = dataSource;
		this.lock = lock;
		this.translator = new SQLErrorCodeSQLExceptionTranslator(dataSource);
	}

	/**
	 * Check this instance's fencing token in the current transaction, once per transaction: a
	 * second call in it, from a nested {@link Fenced} method, finds the row locked already.
	 * @throws FencedOutException if this instance is not active, or another token is current:
	 * the transaction must roll back, and a stale token makes this instance step down
	 * @throws IllegalTransactionStateException if no transaction of the data source is active
	 * on this thread
	 * @throws IllegalStateException if the application takes no cluster lock with fencing, or
	 * the transaction has written before the check
	 * @throws DataAccessException if the check could not run
	 */
	public void check() {
		ApplicationClusterLock lock = this.lock;
		if (lock == null) {
			throw new IllegalStateException("No cluster lock is taken, so there is no fencing token to check: set"
					+ " zeph.pidfile.cluster.enabled=true and zeph.pidfile.cluster.fencing.enabled=true");
		}
		ConnectionHolder holder = (ConnectionHolder) TransactionSynchronizationManager.getResource(this.dataSource);
		if (!TransactionSynchronizationManager.isActualTransactionActive() || holder == null) {
			throw new IllegalTransactionStateException("The fencing check of cluster lock '" + lock.getName()
					+ "' must run in the write's own transaction on " + this.dataSource + ", and none is active on"
					+ " this thread: call it in a @Transactional method or a TransactionTemplate of that DataSource");
		}
		OptionalLong token = lock.getFencingToken();
		if (token.isEmpty()) {
			throw new FencedOutException("Cluster lock '" + lock.getName() + "' on " + lock.getDatabase() + ": this"
					+ " instance is not the active one, so it may not write under a fencing token", null);
		}
		Connection connection = holder.getConnection();
		Long checked = this.checked.get(connection);
		if (checked != null && checked == token.getAsLong()) {
			return;
		}
		watch(lock, connection);
		try {
			lock.checkFencingToken(connection);
		}
		catch (StaleFencingTokenException ex) {
			throw new FencedOutException(ex.getMessage() + ". This instance stepped down", ex);
		}
		catch (SQLException ex) {
			DataAccessException translated = this.translator.translate("fencing token check", null, ex);
			throw (translated != null) ? translated : new UncategorizedSQLException("fencing token check", null, ex);
		}
		if (this.checked.containsKey(connection)) {
			this.checked.put(connection, token.getAsLong());
		}
	}

	/**
	 * This instance's fencing token while it is active, for resources that check it themselves.
	 * @return the token, or empty when this instance is not active
	 */
	public OptionalLong getToken() {
		ApplicationClusterLock lock = this.lock;
		return (lock != null) ? lock.getFencingToken() : OptionalLong.empty();
	}

	/**
	 * Once the transaction ends, forget its check and give its session back what the check
	 * bounded beyond it, before the connection goes back to the pool: registered ahead of the
	 * check, which may bound the session and then fail.
	 */
	private void watch(ApplicationClusterLock lock, Connection connection) {
		if (TransactionSynchronizationManager.isSynchronizationActive() && this.checked.putIfAbsent(connection, 0L) == null) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void afterCompletion(int status) {
					Fence.this.checked.remove(connection);
					try {
						lock.restoreAfterFencingCheck(connection);
					}
					catch (SQLException ex) {
						// the session is gone, or going: the pool finds it so and lends it to no one
					}
				}

			});
		}
	}

	@Override
	public String toString() {
		return "Fence[" + ((this.lock != null) ? this.lock.getName() : "no cluster lock") + " on " + this.dataSource + "]";
	}

}
