package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;

import dev.zeph.pidfile.cluster.ClusterLockSettings.Fencing;
import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * Fencing tokens in a MySQL or MariaDB table: the new holder's increment, on the lock's session,
 * and the writer's check, in the write's transaction. The two conflict on the counter's row in
 * InnoDB: the increment's exclusive lock waits for every check's shared one. InnoDB grants a
 * shared lock beside an exclusive one that waits, so a check that begins while the increment
 * waits passes with the earlier token, and the increment waits for its transaction too: every
 * write of the earlier token still commits before the new token exists.
 */
final class MySqlFencing implements FencingToken.Check {

	/** The longest lock name the table's key holds. */
	static final int MAX_NAME = 255;

	/** The one check, the same for every token this engine raises. */
	static final MySqlFencing CHECK = new MySqlFencing();

	/**
	 * Raise the token, or take the first, leaving it in {@code LAST_INSERT_ID()}: the counter
	 * idiom both servers know, one statement and no read of the row after it.
	 */
	private static final String RAISE = "INSERT INTO %s (name, token, holder, acquired_at)"
			+ " VALUES (?, LAST_INSERT_ID(1), ?, UTC_TIMESTAMP(6))"
			+ " ON DUPLICATE KEY UPDATE token = LAST_INSERT_ID(token + 1), holder = ?, acquired_at = UTC_TIMESTAMP(6)";

	/**
	 * Bound the session's idle time, keeping the bound it had for {@link #restore(Connection)}:
	 * first, so that no moment of the transaction is unbounded once its row is locked.
	 */
	private static final String BOUND = "SET @zeph_fence_wait_timeout = IFNULL(@zeph_fence_wait_timeout,"
			+ " @@session.wait_timeout), SESSION wait_timeout = CAST(LEAST(@@session.wait_timeout, ?) AS UNSIGNED)";

	private static final String RESTORE = "SET SESSION wait_timeout = CAST(IFNULL(@zeph_fence_wait_timeout,"
			+ " @@session.wait_timeout) AS UNSIGNED), @zeph_fence_wait_timeout = NULL";

	/**
	 * The check: the current token, its row locked in share mode, which reads the latest
	 * committed row whatever the isolation level, and waits for an increment in flight.
	 */
	private static final String CHECK_TOKEN = "SELECT token, holder, acquired_at FROM %s WHERE name = ? LOCK IN SHARE MODE";

	/** {@code ER_LOCK_WAIT_TIMEOUT} and {@code ER_LOCK_DEADLOCK}: the increment asks again. */
	private static final int LOCK_WAIT_TIMEOUT = 1205;

	private static final int DEADLOCK = 1213;

	private MySqlFencing() {
	}

