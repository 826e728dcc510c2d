package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.StringJoiner;

import dev.zeph.pidfile.cluster.ClusterLockSettings.Fencing;
import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.jspecify.annotations.Nullable;
import org.postgresql.util.PSQLWarning;
import org.postgresql.util.ServerErrorMessage;

/**
 * Fencing tokens in a PostgreSQL table: the new holder's increment, on the lock's session, and
 * the writer's check, in the write's transaction. The two conflict on the counter's row: the
 * increment locks it {@code FOR NO KEY UPDATE}, which waits for every check's {@code FOR SHARE}.
 */
final class PostgresFencing {

	/**
	 * Raise the token, or take the first; say whether the commit waits for synchronous standbys,
	 * and how long the statement waited for the row, in microseconds. The session searches only
	 * the system catalog, so the table comes qualified.
	 */
	private static final String RAISE = "INSERT INTO %s AS f (name, token, holder, acquired_at)"
			+ " VALUES (?, 1, ?, pg_catalog.now())"
			+ " ON CONFLICT (name) DO UPDATE SET token = f.token + 1, holder = excluded.holder,"
			+ " acquired_at = excluded.acquired_at"
			+ " RETURNING f.token, pg_catalog.current_setting('synchronous_standby_names'),"
			+ " pg_catalog.current_setting('synchronous_commit'),"
			+ " (extract(epoch FROM pg_catalog.clock_timestamp() - pg_catalog.statement_timestamp()) * 1000000)::bigint";

	/**
	 * The check: whether the transaction has written yet, looked at before the row is locked;
	 * a bound on the transaction's idle time unless the session has a shorter one; then the
	 * current token, its row locked {@code FOR SHARE}. A row updated meanwhile is read again
	 * once its updater commits, so a check that waited on an increment sees the new token.
	 */
	private static final String CHECK = "SELECT f.token, f.holder, f.acquired_at, x.written FROM"
			+ " (SELECT pg_catalog.txid_current_if_assigned() IS NOT NULL AS written,"
			+ " CASE WHEN pg_catalog.current_setting('idle_in_transaction_session_timeout')::interval"
			+ " BETWEEN interval '1 millisecond' AND ?::interval THEN NULL"
			+ " ELSE pg_catalog.set_config('idle_in_transaction_session_timeout', ?, true) END AS bounded) x,"
			+ " %s f WHERE f.name = ? FOR SHARE OF f";

	/** The shortest wait for the counter's row before the increment asks again. */
	private static final Duration SHORTEST_LOCK_TIMEOUT = Duration.ofMillis(50);

	private PostgresFencing() {
	}

