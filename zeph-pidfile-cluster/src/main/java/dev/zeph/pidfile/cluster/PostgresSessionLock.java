package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.StringJoiner;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.jspecify.annotations.Nullable;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGProperty;

/**
 * A PostgreSQL session-level advisory lock on a connection of its own, opened through the
 * driver: never a pooled connection, whose exhaustion must not cost the lock and which may
 * not exist yet when the lock is taken.
 * <p>
 * The session gives itself a lease on the server's clock: {@code idle_session_timeout} ends it
 * when the holder goes quiet (a frozen JVM, a proxy that keeps the TCP connection open), and
 * {@code tcp_user_timeout} with TCP keepalives end it when the network does. A role needs no
 * privilege for either.
 */
final class PostgresSessionLock implements SessionLock {

	private static final String HOLDER = "SELECT l.pid, a.application_name FROM pg_locks l"
			+ " LEFT JOIN pg_stat_activity a ON a.pid = l.pid"
			+ " WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted"
			+ " AND l.classid::bigint = ? AND l.objid::bigint = ? AND l.pid <> pg_backend_pid()"
			+ " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())";

	/**
	 * One try of the lock, of the place in line when this session stands in one and has none
	 * yet, and, when the lock is held, its holder: one round trip for each try of a waiter.
	 */
	private static final String ATTEMPT = "SELECT t.locked, t.in_line, h.pid, h.application_name FROM"
			+ " (SELECT pg_try_advisory_lock(?, ?) AS locked,"
			+ " CASE WHEN ? THEN pg_try_advisory_lock(?, ?) ELSE false END AS in_line) t"
			+ " LEFT JOIN LATERAL (" + HOLDER + " AND NOT t.locked LIMIT 1) h ON true";

	private static final String HEARTBEAT = "SELECT pg_backend_pid(), pg_is_in_recovery(),"
			+ " EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted"
			+ " AND classid::bigint = ? AND objid::bigint = ? AND pid = pg_backend_pid())";

	/**
	 * Free the lock and, only if this session held it until then, tell the waiters, naming the
	 * one that holds the line's key: the unlock runs first, and the notification is delivered
	 * when the statement commits, after it.
	 */
	private static final String UNLOCK_HANDING_OVER = "SELECT pg_notify(?, COALESCE((SELECT l.pid FROM pg_locks l"
			+ " WHERE l.locktype = 'advisory' AND l.objsubid = 2 AND l.granted AND l.classid::bigint = ?"
			+ " AND l.objid::bigint = ? AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
			+ " LIMIT 1), 0) || ' ' || current_setting('application_name'))"
			+ " FROM (SELECT pg_advisory_unlock(?, ?) AS released) u WHERE u.released";

	/** The first version with {@code idle_session_timeout}, as {@code server_version_num}. */
	private static final int IDLE_SESSION_TIMEOUT_VERSION = 140000;

	/** The first version with {@code tcp_user_timeout}, as {@code server_version_num}. */
	private static final int TCP_USER_TIMEOUT_VERSION = 120000;

	/** The {@code application_name} of the short session that looks for a pooler. */
	private static final String POOLER_PROBE = "zeph-pooler-probe";

	private final Connection connection;

	private final String database;

	private final String name;

	private final LockKey key;

	private final Server server;

	/** Whether this session waits for the lock among others: it listens, and stands in line. */
	private boolean waiting;

	/** Whether this session holds its place in line: it is next to be handed the lock. */
	private boolean inLine;

	private PostgresSessionLock(Connection connection, String database, String name, Server server) {
		this.connection = connection;
		this.database = database;
		this.name = name;
		this.key = LockKey.of(name);
		this.server = server;
	}