	/**
	 * Raise the lock's token on its session, which holds the lock, creating the table first
	 * when the settings say so. The increment waits for the transactions that checked an
	 * earlier token, a second at a time (the least the server waits for a row lock) and asked
	 * again, so that the session's reads are never cut off by its network timeout meanwhile.
	 * @param connection the lock's session, in autocommit
	 * @param settings the lock's settings, with fencing
	 * @param database the database, for messages
	 * @param identity the new holder
	 * @param networkTimeout the session's network timeout, in milliseconds
	 * @return the token, and when its increment began, as {@link System#nanoTime()}
	 */
	static FencingToken.Raised raise(Connection connection, ClusterLockSettings settings, String database,
			HolderIdentity identity, int networkTimeout) throws SessionLostException, ClusterLockUnavailableException {
		Fencing fencing = settings.fencing();
		if (fencing == null) {
			throw new IllegalStateException("No fencing in " + settings);
		}
		if (settings.name().codePointCount(0, settings.name().length()) > MAX_NAME) {
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.FENCING, "the lock name is longer"
					+ " than the " + MAX_NAME + " characters the fencing table's key holds on this server", null);
		}
		String table = fencing.table();
		String user = "the lock's user";
		String operation = "reading the session's database and user";
		try {
			try (Statement statement = connection.createStatement()) {
				try (ResultSet result = statement.executeQuery("SELECT DATABASE(), CURRENT_USER()")) {
					result.next();
					user = quoteUser(result.getString(2));
					table = FencingSchema.MYSQL.qualify(settings, database, table, result.getString(1),
							"the URL names none; name one in the URL, or the table as database.name");
				}
				operation = "setting lock_wait_timeout and innodb_lock_wait_timeout";
				statement.execute("SET SESSION lock_wait_timeout = 1, innodb_lock_wait_timeout = 1");
				if (fencing.initializeSchema() && !exists(connection, table)) {
					operation = "creating " + table;
					statement.execute(FencingSchema.MYSQL.createTable(table));
				}
			}
			operation = "raising the fencing token in " + table;
			String holder = "PID " + identity.pid() + " on " + identity.host();
			// the statement may wait a second for a row lock, and a statement's worth for its answer
			connection.setNetworkTimeout(Runnable::run, networkTimeout + 1000);
			try (PreparedStatement raise = connection.prepareStatement(RAISE.formatted(table));
					Statement statement = connection.createStatement()) {
				raise.setString(1, settings.name());
				raise.setString(2, holder);
				raise.setString(3, holder);
				long began = System.nanoTime();
				for (long attempt = began;; attempt = System.nanoTime()) {
					try {
						raise.executeUpdate();
						break;
					}
					catch (SQLException ex) {
						if (ex.getErrorCode() != LOCK_WAIT_TIMEOUT && ex.getErrorCode() != DEADLOCK) {
							throw ex;
						}
						// a transaction of an earlier token holds the row; ask again, unless told to stop
						if (Thread.currentThread().isInterrupted()) {
							throw new SessionLostException("interrupted while " + operation
									+ ", waiting for transactions of an earlier token to end");
						}
					}
				}
				Duration waited = Duration.ofNanos(System.nanoTime() - began);
				operation = "reading the raised token and the server's replication";
				long token;
				try (ResultSet result = statement.executeQuery("SELECT LAST_INSERT_ID()")) {
					result.next();
					token = result.getLong(1);
				}
				boolean synchronous = false;
				try (ResultSet result = statement.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
						+ " ('rpl_semi_sync_master_enabled', 'rpl_semi_sync_source_enabled')")) {
					while (result.next()) {
						synchronous |= "ON".equalsIgnoreCase(result.getString(2));
					}
				}
				return new FencingToken.Raised(new FencingToken(settings.name(), database, table, token,
						settings.serverTimeout(), waited, synchronous, null, CHECK), began);
			}
			finally {
				restoreNetworkTimeout(connection, networkTimeout);
			}
		}
		catch (SQLException ex) {
			if (isLost(ex) || isClosed(connection)) {
				// the session, the server or the network: as for any other statement of the lock
				throw new SessionLostException(operation + " failed: " + SqlErrors.describe(ex), ex);
			}
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.FENCING,
					FencingSchema.MYSQL.refusal(problem(ex, operation), operation + " failed: " + SqlErrors.describe(ex),
							table, user),
					ex);
		}
	}

	/**
	 * Whether the table exists, asked of the catalog: {@code CREATE TABLE IF NOT EXISTS} on a
	 * table that does would wait for the metadata lock of every transaction that checked a token.
	 */
	private static boolean exists(Connection connection, String table) throws SQLException {
		int dot = table.indexOf('.');
		try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM information_schema.TABLES"
				+ " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
			statement.setString(1, unquote(table.substring(0, dot)));
			statement.setString(2, unquote(table.substring(dot + 1)));
			try (ResultSet result = statement.executeQuery()) {
				return result.next() && result.getInt(1) > 0;
			}
		}
	}

	private static String unquote(String identifier) {
		return identifier.startsWith("`") ? identifier.substring(1, identifier.length() - 1).replace("``", "`")
				: identifier;
	}

	/**
	 * Give the session its network timeout back, unless it is gone: the driver refuses a closed
	 * connection with an error that would hide why it closed.
	 */
	private static void restoreNetworkTimeout(Connection connection, int networkTimeout) {
		try {
			if (!connection.isClosed()) {
				connection.setNetworkTimeout(Runnable::run, networkTimeout);
			}
		}
		catch (SQLException ex) {
			// the session is going; the failure that ends it is the one to report
		}
	}

	/** Whether the driver has closed the connection, whatever the error that made it do so said. */
	private static boolean isClosed(Connection connection) {
		try {
			return connection.isClosed();
		}
		catch (SQLException ex) {
			return true;
		}
	}

	private static boolean isLost(SQLException ex) {
		String state = String.valueOf(ex.getSQLState());
		int code = ex.getErrorCode();
		// 1053 the server is shutting down, 1927 the connection was killed; 2006 and 2013 the client's
		return ex.getSQLState() == null || state.startsWith("08") || state.equals("70100")
				|| ex instanceof SQLNonTransientConnectionException || ex instanceof SQLTransientConnectionException
				|| ex instanceof SQLRecoverableException || code == 1053 || code == 1927 || code == 2006 || code == 2013;
	}

	/** What is wrong with the table, by the failure's error code, if it says. */
	private static FencingSchema.@Nullable Problem problem(SQLException ex, String operation) {
		return switch (ex.getErrorCode()) {
			// ER_NO_SUCH_TABLE
			case 1146 -> FencingSchema.Problem.NO_TABLE;
			// ER_BAD_DB_ERROR
			case 1049 -> FencingSchema.Problem.NO_CONTAINER;
			// ER_TABLEACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR
			case 1142, 1044 -> operation.startsWith("creating") ? FencingSchema.Problem.MAY_NOT_CREATE
					: FencingSchema.Problem.MAY_NOT_WRITE;
			// ER_BAD_FIELD_ERROR, ER_NO_DEFAULT_FOR_FIELD, ER_TRUNCATED_WRONG_VALUE_FOR_FIELD, ER_DATA_TOO_LONG
			case 1054, 1364, 1366, 1406 -> FencingSchema.Problem.NOT_AS_NEEDED;
			default -> null;
		};
	}

	/** {@code user@host} as {@code CURRENT_USER()} gives it, quoted as {@code GRANT} takes it. */
	private static String quoteUser(String user) {
		int at = user.lastIndexOf('@');
		return (at < 0) ? "'" + user + "'" : "'" + user.substring(0, at) + "'@'" + user.substring(at + 1) + "'";
	}

	/**
	 * Check a token in the transaction of the given connection, not in autocommit: bound the
	 * session's idle time, then read the token, locking its row in share mode.
	 * @see FencingToken#check(Connection)
	 */
	@Override
	public void check(Connection connection, FencingToken token) throws SQLException, StaleFencingTokenException {
		try (PreparedStatement bound = connection.prepareStatement(BOUND)) {
			bound.setLong(1, Math.max(1, (token.getServerTimeout().toMillis() + 999) / 1000));
			bound.execute();
		}
		try (PreparedStatement statement = connection.prepareStatement(CHECK_TOKEN.formatted(token.getTable()))) {
			statement.setString(1, token.getLockName());
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next()) {
					throw new StaleFencingTokenException(token, null, null, null);
				}
				long current = result.getLong(1);
				if (current != token.getValue()) {
					throw new StaleFencingTokenException(token, current, result.getString(2),
							result.getString(3) + " UTC");
				}
			}
		}
	}

	@Override
	public void restore(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute(RESTORE);
		}
	}

}