	/**
	 * Raise the lock's token on its session, which holds the lock, creating the table first
	 * when the settings say so. The increment waits for the transactions that checked an
	 * earlier token, each wait bounded within the heartbeat timeout and asked again, so that
	 * the session's reads never time out meanwhile.
	 * @param connection the lock's session, in autocommit
	 * @param settings the lock's settings, with fencing
	 * @param database the database, for messages
	 * @param schema the role's current schema, for an unqualified table; {@code null} if none
	 * @param identity the new holder
	 * @param role the role the session logged in as, for messages
	 * @return the token, and when its increment began, as {@link System#nanoTime()}
	 */
	static FencingToken.Raised raise(Connection connection, ClusterLockSettings settings, String database, @Nullable String schema,
			HolderIdentity identity, String role) throws SessionLostException, ClusterLockUnavailableException {
		Fencing fencing = settings.fencing();
		if (fencing == null) {
			throw new IllegalStateException("No fencing in " + settings);
		}
		String table = FencingSchema.POSTGRESQL.qualify(settings, database, fencing.table(), schema,
				"the role's search_path names none that exists; name the table as schema.name");
		long lockTimeout = Math.max(SHORTEST_LOCK_TIMEOUT.toMillis(), settings.heartbeatTimeout().toMillis() / 2);
		String operation = "creating " + table;
		try {
			try (Statement statement = connection.createStatement()) {
				if (fencing.initializeSchema()) {
					statement.execute(FencingSchema.POSTGRESQL.createTable(table));
				}
				operation = "setting lock_timeout";
				statement.executeQuery("SELECT pg_catalog.set_config('lock_timeout', '" + lockTimeout + "', false)")
					.close();
			}
			operation = "raising the fencing token in " + table;
			try (PreparedStatement statement = connection.prepareStatement(RAISE.formatted(table))) {
				statement.setString(1, settings.name());
				statement.setString(2, "PID " + identity.pid() + " on " + identity.host());
				long began = System.nanoTime();
				for (long attempt = began;; attempt = System.nanoTime()) {
					try (ResultSet result = statement.executeQuery()) {
						result.next();
						String standbys = result.getString(2).trim();
						String commit = result.getString(3);
						boolean synchronous = !standbys.isEmpty()
								&& !("local".equals(commit) || "off".equals(commit));
						return new FencingToken.Raised(new FencingToken(settings.name(), database, table,
								result.getLong(1), settings.serverTimeout(),
								Duration.ofNanos(attempt - began).plus(Duration.ofNanos(result.getLong(4) * 1000)), synchronous,
								warnings(statement.getWarnings()), PostgresFencing::check), attempt);
					}
					catch (SQLException ex) {
						if (!"55P03".equals(ex.getSQLState())) {
							throw ex;
						}
						// lock_timeout: a transaction of an earlier token holds the row; ask again,
						// so that no read of this session waits longer than the heartbeat timeout
						if (Thread.currentThread().isInterrupted()) {
							throw new SessionLostException("interrupted while " + operation
									+ ", waiting for transactions of an earlier token to end");
						}
					}
				}
			}
		}
		catch (SQLException ex) {
			String state = String.valueOf(ex.getSQLState());
			if (ex.getSQLState() == null || state.startsWith("08") || state.startsWith("57")
					|| state.startsWith("53")) {
				// the session, the server or its resources: as for any other statement of the lock
				throw new SessionLostException(operation + " failed: " + SqlErrors.describe(ex), ex);
			}
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.FENCING,
					FencingSchema.POSTGRESQL.refusal(problem(ex, operation), operation + " failed: " + SqlErrors.describe(ex), table,
							role),
					ex);
		}
	}

	/** What is wrong with the table, by the failure's SQLState, if it says. */
	private static FencingSchema.@Nullable Problem problem(SQLException ex, String operation) {
		return switch (String.valueOf(ex.getSQLState())) {
			case "42P01" -> FencingSchema.Problem.NO_TABLE;
			case "3F000" -> FencingSchema.Problem.NO_CONTAINER;
			case "42501" -> operation.startsWith("creating") ? FencingSchema.Problem.MAY_NOT_CREATE
					: FencingSchema.Problem.MAY_NOT_WRITE;
			case "42703", "42P10", "42804" -> FencingSchema.Problem.NOT_AS_NEEDED;
			default -> null;
		};
	}

	private static @Nullable String warnings(@Nullable SQLWarning warning) {
		StringJoiner text = new StringJoiner("; ");
		for (SQLWarning next = warning; next != null; next = next.getNextWarning()) {
			ServerErrorMessage server = (next instanceof PSQLWarning psql) ? psql.getServerErrorMessage() : null;
			String detail = (server != null) ? server.getDetail() : null;
			text.add(next.getMessage() + ((detail != null) ? " (" + detail + ")" : ""));
		}
		return (text.length() > 0) ? text.toString() : null;
	}

	/**
	 * Check a token as the first statement of a transaction, not in autocommit.
	 * @see FencingToken#check(Connection)
	 */
	static void check(Connection connection, FencingToken token) throws SQLException, StaleFencingTokenException {
		try (PreparedStatement statement = connection.prepareStatement(CHECK.formatted(token.getTable()))) {
			long timeout = token.getServerTimeout().toMillis();
			statement.setString(1, timeout + " milliseconds");
			statement.setString(2, Long.toString(timeout));
			statement.setString(3, token.getLockName());
			try (ResultSet result = statement.executeQuery()) {
				if (!result.next()) {
					throw new StaleFencingTokenException(token, null, null, null);
				}
				if (result.getBoolean(4)) {
					throw new IllegalStateException("The " + token + " was checked in a transaction that had written"
							+ " already: the check must be its first statement, or the writes before it are not fenced");
				}
				long current = result.getLong(1);
				if (current != token.getValue()) {
					throw new StaleFencingTokenException(token, current, result.getString(2), result.getString(3));
				}
			}
		}
	}

}