	/**
	 * Connect, refuse a server that cannot hold a lock worth having, and set the lease unless
	 * the session is opened ahead.
	 */
	static PostgresSessionLock open(ClusterLockSettings settings, boolean lease)
			throws ClusterLockUnavailableException {
		Properties url = ClusterLockSettings.hasUserInfo(settings.url()) ? null : Driver.parseURL(settings.url(), null);
		if (url == null) {
			// refused before connecting: the driver's own refusal repeats the URL, password and all,
			// and it takes a user before the host for part of the host's name
			String shown = ClusterLockSettings.withoutSecrets(settings.url());
			throw new ClusterLockUnavailableException(settings.name(), String.valueOf(shown), Reason.URL_NOT_ACCEPTED,
					"the PostgreSQL driver cannot parse the URL " + shown
							+ (ClusterLockSettings.hasUserInfo(settings.url())
									? ": it takes no user or password before the host; give them as the lock's username"
											+ " and password"
									: ""),
					null);
		}
		String database = database(url);
		Connection connection = connect(settings, database, HolderIdentity.PREFIX + settings.name());
		try {
			Server server = checkServer(connection, settings, database);
			if (connection.unwrap(PGConnection.class).getBackendPID() != server.backendPid()) {
				checkNotPooled(settings, database, server.backendPid());
			}
			if (lease) {
				configure(connection, server.version(), settings.serverTimeout(), null);
			}
			return new PostgresSessionLock(connection, database, settings.name(), server);
		}
		catch (SQLException ex) {
			SqlErrors.closeQuietly(connection);
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.UNREACHABLE,
					"the server did not answer: " + SqlErrors.describe(ex), ex);
		}
		catch (ClusterLockUnavailableException ex) {
			SqlErrors.closeQuietly(connection);
			throw ex;
		}
	}

	private static String database(Properties url) {
		String host = url.getProperty(PGProperty.PG_HOST.getName(), "localhost");
		String port = url.getProperty(PGProperty.PG_PORT.getName(), "5432");
		String name = url.getProperty(PGProperty.PG_DBNAME.getName(), "");
		return host + ":" + port + "/" + name;
	}

	private static Connection connect(ClusterLockSettings settings, String database, String applicationName)
			throws ClusterLockUnavailableException {
		Properties properties = new Properties();
		if (settings.username() != null) {
			properties.setProperty(PGProperty.USER.getName(), settings.username());
		}
		if (settings.password() != null) {
			properties.setProperty(PGProperty.PASSWORD.getName(), settings.password());
		}
		int timeoutSeconds = seconds(settings.heartbeatTimeout());
		properties.setProperty(PGProperty.CONNECT_TIMEOUT.getName(), Integer.toString(Math.max(timeoutSeconds, 5)));
		properties.setProperty(PGProperty.LOGIN_TIMEOUT.getName(), Integer.toString(Math.max(timeoutSeconds, 5)));
		// a read that waits longer than the heartbeat timeout means a silent network: give up
		properties.setProperty(PGProperty.SOCKET_TIMEOUT.getName(), Integer.toString(timeoutSeconds));
		properties.setProperty(PGProperty.TCP_KEEP_ALIVE.getName(), "true");
		properties.setProperty(PGProperty.APPLICATION_NAME.getName(), applicationName);
		try {
			Connection connection = new Driver().connect(settings.url(), properties);
			if (connection == null) {
				throw new ClusterLockUnavailableException(settings.name(), database, Reason.URL_NOT_ACCEPTED,
						"the PostgreSQL driver does not accept the URL " + ClusterLockSettings.withoutSecrets(settings.url()),
						null);
			}
			try {
				connection.setAutoCommit(true);
				// to the millisecond: the driver's socket timeout, for the login, is in whole seconds
				connection.setNetworkTimeout(null, (int) settings.heartbeatTimeout().toMillis());
			}
			catch (SQLException ex) {
				SqlErrors.closeQuietly(connection);
				throw ex;
			}
			return connection;
		}
		catch (SQLException ex) {
			String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
			Reason reason = (state.startsWith("28") || state.equals("3D000")) ? Reason.AUTHENTICATION
					: Reason.UNREACHABLE;
			throw new ClusterLockUnavailableException(settings.name(), database, reason, SqlErrors.describe(ex), ex);
		}
	}

	private static Server checkServer(Connection connection, ClusterLockSettings settings, String database)
			throws SQLException, ClusterLockUnavailableException {
		try (Statement statement = connection.createStatement();
				// the session searches only the system catalog from here on: no schema a role can
				// write to may shadow pg_locks, a lock function or an operator (not as a startup
				// parameter, which poolers refuse); the schema the role creates tables in, for the
				// fencing table, is read first
				ResultSet result = statement.executeQuery("SELECT pg_catalog.current_setting('server_version_num')::int,"
						+ " pg_catalog.pg_is_in_recovery(), pg_catalog.pg_backend_pid(), pg_catalog.current_schema(),"
						+ " pg_catalog.quote_ident(current_user), pg_catalog.set_config('search_path', 'pg_catalog', false)")) {
			result.next();
			int version = result.getInt(1);
			if (result.getBoolean(2)) {
				throw new ClusterLockUnavailableException(settings.name(), database, Reason.REPLICA,
						"the server is in recovery (a read replica): advisory locks there are not the primary's;"
								+ " point the URL at the primary",
						null);
			}
			if (version < IDLE_SESSION_TIMEOUT_VERSION && !settings.allowOldServer()) {
				throw new ClusterLockUnavailableException(settings.name(), database, Reason.SERVER_TOO_OLD,
						"PostgreSQL " + version / 10000 + " has no idle_session_timeout, so it would never free"
								+ " the lock of a frozen holder; use PostgreSQL 14 or later, or accept that"
								+ " explicitly",
						null);
			}
			long backendPid = result.getLong(3);
			Server server = new Server(version, backendPid, result.getString(4), result.getString(5));
			if (backendPid != backendPid(statement)) {
				throw pooler(settings, database, "the server process changed between two statements");
			}
			return server;
		}
	}

	/**
	 * Refuse a transaction pooler: it hands the server process that one client left idle
	 * between two statements to whichever client comes next, so a second session that gets
	 * the first one's server process proves a pooler in between. Without one, a live
	 * session's server process is its own. Asked only when the process that greeted the
	 * session (its cancel key) is not the one that answers it: a pooler greets with a key of
	 * its own, and a second login is the costliest step of a start.
	 */
	private static void checkNotPooled(ClusterLockSettings settings, String database, long backendPid)
			throws SQLException, ClusterLockUnavailableException {
		// named apart, so that nothing takes the moment it lives for a waiting instance's session
		try (Connection probe = connect(settings, database, POOLER_PROBE);
				Statement statement = probe.createStatement()) {
			if (backendPid(statement) == backendPid) {
				throw pooler(settings, database,
						"a second session was given this session's server process " + backendPid);
			}
		}
	}

	private static ClusterLockUnavailableException pooler(ClusterLockSettings settings, String database,
			String evidence) {
		return new ClusterLockUnavailableException(settings.name(), database, Reason.POOLER, evidence
				+ ": a transaction pooler is in between, and a session lock would stay on a server process that"
				+ " other clients use; connect to PostgreSQL directly or through a session pooler", null);
	}

	private static long backendPid(Statement statement) throws SQLException {
		try (ResultSet result = statement.executeQuery("SELECT pg_catalog.pg_backend_pid()")) {
			result.next();
			return result.getLong(1);
		}
	}

	/**
	 * Set the lease, and a new {@code application_name} when one is given, in one round trip.
	 * A server older than 14, accepted explicitly, has no {@code idle_session_timeout}: there
	 * only the network's timeouts end a silent session; one older than 12 has only the
	 * keepalives.
	 */
	private static void configure(Connection connection, int version, Duration serverTimeout,
			@Nullable String applicationName) throws SQLException {
		long idle = Math.max(1, serverTimeout.toSeconds() / 3);
		Map<String, Object> values = new LinkedHashMap<>();
		if (version >= IDLE_SESSION_TIMEOUT_VERSION) {
			values.put("idle_session_timeout", serverTimeout.toMillis());
		}
		if (version >= TCP_USER_TIMEOUT_VERSION) {
			values.put("tcp_user_timeout", serverTimeout.toMillis());
		}
		values.put("tcp_keepalives_idle", idle);
		values.put("tcp_keepalives_interval", 1);
		values.put("tcp_keepalives_count", Math.max(1, serverTimeout.toSeconds() - idle));
		if (applicationName != null) {
			values.put("application_name", applicationName);
		}
		StringJoiner select = new StringJoiner(", ", "SELECT ", "");
		for (String setting : values.keySet()) {
			select.add("set_config('" + setting + "', ?, false)");
		}
		try (PreparedStatement statement = connection.prepareStatement(select.toString())) {
			int index = 1;
			for (Object value : values.values()) {
				statement.setString(index++, value.toString());
			}
			statement.executeQuery().close();
		}
	}

	@Override
	public SessionLock forLock(ClusterLockSettings settings) throws SessionLostException {
		boolean renamed = !settings.name().equals(this.name);
		try {
			configure(this.connection, this.server.version(), settings.serverTimeout(),
					renamed ? HolderIdentity.PREFIX + settings.name() : null);
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("setting the lease", ex);
		}
		return renamed ? new PostgresSessionLock(this.connection, this.database, settings.name(), this.server) : this;
	}

	@Override
	public String database() {
		return this.database;
	}

	@Override
	public long backendPid() {
		return this.server.backendPid();
	}

	@Override
	public String session() {
		return "backend PID " + this.server.backendPid();
	}

	@Override
	public String key() {
		return this.key.toString();
	}

	@Override
	public boolean tryLock() throws SessionLostException {
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
			statement.setInt(1, this.key.space());
			statement.setInt(2, this.key.hash());
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getBoolean(1);
			}
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("pg_try_advisory_lock", ex);
		}
	}

	@Override
	public Optional<ClusterLockHolder> holder() throws SessionLostException {
		try (PreparedStatement statement = this.connection.prepareStatement(HOLDER)) {
			statement.setLong(1, Integer.toUnsignedLong(this.key.space()));
			statement.setLong(2, Integer.toUnsignedLong(this.key.hash()));
			try (ResultSet result = statement.executeQuery()) {
				return result.next() ? Optional.of(ClusterLockHolder.of(result.getLong(1), result.getString(2), "backend PID " + result.getLong(1)))
						: Optional.empty();
			}
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("the holder lookup", ex);
		}
	}

	@Override
	public void announce(HolderIdentity identity) throws SessionLostException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT set_config('application_name', ?, false)")) {
			statement.setString(1, identity.toApplicationName());
			statement.executeQuery().close();
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("setting application_name", ex);
		}
	}

	@Override
	public FencingToken.Raised fence(ClusterLockSettings settings, HolderIdentity identity)
			throws SessionLostException, ClusterLockUnavailableException {
		return PostgresFencing.raise(this.connection, settings, this.database, this.server.schema(), identity,
				this.server.role());
	}

	@Override
	public void heartbeat() throws SessionLostException {
		try (PreparedStatement statement = this.connection.prepareStatement(HEARTBEAT)) {
			statement.setLong(1, Integer.toUnsignedLong(this.key.space()));
			statement.setLong(2, Integer.toUnsignedLong(this.key.hash()));
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				if (result.getLong(1) != this.server.backendPid()) {
					throw new SessionLostException("the session's server process changed from " + this.server.backendPid()
							+ " to " + result.getLong(1));
				}
				if (result.getBoolean(2)) {
					throw new SessionLostException("the server is in recovery: it is no longer the primary");
				}
				if (!result.getBoolean(3)) {
					throw new SessionLostException("the session no longer holds the lock");
				}
			}
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("the heartbeat", ex);
		}
	}

	@Override
	public void await(Duration timeout) throws SessionLostException {
		try {
			// blocks on the socket: a server that ends the session is heard at once
			this.connection.unwrap(PGConnection.class).getNotifications((int) Math.max(1, timeout.toMillis()));
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("waiting on the session", ex);
		}
	}

	@Override
	public void unlock() throws SessionLostException {
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
			statement.setInt(1, this.key.space());
			statement.setInt(2, this.key.hash());
			statement.executeQuery().close();
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("pg_advisory_unlock", ex);
		}
	}

	@Override
	public void joinLine() throws SessionLostException {
		if (this.waiting) {
			return;
		}
		try (Statement statement = this.connection.createStatement()) {
			// the channel's name is ours, digits and colons: quoted, it is taken as it is
			statement.execute("LISTEN \"" + this.key.channel() + "\"");
			this.waiting = true;
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("listening for handovers", ex);
		}
	}

	@Override
	public @Nullable ClusterLockHolder tryLockOrFindHolder() throws SessionLostException {
		try (PreparedStatement statement = this.connection.prepareStatement(ATTEMPT)) {
			statement.setInt(1, this.key.space());
			statement.setInt(2, this.key.hash());
			statement.setBoolean(3, this.waiting && !this.inLine);
			statement.setInt(4, this.key.next().space());
			statement.setInt(5, this.key.next().hash());
			statement.setLong(6, Integer.toUnsignedLong(this.key.space()));
			statement.setLong(7, Integer.toUnsignedLong(this.key.hash()));
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				this.inLine |= result.getBoolean(2);
				if (result.getBoolean(1)) {
					return null;
				}
				long pid = result.getLong(3);
				return result.wasNull() ? ClusterLockHolder.unseen() : ClusterLockHolder.of(pid, result.getString(4), "backend PID " + pid);
			}
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("pg_try_advisory_lock", ex);
		}
	}

	@Override
	public void leaveLine() throws SessionLostException {
		if (!this.inLine) {
			return;
		}
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT pg_advisory_unlock(?, ?)")) {
			statement.setInt(1, this.key.next().space());
			statement.setInt(2, this.key.next().hash());
			statement.executeQuery().close();
			this.inLine = false;
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("leaving the waiters' line", ex);
		}
	}

	@Override
	public Optional<Handover> awaitHandover(Duration timeout) throws SessionLostException {
		PGNotification[] notifications;
		try {
			notifications = this.connection.unwrap(PGConnection.class)
				.getNotifications((int) Math.max(1, timeout.toMillis()));
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("waiting on the session", ex);
		}
		Handover handover = null;
		for (PGNotification notification : (notifications != null) ? notifications : new PGNotification[0]) {
			String[] payload = notification.getParameter().split(" ", 2);
			if (notification.getName().equals(this.key.channel()) && payload.length == 2) {
				try {
					handover = new Handover(notification.getPID(), payload[1], Long.parseLong(payload[0]));
				}
				catch (NumberFormatException ex) {
					// not one of ours: no handover
				}
			}
		}
		return Optional.ofNullable(handover);
	}

	@Override
	public void unlockHandingOver() throws SessionLostException {
		try (PreparedStatement statement = this.connection.prepareStatement(UNLOCK_HANDING_OVER)) {
			statement.setString(1, this.key.channel());
			statement.setLong(2, Integer.toUnsignedLong(this.key.next().space()));
			statement.setLong(3, Integer.toUnsignedLong(this.key.next().hash()));
			statement.setInt(4, this.key.space());
			statement.setInt(5, this.key.hash());
			statement.executeQuery().close();
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("pg_advisory_unlock", ex);
		}
	}

	@Override
	public void close() {
		SqlErrors.closeQuietly(this.connection);
	}

	private static int seconds(Duration duration) {
		return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
	}

	/**
	 * What the checks found: {@code server_version_num}, this session's server process, the
	 * schema the role creates tables in (if any) and the role.
	 */
	private record Server(int version, long backendPid, @Nullable String schema, String role) {

	}

}
