package dev.zeph.pidfile.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * A MySQL or MariaDB named lock ({@code GET_LOCK}) on a connection of its own, opened through
 * whichever of the two drivers the URL names: the lock is the session's, freed when the
 * server ends it, as an advisory lock is on PostgreSQL.
 * <p>
 * The session gives itself a lease on the server's clock: {@code wait_timeout} ends it when the
 * holder goes quiet, and {@code net_read_timeout} and {@code net_write_timeout} when the
 * network does in the middle of a packet. A holder waits between heartbeats in
 * {@code SELECT SLEEP(..)}, so that a server that ends the session is heard at once, with its
 * identity as the statement's second column: the server shows no other text of a session's own
 * to other sessions of the same user, and a user with {@code PROCESS} sees every session's.
 * These servers tell no waiter of a release, so every takeover waits out the grace.
 */
final class MySqlSessionLock implements SessionLock {

	/** The longest name {@code GET_LOCK} takes, in characters. */
	static final int MAX_NAME = 64;

	private static final String PREFIX = "zeph:";

	private static final String HOLDER = "SELECT USER, HOST, INFO FROM information_schema.PROCESSLIST WHERE ID = ?";

	private static final Pattern IDENTITY = Pattern.compile("'(" + Pattern.quote(HolderIdentity.PREFIX) + "[^'\\\\]*)'");

	private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");

	/** How often to look for a holder whose identity was not on show: it beats, briefly, between waits. */
	private static final int LOOKS = 3;

	private final Connection connection;

	private final String database;

	private final String lockName;

	private final long connectionId;

	/** The heartbeat timeout, in milliseconds: how long any one statement but a wait may take. */
	private final int networkTimeout;

	/** The holder this session last found, by connection id: its identity outlives a look that missed it. */
	private final Map<Long, ClusterLockHolder> seen = new HashMap<>(2);

	private @Nullable String identity;

	private MySqlSessionLock(Connection connection, String database, String name, long connectionId,
			int networkTimeout) {
		this.connection = connection;
		this.database = database;
		this.lockName = lockName(name);
		this.connectionId = connectionId;
		this.networkTimeout = networkTimeout;
	}

