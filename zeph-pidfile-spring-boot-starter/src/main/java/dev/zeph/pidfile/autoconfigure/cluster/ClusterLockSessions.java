package dev.zeph.pidfile.autoconfigure.cluster;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

import dev.zeph.pidfile.autoconfigure.DefaultPidFilePath;
import dev.zeph.pidfile.cluster.ClusterLockConnection;
import dev.zeph.pidfile.cluster.ClusterLockSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.StringUtils;

/**
 * The cluster lock's settings, read from an environment, and its session, opened as early as
 * its database is known: as the application starts where the command line, the system
 * properties or the environment name it, else once the environment is prepared, until the
 * initializer takes it.
 */
final class ClusterLockSessions {

	private static final String PREFIX = "zeph.pidfile.cluster.";

	/** Sessions opened as soon as an environment was prepared, until an initializer takes them. */
	private static final Map<Environment, ClusterLockConnection> EARLY = Collections
		.synchronizedMap(new WeakHashMap<>());

	private ClusterLockSessions() {
	}

	/**
	 * The session opened early for this environment, if it can serve the lock of these
	 * settings, else one opened now.
	 */
	static ClusterLockConnection take(Environment environment, ClusterLockSettings settings) {
		return reuseOrOpen(EARLY.remove(environment), settings);
	}

