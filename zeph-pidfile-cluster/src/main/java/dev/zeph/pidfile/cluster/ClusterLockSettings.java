package dev.zeph.pidfile.cluster;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * How to take and keep a cluster lock. Checked when made: a value that could let two
 * instances be active at once is refused, naming the setting.
 *
 * @param name the lock name: instances with the same name exclude each other
 * @param url the JDBC URL of PostgreSQL, MySQL or MariaDB: its engine is chosen from it
 * @param username the user, or {@code null} for the URL's or the driver's default
 * @param password the password, or {@code null}
 * @param serverTimeout after how long without a word from the holder the server ends its
 * session and so frees the lock ({@code idle_session_timeout}, {@code tcp_user_timeout} and
 * TCP keepalives on PostgreSQL, {@code wait_timeout} and the network timeouts on MySQL and
 * MariaDB, set on the lock's session)
 * @param heartbeatInterval how often the holder checks that the lock is still its own
 * @param heartbeatTimeout how long one check may take before the holder gives the lock up
 * @param takeoverGrace how long a new holder waits after locking before it becomes active:
 * at least {@code heartbeatInterval + heartbeatTimeout}, the longest a previous holder, even
 * one that was frozen, can go on believing it is active once the server freed the lock
 * @param acquireInterval how often a waiting instance tries the lock
 * @param allowOldServer whether to accept PostgreSQL older than 14, which cannot end a frozen
 * holder's session ({@code idle_session_timeout})
 * @param fencing the fencing tokens to hand out with each tenure, or {@code null} for none
 */
public record ClusterLockSettings(String name, String url, @Nullable String username, @Nullable String password,
		Duration serverTimeout, Duration heartbeatInterval, Duration heartbeatTimeout, Duration takeoverGrace,
		Duration acquireInterval, boolean allowOldServer, @Nullable Fencing fencing) {

	/** The default server timeout. */
	public static final Duration DEFAULT_SERVER_TIMEOUT = Duration.ofSeconds(6);

	/** The default heartbeat interval. */
	public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(500);

	/** The default heartbeat timeout. */
	public static final Duration DEFAULT_HEARTBEAT_TIMEOUT = Duration.ofSeconds(1);

	/** The default acquire interval of a waiting instance. */
	public static final Duration DEFAULT_ACQUIRE_INTERVAL = Duration.ofMillis(250);

	/** The margin between the holder's deadline and the server's timeout. */
	static final Duration SERVER_MARGIN = Duration.ofSeconds(2);

	/** The longest timeout PostgreSQL takes, in milliseconds: about 24.8 days. */
	static final Duration LONGEST = Duration.ofMillis(Integer.MAX_VALUE);

	/** The shortest heartbeat interval, heartbeat timeout and acquire interval: each is a query's worth. */
	static final Duration SHORTEST = Duration.ofMillis(50);

	/**
	 * Settings without fencing tokens.
	 * @param name the lock name
	 * @param url the JDBC URL of PostgreSQL, MySQL or MariaDB: its engine is chosen from it
	 * @param username the user, or {@code null}
	 * @param password the password, or {@code null}
	 * @param serverTimeout the server timeout
	 * @param heartbeatInterval the heartbeat interval
	 * @param heartbeatTimeout the heartbeat timeout
	 * @param takeoverGrace the takeover grace
	 * @param acquireInterval the acquire interval
	 * @param allowOldServer whether to accept PostgreSQL older than 14
	 */
	public ClusterLockSettings(String name, String url, @Nullable String username, @Nullable String password,
			Duration serverTimeout, Duration heartbeatInterval, Duration heartbeatTimeout, Duration takeoverGrace,
			Duration acquireInterval, boolean allowOldServer) {
		this(name, url, username, password, serverTimeout, heartbeatInterval, heartbeatTimeout, takeoverGrace,
				acquireInterval, allowOldServer, null);
	}

	/**
	 * Settings whose values are checked, each against the others.
	 * @param name the lock name
	 * @param url the JDBC URL
	 * @param username the user, or {@code null}
	 * @param password the password, or {@code null}
	 * @param serverTimeout the server timeout
	 * @param heartbeatInterval the heartbeat interval
	 * @param heartbeatTimeout the heartbeat timeout
	 * @param takeoverGrace the takeover grace
	 * @param acquireInterval the acquire interval
	 * @param allowOldServer whether to accept PostgreSQL older than 14
	 * @param fencing the fencing tokens, or {@code null} for none
	 * @throws IllegalArgumentException naming the property whose value is out of range, or out
	 * of step with another's
	 */
	public ClusterLockSettings {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException("name: a lock name must not be empty");
		}
		checkUrl(url);
		inRange("server-timeout", serverTimeout);
		inRange("heartbeat-interval", heartbeatInterval);
		inRange("heartbeat-timeout", heartbeatTimeout);
		inRange("takeover-grace", takeoverGrace);
		inRange("acquire-interval", acquireInterval);
		atLeastAQuery("heartbeat-interval", heartbeatInterval);
		atLeastAQuery("heartbeat-timeout", heartbeatTimeout);
		atLeastAQuery("acquire-interval", acquireInterval);
		Duration holderNotice = heartbeatInterval.plus(heartbeatTimeout);
		if (holderNotice.plus(SERVER_MARGIN).compareTo(serverTimeout) > 0) {
			throw new IllegalArgumentException("server-timeout: " + serverTimeout.toMillis() + " ms is too short: "
					+ "heartbeat-interval + heartbeat-timeout + 2s = " + holderNotice.plus(SERVER_MARGIN).toMillis()
					+ " ms, and the holder must notice a silent server before the server frees its lock");
		}
		if (takeoverGrace.compareTo(holderNotice) < 0) {
			throw new IllegalArgumentException("takeover-grace: " + takeoverGrace.toMillis() + " ms is shorter than "
					+ "heartbeat-interval + heartbeat-timeout = " + holderNotice.toMillis()
					+ " ms, the time a previous holder may still believe it is active");
		}
		if (acquireInterval.compareTo(serverTimeout) >= 0) {
			throw new IllegalArgumentException("acquire-interval: " + acquireInterval.toMillis() + " ms is not shorter"
					+ " than server-timeout, " + serverTimeout.toMillis() + " ms: the server would end a waiting"
					+ " instance's session between two tries");
		}
	}

	/**
	 * Refuse a URL that no engine takes: one of another database, or one that lets the driver
	 * move the session between servers (several hosts, a failover or load-balancing mode), on
	 * each of which the same name is another lock.
	 */
	private static void checkUrl(@Nullable String url) {
		if (url != null && url.startsWith("jdbc:postgresql:")) {
			return;
		}
		if (url == null || !(url.startsWith("jdbc:mysql:") || url.startsWith("jdbc:mariadb:"))) {
			throw new IllegalArgumentException("url: '" + withoutSecrets(url) + "' is not a JDBC URL of PostgreSQL,"
					+ " MySQL or MariaDB (jdbc:postgresql://host:port/database, jdbc:mysql://..., jdbc:mariadb://...)");
		}
		int authority = url.indexOf(':', "jdbc:".length()) + 1;
		String rest = url.substring(authority);
		int end = rest.indexOf('/', 2);
		String hosts = (end >= 0) ? rest.substring(0, end) : rest;
		int query = hosts.indexOf('?');
		hosts = (query >= 0) ? hosts.substring(0, query) : hosts;
		if (!rest.startsWith("//") || hosts.contains(",") || hosts.contains("(")) {
			throw new IllegalArgumentException("url: '" + withoutSecrets(url) + "' names several hosts or a failover"
					+ " mode: a named lock is one server's, and on another the same name is another lock; name the"
					+ " primary alone (jdbc:" + url.substring("jdbc:".length(), authority) + "//host:port/database)");
		}
	}

	/**
	 * The URL as messages show it: without its query or the user information before its host,
	 * either of which may hold a password.
	 * @param url a JDBC URL
	 * @return the URL with those parts replaced by {@code ...}
	 */
	public static @Nullable String withoutSecrets(@Nullable String url) {
		if (url == null) {
			return null;
		}
		int query = url.indexOf('?');
		String shown = (query >= 0) ? url.substring(0, query) + "?..." : url;
		int authority = shown.indexOf("//");
		// the last '@': a password may hold a '/' or an '@' that its writer did not escape
		int at = shown.lastIndexOf('@');
		return (authority >= 0 && at > authority) ? shown.substring(0, authority + 2) + "...@" + shown.substring(at + 1)
				: shown;
	}

	/**
	 * Whether the URL names a user, and perhaps a password, before its host: the part
	 * {@link #withoutSecrets(String)} hides.
	 */
	static boolean hasUserInfo(String url) {
		int query = url.indexOf('?');
		String shown = (query >= 0) ? url.substring(0, query) : url;
		int authority = shown.indexOf("//");
		return authority >= 0 && shown.lastIndexOf('@') > authority;
	}

	/**
	 * Settings with the defaults, and a takeover grace of heartbeat interval plus timeout.
	 * @param name the lock name
	 * @param url the JDBC URL of PostgreSQL, MySQL or MariaDB: its engine is chosen from it
	 * @param username the user, or {@code null}
	 * @param password the password, or {@code null}
	 * @return the settings
	 */
	public static ClusterLockSettings of(String name, String url, @Nullable String username,
			@Nullable String password) {
		return new ClusterLockSettings(name, url, username, password, DEFAULT_SERVER_TIMEOUT,
				DEFAULT_HEARTBEAT_INTERVAL, DEFAULT_HEARTBEAT_TIMEOUT,
				DEFAULT_HEARTBEAT_INTERVAL.plus(DEFAULT_HEARTBEAT_TIMEOUT), DEFAULT_ACQUIRE_INTERVAL, false);
	}

	/**
	 * These settings with other heartbeat timings and the takeover grace they need.
	 * @param serverTimeout the server timeout
	 * @param heartbeatInterval the heartbeat interval
	 * @param heartbeatTimeout the heartbeat timeout
	 * @return the settings
	 */
	public ClusterLockSettings withTimings(Duration serverTimeout, Duration heartbeatInterval,
			Duration heartbeatTimeout) {
		return new ClusterLockSettings(this.name, this.url, this.username, this.password, serverTimeout,
				heartbeatInterval, heartbeatTimeout, heartbeatInterval.plus(heartbeatTimeout), this.acquireInterval,
				this.allowOldServer, this.fencing);
	}

	/**
	 * These settings, handing out a fencing token with each tenure.
	 * @param fencing the table of tokens, and whether to create it
	 * @return the settings
	 */
	public ClusterLockSettings withFencing(@Nullable Fencing fencing) {
		return new ClusterLockSettings(this.name, this.url, this.username, this.password, this.serverTimeout,
				this.heartbeatInterval, this.heartbeatTimeout, this.takeoverGrace, this.acquireInterval,
				this.allowOldServer, fencing);
	}

	/**
	 * The longest a holder goes on as active after its last good heartbeat began.
	 * @return heartbeat interval plus timeout
	 */
	Duration holderDeadline() {
		return this.heartbeatInterval.plus(this.heartbeatTimeout);
	}

	/**
	 * Refuse what would make each instance query the server without pause, or give up on a
	 * query before a round trip: most often a bare number meant as seconds, which Spring
	 * Boot reads as milliseconds.
	 */
	private static void atLeastAQuery(String setting, Duration value) {
		if (value.compareTo(SHORTEST) < 0) {
			throw new IllegalArgumentException(setting + ": " + value.toMillis() + " ms is shorter than "
					+ SHORTEST.toMillis() + " ms, and each is a query on the server (a bare number is milliseconds;"
					+ " write 1s for a second)");
		}
	}

	private static void inRange(String setting, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(setting + ": must be positive, was " + value);
		}
		if (value.compareTo(LONGEST) > 0) {
			throw new IllegalArgumentException(setting + ": " + value + " is longer than PostgreSQL's longest timeout, "
					+ LONGEST.toMillis() + " ms (about 24.8 days)");
		}
	}

	/**
	 * Whether the other settings are these, component by component. Written out: a record's
	 * generated {@code equals} costs a cold JVM a method-handle chain per component, and the
	 * start compares the settings it opened a session with to the ones it takes the lock with.
	 */
	@Override
	public boolean equals(@Nullable Object other) {
		return this == other || (other instanceof ClusterLockSettings that && this.name.equals(that.name)
				&& this.url.equals(that.url) && Objects.equals(this.username, that.username)
				&& Objects.equals(this.password, that.password) && this.serverTimeout.equals(that.serverTimeout)
				&& this.heartbeatInterval.equals(that.heartbeatInterval)
				&& this.heartbeatTimeout.equals(that.heartbeatTimeout) && this.takeoverGrace.equals(that.takeoverGrace)
				&& this.acquireInterval.equals(that.acquireInterval) && this.allowOldServer == that.allowOldServer
				&& Objects.equals(this.fencing, that.fencing));
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.name, this.url, this.username, this.password, this.serverTimeout,
				this.heartbeatInterval, this.heartbeatTimeout, this.takeoverGrace, this.acquireInterval,
				this.allowOldServer, this.fencing);
	}

	@Override
	public String toString() {
		return "ClusterLockSettings[name=" + this.name + ", url=" + withoutSecrets(this.url) + ", username=" + this.username + "]";
	}

	/**
	 * Fencing tokens: a counter per lock name in a table of the lock's database, raised by each
	 * new holder right after it locks, so that a resource that checks a writer's token can turn
	 * away a holder that lost the lock without knowing it.
	 *
	 * @param table the table, {@code name} or {@code schema.name}; an unqualified one is in the
	 * lock role's current schema on PostgreSQL, in the URL's database on MySQL and MariaDB
	 * @param initializeSchema whether to create the table when it is missing
	 */
	public record Fencing(String table, boolean initializeSchema) {

		/** The default table. */
		public static final String DEFAULT_TABLE = "zeph_lock_fence";

		private static final Pattern IDENTIFIER = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");

		/**
		 * A table of tokens whose name is checked.
		 * @param table the table, {@code name} or {@code schema.name}
		 * @param initializeSchema whether to create the table when it is missing
		 * @throws IllegalArgumentException if the table is not a name or a qualified name
		 */
		public Fencing {
			if (table == null || !IDENTIFIER.matcher(table).matches()) {
				throw new IllegalArgumentException("fencing.table: '" + table + "' is not a table name (name or"
						+ " schema.name, letters, digits and '_')");
			}
		}

	}

}
