package dev.zeph.pidfile.autoconfigure.cluster;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the cluster lock: one active instance across hosts, on a
 * database session lock: PostgreSQL's advisory lock, or MySQL's and MariaDB's
 * {@code GET_LOCK} ({@code dev.zeph:zeph-pidfile-cluster}). Bound with a
 * {@code Binder} by an initializer before any bean exists, like the pid file's; this class
 * exists for the metadata.
 */
@ConfigurationProperties("zeph.pidfile.cluster")
public class ClusterLockProperties {

	/**
	 * Whether to take the cluster lock at startup. Needs dev.zeph:zeph-pidfile-cluster and the
	 * driver of the database on the class path.
	 */
	private boolean enabled;

	/**
	 * Lock name: instances with the same name exclude each other. Defaults to
	 * 'spring.application.name', else the fully qualified name of the main class.
	 */
	private @Nullable String name;

	/**
	 * JDBC URL of the database that holds the lock: jdbc:postgresql:, jdbc:mysql: or
	 * jdbc:mariadb:, which chooses the engine. Defaults to 'spring.datasource.url'. Point it at
	 * the primary, directly or through a session pooler.
	 */
	private @Nullable String url;

	/**
	 * Login user. Defaults to 'spring.datasource.username'.
	 */
	private @Nullable String username;

	/**
	 * Login password. Defaults to 'spring.datasource.password'.
	 */
	private @Nullable String password;

	/**
	 * After how long without a word from the holder the server ends its session and frees
	 * the lock. Must be at least heartbeat-interval + heartbeat-timeout + 2s.
	 */
	private Duration serverTimeout = Duration.ofSeconds(6);

	/**
	 * How often the holder checks that the lock is still its own.
	 */
	private Duration heartbeatInterval = Duration.ofMillis(500);

	/**
	 * How long one check may take before the holder gives the lock up.
	 */
	private Duration heartbeatTimeout = Duration.ofSeconds(1);

	/**
	 * How long a new holder waits after locking before it becomes active. Defaults to, and
	 * must be at least, heartbeat-interval + heartbeat-timeout.
	 */
	private @Nullable Duration takeoverGrace;

	/**
	 * How often a waiting instance (zeph.pidfile.mode=wait) tries the lock.
	 */
	private Duration acquireInterval = Duration.ofMillis(250);

	/**
	 * Whether to accept PostgreSQL older than 14, which cannot free the lock of a frozen
	 * holder. PostgreSQL only.
	 */
	private boolean allowOldServer;

	private final Fencing fencing = new Fencing();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getName() {
		return this.name;
	}

	public void setName(@Nullable String name) {
		this.name = name;
	}

	public @Nullable String getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable String url) {
		this.url = url;
	}

	public @Nullable String getUsername() {
		return this.username;
	}

	public void setUsername(@Nullable String username) {
		this.username = username;
	}

	public @Nullable String getPassword() {
		return this.password;
	}

	public void setPassword(@Nullable String password) {
		this.password = password;
	}

	public Duration getServerTimeout() {
		return this.serverTimeout;
	}

	public void setServerTimeout(Duration serverTimeout) {
		this.serverTimeout = serverTimeout;
	}

	public Duration getHeartbeatInterval() {
		return this.heartbeatInterval;
	}

	public void setHeartbeatInterval(Duration heartbeatInterval) {
		this.heartbeatInterval = heartbeatInterval;
	}

	public Duration getHeartbeatTimeout() {
		return this.heartbeatTimeout;
	}

	public void setHeartbeatTimeout(Duration heartbeatTimeout) {
		this.heartbeatTimeout = heartbeatTimeout;
	}

	public @Nullable Duration getTakeoverGrace() {
		return this.takeoverGrace;
	}

	public void setTakeoverGrace(@Nullable Duration takeoverGrace) {
		this.takeoverGrace = takeoverGrace;
	}

	public Duration getAcquireInterval() {
		return this.acquireInterval;
	}

	public void setAcquireInterval(Duration acquireInterval) {
		this.acquireInterval = acquireInterval;
	}

	public boolean isAllowOldServer() {
		return this.allowOldServer;
	}

	public void setAllowOldServer(boolean allowOldServer) {
		this.allowOldServer = allowOldServer;
	}

	public Fencing getFencing() {
		return this.fencing;
	}

	/**
	 * Fencing tokens: a number that grows with each new holder, checked by the database in the
	 * transactions of {@code @Fenced} methods.
	 */
	public static class Fencing {

		/**
		 * Whether each tenure raises a fencing token in the lock's database before it becomes
		 * active.
		 */
		private boolean enabled;

		/**
		 * Table of the tokens, as name or schema.name; an unqualified one is in the current
		 * schema of the lock's role on PostgreSQL, in the URL's database on MySQL and MariaDB.
		 */
		private String table = "zeph_lock_fence";

		/**
		 * Whether the lock creates the table at startup when it is missing. 'never', the default,
		 * is what Spring Session JDBC and Spring Batch do for a database that is not embedded:
		 * create it in a migration with the statement in the jar's
		 * dev/zeph/pidfile/cluster/schema-postgresql.sql or schema-mysql.sql.
		 */
		private SchemaInitialization initializeSchema = SchemaInitialization.NEVER;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public String getTable() {
			return this.table;
		}

		public void setTable(String table) {
			this.table = table;
		}

		public SchemaInitialization getInitializeSchema() {
			return this.initializeSchema;
		}

		public void setInitializeSchema(SchemaInitialization initializeSchema) {
			this.initializeSchema = initializeSchema;
		}

	}

	/**
	 * Whether to create the fencing table at startup.
	 */
	public enum SchemaInitialization {

		/** Create it when it is missing. */
		ALWAYS,

		/** Never create it: a migration does. */
		NEVER

	}

}