	/**
	 * Start opening the session as the application starts, from what the command line, the
	 * system properties and the environment say, before the configuration files are read:
	 * where they name the database, a session is opening once this returns; where they do not,
	 * the driver's classes are loading.
	 * @param args the application's arguments
	 * @return the session, still opening, or {@code null} when the database is not known yet
	 */
	static @Nullable AutoCloseable connectStarting(String[] args) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
		ConfigurationPropertySources.attach(environment);
		try {
			return ClusterLockConnection.open(settings(read(environment), environment, Duration.ZERO));
		}
		catch (RuntimeException ex) {
			// named in the configuration files, or invalid: known once the environment is prepared
			ClusterLockConnection.loadAhead();
			return null;
		}
	}

	/**
	 * Start opening the session for the lock of this environment, without taking it, or keep
	 * the one opened as the application started where it can serve that lock.
	 * @param environment the prepared environment
	 * @param starting the session opened as the application started, or {@code null}
	 * @return whether a session is opening: not when the settings are invalid, which the
	 * initializer then reports
	 */
	static boolean connectEarly(ConfigurableEnvironment environment, @Nullable AutoCloseable starting) {
		ClusterLockSettings settings;
		try {
			settings = settings(bind(environment), environment, Duration.ZERO);
		}
		catch (RuntimeException ex) {
			close(starting);
			return false;
		}
		// none opened at once, or the configuration files point the lock elsewhere: open one now
		ClusterLockConnection connection = reuseOrOpen(starting, settings);
		ClusterLockConnection previous = EARLY.put(environment, connection);
		if (previous != null && previous != connection) {
			previous.close();
		}
		return true;
	}

	/**
	 * End the session opened early for this environment, unless the lock was taken on it.
	 */
	static void closeEarly(ConfigurableEnvironment environment) {
		ClusterLockConnection connection = EARLY.remove(environment);
		if (connection != null) {
			connection.close();
		}
	}

	/**
	 * End a session opened as the application started, unless the lock was taken on it.
	 */
	static void close(@Nullable AutoCloseable starting) {
		if (starting instanceof ClusterLockConnection connection) {
			connection.close();
		}
	}

	/**
	 * The given session where it can serve the lock of these settings, else a new one, the
	 * given one closed.
	 */
	static ClusterLockConnection reuseOrOpen(@Nullable AutoCloseable opened, ClusterLockSettings settings) {
		if (opened instanceof ClusterLockConnection connection && connection.reuseFor(settings)) {
			return connection;
		}
		close(opened);
		return ClusterLockConnection.open(settings);
	}

	/**
	 * The lock's properties read one by one, under the binder's relaxed names, for a session
	 * opened before the configuration files are read: a guess that the binding of the prepared
	 * environment confirms or replaces, cheaper than binding on a JVM this cold.
	 * @throws RuntimeException when a value does not parse as the binder would parse it
	 */
	private static ClusterLockProperties read(Environment environment) {
		ClusterLockProperties properties = new ClusterLockProperties();
		properties.setName(environment.getProperty(PREFIX + "name"));
		properties.setUrl(environment.getProperty(PREFIX + "url"));
		properties.setUsername(environment.getProperty(PREFIX + "username"));
		properties.setPassword(environment.getProperty(PREFIX + "password"));
		properties.setServerTimeout(duration(environment, "server-timeout", properties.getServerTimeout()));
		properties.setHeartbeatInterval(duration(environment, "heartbeat-interval", properties.getHeartbeatInterval()));
		properties.setHeartbeatTimeout(duration(environment, "heartbeat-timeout", properties.getHeartbeatTimeout()));
		String takeoverGrace = environment.getProperty(PREFIX + "takeover-grace");
		if (StringUtils.hasText(takeoverGrace)) {
			properties.setTakeoverGrace(DurationStyle.detectAndParse(takeoverGrace));
		}
		properties.setAcquireInterval(duration(environment, "acquire-interval", properties.getAcquireInterval()));
		properties.setAllowOldServer("true".equalsIgnoreCase(environment.getProperty(PREFIX + "allow-old-server")));
		return properties;
	}

	private static Duration duration(Environment environment, String property, Duration unset) {
		String value = environment.getProperty(PREFIX + property);
		return StringUtils.hasText(value) ? DurationStyle.detectAndParse(value) : unset;
	}

	static ClusterLockProperties bind(Environment environment) {
		return Binder.get(environment)
			.bind("zeph.pidfile.cluster", ClusterLockProperties.class)
			.orElseGet(ClusterLockProperties::new);
	}

	/**
	 * The lock's settings from its properties, with a takeover grace that covers, beside the
	 * time a previous holder takes to notice a loss, the time its singleton work takes to
	 * stop: so that work, not only the lock, never overlaps.
	 * @param properties the bound properties
	 * @param environment the environment, for the defaults taken from elsewhere
	 * @param stopBudget how long the singleton work may take to stop; zero for a session
	 * opened ahead, whose lock is not taken yet
	 * @return the settings
	 */
	static ClusterLockSettings settings(ClusterLockProperties properties, Environment environment,
			Duration stopBudget) {
		// the name as given, in any language: a file name's sanitizing would make unrelated names one
		String name = (properties.getName() != null) ? properties.getName()
				: DefaultPidFilePath.applicationName(environment).orElse(null);
		if (name == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "name", null,
					"Set it, or spring.application.name: no main method is starting the application to name the"
							+ " lock after, and one name for unrelated applications would make them exclude each other.");
		}
		String url = firstText(properties.getUrl(), environment.getProperty("spring.datasource.url"));
		if (url == null) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "url", null,
					"Set it, or spring.datasource.url, to the database that holds the lock (PostgreSQL, MySQL or MariaDB).");
		}
		String username = firstText(properties.getUsername(), environment.getProperty("spring.datasource.username"));
		String password = firstText(properties.getPassword(), environment.getProperty("spring.datasource.password"));
		Duration notice = properties.getHeartbeatInterval().plus(properties.getHeartbeatTimeout());
		Duration grace = (properties.getTakeoverGrace() != null) ? properties.getTakeoverGrace()
				: notice.plus(stopBudget);
		if (grace.compareTo(notice.plus(stopBudget)) < 0 && grace.compareTo(notice) >= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "takeover-grace", grace, "It is shorter than"
					+ " heartbeat-interval + heartbeat-timeout + zeph.pidfile.standby.stop-budget = "
					+ notice.plus(stopBudget).toMillis() + " ms: a previous holder may notice its loss only after"
					+ " interval + timeout, and its singleton work may take the stop budget to stop.");
		}
		ClusterLockProperties.Fencing fencing = properties.getFencing();
		try {
			return new ClusterLockSettings(name, url, username, password, properties.getServerTimeout(),
					properties.getHeartbeatInterval(), properties.getHeartbeatTimeout(), grace,
					properties.getAcquireInterval(), properties.isAllowOldServer(),
					fencing.isEnabled() ? new ClusterLockSettings.Fencing(fencing.getTable(),
							fencing.getInitializeSchema() == ClusterLockProperties.SchemaInitialization.ALWAYS) : null);
		}
		catch (IllegalArgumentException ex) {
			// the settings name the one at fault first: "server-timeout: ..."
			String message = String.valueOf(ex.getMessage());
			int colon = message.indexOf(':');
			String setting = (colon > 0) ? message.substring(0, colon) : "";
			Object value = switch (setting) {
				case "name" -> name;
				// a password may be in it
				case "url" -> ClusterLockSettings.withoutSecrets(url);
				case "server-timeout" -> properties.getServerTimeout();
				case "heartbeat-interval" -> properties.getHeartbeatInterval();
				case "heartbeat-timeout" -> properties.getHeartbeatTimeout();
				case "takeover-grace" -> grace;
				case "fencing.table" -> fencing.getTable();
				case "fencing.enabled" -> fencing.isEnabled();
				default -> properties.getAcquireInterval();
			};
			// the property the value came from, which the operator set
			String property = (setting.equals("url") && !StringUtils.hasText(properties.getUrl()))
					? "spring.datasource.url" : PREFIX + setting;
			throw new InvalidConfigurationPropertyValueException(property, value, message.substring(colon + 1).trim());
		}
	}

	private static @Nullable String firstText(@Nullable String first, @Nullable String second) {
		return StringUtils.hasText(first) ? first : StringUtils.hasText(second) ? second : null;
	}

}
