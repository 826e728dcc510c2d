package dev.zeph.pidfile.autoconfigure;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The {@link PidFileProperties} checked and resolved. A bad value fails the startup with an
 * {@link InvalidConfigurationPropertyValueException}, whose failure analysis names the
 * property and where it was set: a mistyped value must not silently mean "no watchdog" or an
 * exit code the shell truncates, and a path must not silently mean another file than the one
 * its writer had in mind.
 *
 * @param path the pid file, absolute
 * @param explicitPath whether {@code zeph.pidfile.path} was set, rather than defaulted
 * @param checkInterval the watchdog's interval; zero when it is off
 * @param mode what a start does when another instance holds the lock, and what a loss does
 */
record PidFileSettings(Path path, boolean explicitPath, Duration checkInterval, GuardMode mode) {

	static final String PATH_PROPERTY = "zeph.pidfile.path";

	static final String CHECK_INTERVAL_PROPERTY = "zeph.pidfile.check-interval";

	/** The watchdog's interval in standby mode, where it bounds how long two instances' work may overlap. */
	static final Duration STANDBY_CHECK_INTERVAL = Duration.ofSeconds(1);

	private static final Duration CHECK_INTERVAL = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(PidFileSettings.class);

	/**
	 * Check and resolve the properties.
	 * @param properties the bound properties
	 * @param environment the environment, for the default path's name
	 * @param testContext whether the guard was enabled in a test context, where the default
	 * path is one of its own so that the framework's cached contexts do not refuse each other
	 * @return the settings
	 */
	static PidFileSettings of(PidFileProperties properties, Environment environment, boolean testContext) {
		GuardMode mode = GuardMode.of(properties);
		Duration checkInterval = properties.getCheckInterval();
		if (checkInterval == null) {
			checkInterval = mode.standby() ? STANDBY_CHECK_INTERVAL : CHECK_INTERVAL;
		}
		if (checkInterval.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(CHECK_INTERVAL_PROPERTY, checkInterval,
					"The interval must not be negative; 0 turns the watchdog off.");
		}
		if (checkInterval.isZero() && mode.standby()) {
			throw new InvalidConfigurationPropertyValueException(CHECK_INTERVAL_PROPERTY, checkInterval,
					"In standby mode the watchdog bounds how long an active instance whose pid file was deleted or"
							+ " replaced goes on before it notices, and the takeover grace covers it: it cannot be off.");
		}
		String configuredPath = properties.getPath();
		Path path = (configuredPath != null) ? parse(configuredPath)
				: testContext ? DefaultPidFilePath.resolveForTestContext(environment)
						: DefaultPidFilePath.resolve(environment);
		return new PidFileSettings(path.toAbsolutePath(), configuredPath != null, checkInterval, mode);
	}

	/**
	 * Parse the configured path, refusing the two shapes that would create something else
	 * than the file meant: a trailing {@code /} (a directory's name, which would become a
	 * file's) and a leading {@code ~} that no shell expanded (a directory named {@code ~}). A
	 * relative path is resolved against the working directory, with a warning, since a start
	 * from another directory would lock another file.
	 */
	private static Path parse(String configuredPath) {
		if (!StringUtils.hasText(configuredPath)) {
			throw new InvalidConfigurationPropertyValueException(PATH_PROPERTY, configuredPath,
					"The path must not be empty; remove the property to use the default pid file.");
		}
		if (configuredPath.endsWith("/")) {
			throw new InvalidConfigurationPropertyValueException(PATH_PROPERTY, configuredPath,
					"It ends in '/', so it names a directory, not a file: add the pid file's name, such as "
							+ configuredPath + "application.pid.");
		}
		if (configuredPath.equals("~") || configuredPath.startsWith("~/")) {
			throw new InvalidConfigurationPropertyValueException(PATH_PROPERTY, configuredPath,
					"It starts with '~', which no shell expanded here, so it would name a directory literally"
							+ " called '~': write the home directory out, or use ${user.home}.");
		}
		Path path;
		try {
			path = Path.of(configuredPath);
		}
		catch (InvalidPathException ex) {
			throw new InvalidConfigurationPropertyValueException(PATH_PROPERTY, configuredPath,
					"It is not a valid path: " + ex.getMessage());
		}
		if (!path.isAbsolute()) {
			logger.warn(PATH_PROPERTY + " '" + configuredPath + "' is relative: using " + path.toAbsolutePath()
					+ ", resolved against the working directory. A start from another directory will lock another"
					+ " file and will not exclude this one: set an absolute path.");
		}
		return path;
	}

	boolean watchdogEnabled() {
		return !this.checkInterval.isZero();
	}

}