	/**
	 * The lock's name on the server: ours, the lock name cut to fit, and a hash of the whole
	 * name, which the server compares without regard to case and length limits: two lock
	 * names share one only if their hashes do, which the holder's identity tells apart.
	 */
	static String lockName(String name) {
		String hash;
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
			hash = HexFormat.of().formatHex(digest, 0, 4);
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform is required to support SHA-256
			throw new IllegalStateException(ex);
		}
		int room = MAX_NAME - PREFIX.length() - 1 - hash.length();
		String cut = (name.codePointCount(0, name.length()) <= room) ? name
				: name.substring(0, name.offsetByCodePoints(0, room));
		return PREFIX + cut + ":" + hash;
	}

	static MySqlSessionLock open(ClusterLockSettings settings, boolean lease) throws ClusterLockUnavailableException {
		String database = database(settings.url());
		checkPort(settings, database);
		if (settings.url().startsWith("jdbc:mariadb:") && ClusterLockSettings.hasUserInfo(settings.url())) {
			// the driver would take it for a port, and repeat it, password and all, in its refusal
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.URL_NOT_ACCEPTED,
					"MariaDB's driver takes no user or password before the host in the URL "
							+ ClusterLockSettings.withoutSecrets(settings.url()) + "; give them as the lock's username and"
							+ " password",
					null);
		}
		Driver driver = driver(settings, database);
		Connection connection = connect(driver, settings, database);
		try {
			long connectionId = checkServer(connection, settings, database);
			MySqlSessionLock session = new MySqlSessionLock(connection, database, settings.name(), connectionId,
					(int) settings.heartbeatTimeout().toMillis());
			if (lease) {
				session.lease(settings.serverTimeout());
			}
			return session;
		}
		catch (SQLException | SessionLostException ex) {
			SqlErrors.closeQuietly(connection);
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.UNREACHABLE,
					"the server did not answer: " + ex.getMessage(), ex);
		}
		catch (ClusterLockUnavailableException ex) {
			SqlErrors.closeQuietly(connection);
			throw ex;
		}
	}

	/** {@code host:port/database} from a URL of one host, which the settings have checked. */
	static String database(String url) {
		int authority = url.indexOf("//");
		String rest = (authority >= 0) ? url.substring(authority + 2) : url;
		int end = indexOfAny(rest, "?;");
		rest = (end >= 0) ? rest.substring(0, end) : rest;
		int slash = rest.indexOf('/');
		String host = (slash >= 0) ? rest.substring(0, slash) : rest;
		host = host.substring(host.lastIndexOf('@') + 1);
		String name = (slash >= 0) ? rest.substring(slash + 1) : "";
		if (host.isEmpty()) {
			host = "localhost";
		}
		boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
		return (hasPort ? host : host + ":3306") + "/" + name;
	}

	/**
	 * Refuse a port that is no port before the driver does, in words of ours: MySQL's driver
	 * refuses it as a failure to connect.
	 */
	private static void checkPort(ClusterLockSettings settings, String database) throws ClusterLockUnavailableException {
		String authority = database.substring(0, database.lastIndexOf('/'));
		String port = authority.substring(authority.lastIndexOf(':') + 1);
		int number;
		try {
			number = Integer.parseInt(port);
		}
		catch (NumberFormatException ex) {
			number = -1;
		}
		if (number < 1 || number > 65535) {
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.URL_NOT_ACCEPTED, "the port '" + port
					+ "' of the URL " + ClusterLockSettings.withoutSecrets(settings.url())
					+ " is not a number from 1 to 65535", null);
		}
	}

	private static int indexOfAny(String text, String characters) {
		for (int i = 0; i < text.length(); i++) {
			if (characters.indexOf(text.charAt(i)) >= 0) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * The driver the URL names, found by name: each is an optional dependency, and the
	 * application brings the one it uses.
	 */
	private static Driver driver(ClusterLockSettings settings, String database) throws ClusterLockUnavailableException {
		boolean mariadb = settings.url().startsWith("jdbc:mariadb:");
		String className = mariadb ? "org.mariadb.jdbc.Driver" : "com.mysql.cj.jdbc.Driver";
		String artifact = mariadb ? "org.mariadb.jdbc:mariadb-java-client" : "com.mysql:mysql-connector-j";
		try {
			Class<?> type = Class.forName(className, true, MySqlSessionLock.class.getClassLoader());
			return (Driver) type.getDeclaredConstructor().newInstance();
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			String other = mariadb ? "" : ", or write the URL as jdbc:mariadb: for MariaDB's driver";
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.NO_DRIVER, "the URL "
					+ ClusterLockSettings.withoutSecrets(settings.url()) + " needs " + className + " (" + artifact
					+ ") on the class path" + other + "; loading it failed: " + ex, ex);
		}
	}

	private static Connection connect(Driver driver, ClusterLockSettings settings, String database)
			throws ClusterLockUnavailableException {
		Properties properties = new Properties();
		if (settings.username() != null) {
			properties.setProperty("user", settings.username());
		}
		if (settings.password() != null) {
			properties.setProperty("password", settings.password());
		}
		long timeout = settings.heartbeatTimeout().toMillis();
		properties.setProperty("connectTimeout", Long.toString(Math.max(timeout, 5000)));
		// a read that waits longer than the heartbeat timeout means a silent network: give up
		properties.setProperty("socketTimeout", Long.toString(Math.max(timeout, 5000)));
		properties.setProperty("tcpKeepAlive", "true");
		// statements as text: the holder's identity must show in the text the server lists
		properties.setProperty("useServerPrepStmts", "false");
		try {
			Connection connection = driver.connect(settings.url(), properties);
			if (connection == null) {
				throw new ClusterLockUnavailableException(settings.name(), database, Reason.URL_NOT_ACCEPTED,
						driver.getClass().getName() + " does not accept the URL "
								+ ClusterLockSettings.withoutSecrets(settings.url()),
						null);
			}
			try {
				connection.setAutoCommit(true);
				connection.setNetworkTimeout(Runnable::run, (int) timeout);
			}
			catch (SQLException ex) {
				SqlErrors.closeQuietly(connection);
				throw ex;
			}
			return connection;
		}
		catch (SQLException ex) {
			// 1045 access denied, 1044 no access to the database, 1049 no such database
			int code = ex.getErrorCode();
			String state = (ex.getSQLState() != null) ? ex.getSQLState() : "";
			Reason reason = (code == 1044 || code == 1045 || code == 1049 || state.startsWith("28"))
					? Reason.AUTHENTICATION : Reason.UNREACHABLE;
			throw new ClusterLockUnavailableException(settings.name(), database, reason,
					SqlErrors.describe(ex), ex);
		}
	}

	/**
	 * Refuse a server whose named locks would protect nothing, and return this session's
	 * connection id: a replica's locks are its own, a Galera node's or a multi-primary group
	 * member's are its node's alone, a proxy that moves statements between server connections
	 * leaves the lock on one that others use, and a server older than MySQL 5.7.5 or MariaDB
	 * 10.0.2 keeps one named lock per session and frees it at the next {@code GET_LOCK}.
	 */
	private static long checkServer(Connection connection, ClusterLockSettings settings, String database)
			throws SQLException, ClusterLockUnavailableException {
		long connectionId;
		String version;
		Map<String, String> variables = new HashMap<>();
		try (Statement statement = connection.createStatement()) {
			try (ResultSet result = statement.executeQuery("SELECT CONNECTION_ID(), VERSION()")) {
				result.next();
				connectionId = result.getLong(1);
				version = result.getString(2);
			}
			try (ResultSet result = statement.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
					+ " ('read_only', 'super_read_only', 'wsrep_on', 'group_replication_group_name',"
					+ " 'group_replication_single_primary_mode')")) {
				while (result.next()) {
					variables.put(result.getString(1).toLowerCase(), String.valueOf(result.getString(2)));
				}
			}
			try (ResultSet result = statement.executeQuery("SELECT CONNECTION_ID()")) {
				result.next();
				if (result.getLong(1) != connectionId) {
					throw new ClusterLockUnavailableException(settings.name(), database, Reason.POOLER,
							"the connection id changed from " + connectionId + " to " + result.getLong(1)
									+ " between two statements: a proxy in between moves statements between server"
									+ " connections, and a named lock would stay on one that other clients use;"
									+ " connect to the server directly",
							null);
				}
			}
		}
		if (isOn(variables.get("read_only")) || isOn(variables.get("super_read_only"))) {
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.REPLICA,
					"the server is read-only (read_only=" + variables.get("read_only") + ", super_read_only="
							+ variables.getOrDefault("super_read_only", "absent")
							+ "), a replica: its named locks are not the primary's; point the URL at the primary",
					null);
		}
		if (isOn(variables.get("wsrep_on"))) {
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.MULTI_PRIMARY,
					"the server is a Galera cluster node (wsrep_on=ON): GET_LOCK is local to one node, and a session"
							+ " on another node would take the same lock; point the URL at a server outside the cluster",
					null);
		}
		if (!variables.getOrDefault("group_replication_group_name", "").isEmpty()
				&& "OFF".equalsIgnoreCase(variables.get("group_replication_single_primary_mode"))) {
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.MULTI_PRIMARY,
					"the server is a member of a multi-primary replication group: GET_LOCK is local to one member,"
							+ " and a session on another would take the same lock; use single-primary mode",
					null);
		}
		String tooOld = tooOld(version);
		if (tooOld != null) {
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.SERVER_TOO_OLD, tooOld, null);
		}
		return connectionId;
	}

	/**
	 * Why a server of the given {@code VERSION()} is too old, or {@code null}: before MySQL
	 * 5.7.5 and MariaDB 10.0.2 a session holds one named lock, and any {@code GET_LOCK} frees it.
	 */
	static @Nullable String tooOld(String version) {
		boolean mariadb = version.contains("MariaDB");
		// MariaDB 10 once said it was 5.5.5 first, for clients that took any 10 for 1.0
		Matcher matcher = VERSION.matcher((mariadb && version.startsWith("5.5.5-")) ? version.substring(6) : version);
		if (!matcher.find()) {
			return null;
		}
		int number = Integer.parseInt(matcher.group(1)) * 10000 + Integer.parseInt(matcher.group(2)) * 100
				+ Integer.parseInt(matcher.group(3));
		int least = mariadb ? 100002 : 50705;
		if (number >= least) {
			return null;
		}
		return (mariadb ? "MariaDB " : "MySQL ") + matcher.group() + " holds one named lock per session, freed by"
				+ " any other GET_LOCK on it; use " + (mariadb ? "MariaDB 10.0.2" : "MySQL 5.7.5") + " or later";
	}

	private static boolean isOn(@Nullable String value) {
		return "ON".equalsIgnoreCase(value) || "1".equals(value);
	}

	/**
	 * The lease, in the server's whole seconds rounded up: never shorter than the server
	 * timeout, which the settings keep longer than the holder's own deadline.
	 */
	private void lease(Duration serverTimeout) throws SessionLostException {
		long seconds = Math.max(1, (serverTimeout.toMillis() + 999) / 1000);
		try (Statement statement = this.connection.createStatement()) {
			statement.execute("SET SESSION wait_timeout = " + seconds + ", net_read_timeout = " + seconds
					+ ", net_write_timeout = " + seconds);
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("setting the lease", ex);
		}
	}

	@Override
	public SessionLock forLock(ClusterLockSettings settings) throws SessionLostException {
		lease(settings.serverTimeout());
		return lockName(settings.name()).equals(this.lockName) ? this
				: new MySqlSessionLock(this.connection, this.database, settings.name(), this.connectionId,
						this.networkTimeout);
	}

	@Override
	public String database() {
		return this.database;
	}

	@Override
	public long backendPid() {
		return this.connectionId;
	}

	@Override
	public String session() {
		return "connection " + this.connectionId;
	}

	@Override
	public String key() {
		return "'" + this.lockName + "'";
	}

	@Override
	public boolean tryLock() throws SessionLostException {
		return tryLockOrFindHolder(false) == null;
	}

	@Override
	public Optional<ClusterLockHolder> holder() throws SessionLostException {
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT IS_USED_LOCK(?)")) {
			statement.setString(1, this.lockName);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				long id = result.getLong(1);
				return (result.wasNull() || id == this.connectionId) ? Optional.empty() : Optional.of(holder(id));
			}
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("IS_USED_LOCK", ex);
		}
	}

	@Override
	public @Nullable ClusterLockHolder tryLockOrFindHolder() throws SessionLostException {
		return tryLockOrFindHolder(true);
	}

	private @Nullable ClusterLockHolder tryLockOrFindHolder(boolean find) throws SessionLostException {
		long holderId;
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT GET_LOCK(?, 0), IS_USED_LOCK(?)")) {
			statement.setString(1, this.lockName);
			statement.setString(2, this.lockName);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				if (result.getInt(1) == 1) {
					return null;
				}
				holderId = result.getLong(2);
				if (result.wasNull()) {
					return ClusterLockHolder.unseen();
				}
			}
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("GET_LOCK", ex);
		}
		return find ? holder(holderId) : ClusterLockHolder.unseen();
	}

	/**
	 * The holder of the given connection id, as far as this user may see it: the identity it
	 * shows while it waits between heartbeats, looked for again when it was caught beating.
	 */
	private ClusterLockHolder holder(long id) throws SessionLostException {
		ClusterLockHolder known = this.seen.get(id);
		if (known != null && known.identity().isPresent()) {
			return known;
		}
		ClusterLockHolder found = null;
		try (PreparedStatement statement = this.connection.prepareStatement(HOLDER)) {
			statement.setLong(1, id);
			for (int look = 1; look <= LOOKS && (found == null || found.identity().isEmpty()); look++) {
				if (look > 1 && !pause(look)) {
					break;
				}
				try (ResultSet result = statement.executeQuery()) {
					if (!result.next()) {
						break;
					}
					String user = result.getString(1);
					String host = result.getString(2);
					String info = result.getString(3);
					Matcher identity = IDENTITY.matcher((info != null) ? info : "");
					found = ClusterLockHolder.of(id, identity.find() ? identity.group(1) : null,
							"connection " + id + " (" + user + "@" + host + ")");
				}
			}
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("the holder lookup", ex);
		}
		if (found == null) {
			found = ClusterLockHolder.of(id, null,
					"connection " + id + ", which this user cannot see (the PROCESS privilege shows every session)");
		}
		this.seen.clear();
		this.seen.put(id, found);
		return found;
	}

	/** A pause before another look, longer each time; {@code false} if interrupted. */
	private static boolean pause(int look) {
		try {
			Thread.sleep(10L * look);
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	@Override
	public void announce(HolderIdentity identity) {
		// quotes and backslashes as %XX too, so that the identity reads back from the statement's text
		this.identity = identity.toText().replace("'", "%27").replace("\\", "%5C");
	}

	@Override
	public FencingToken.Raised fence(ClusterLockSettings settings, HolderIdentity identity)
			throws SessionLostException, ClusterLockUnavailableException {
		return MySqlFencing.raise(this.connection, settings, this.database, identity, this.networkTimeout);
	}

	@Override
	public void heartbeat() throws SessionLostException {
		try (PreparedStatement statement = this.connection
			.prepareStatement("SELECT CONNECTION_ID(), IS_USED_LOCK(?) = CONNECTION_ID(), @@global.read_only")) {
			statement.setString(1, this.lockName);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				if (result.getLong(1) != this.connectionId) {
					throw new SessionLostException(
							"the session's connection id changed from " + this.connectionId + " to " + result.getLong(1));
				}
				if (!result.getBoolean(2)) {
					throw new SessionLostException("the session no longer holds the lock");
				}
				if (result.getBoolean(3)) {
					throw new SessionLostException("the server became read-only: it is no longer the primary");
				}
			}
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("the heartbeat", ex);
		}
	}

	@Override
	public void await(Duration timeout) throws SessionLostException {
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT SLEEP(?), ?")) {
			statement.setDouble(1, Math.max(1, timeout.toMillis()) / 1000.0);
			statement.setString(2, (this.identity != null) ? this.identity : "");
			// the sleep, and a statement's worth for its answer; a session that fails here is lost
			this.connection.setNetworkTimeout(Runnable::run,
					(int) Math.min(Integer.MAX_VALUE, timeout.toMillis() + this.networkTimeout));
			statement.executeQuery().close();
			this.connection.setNetworkTimeout(Runnable::run, this.networkTimeout);
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("waiting on the session", ex);
		}
	}

	@Override
	public void unlock() throws SessionLostException {
		try (PreparedStatement statement = this.connection.prepareStatement("SELECT RELEASE_LOCK(?)")) {
			statement.setString(1, this.lockName);
			statement.executeQuery().close();
		}
		catch (SQLException ex) {
			throw SqlErrors.lost("RELEASE_LOCK", ex);
		}
	}

	@Override
	public void close() {
		SqlErrors.closeQuietly(this.connection);
	}

}
