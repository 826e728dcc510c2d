package dev.zeph.pidfile.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for the pid file. They are bound with a {@code Binder} by an
 * {@code ApplicationContextInitializer} before any bean exists, because the lock has to be
 * taken before the context is refreshed; this class exists so that the metadata, and with it
 * IDE completion, describes them.
 */
@ConfigurationProperties("zeph.pidfile")
public class PidFileProperties {

	/**
	 * Whether to take the pid-file lock at startup. Turn it off in tests that start more
	 * than one application context in a JVM.
	 */
	private boolean enabled = true;

	/**
	 * Pid file to lock and write this process's id into; its missing parent directories are
	 * created. Defaults to "<java.io.tmpdir>/<name>.pid", where the name is
	 * 'spring.application.name', else the fully qualified name of the main class, else
	 * "application". A path set here is also a promise: a platform that cannot lock it fails
	 * the startup instead of starting with a warning. A relative path is resolved against the
	 * working directory, with a warning; one that ends in '/' or starts with a '~' that no
	 * shell expanded is refused.
	 */
	private @Nullable String path;

	/**
	 * How often the watchdog checks that the path still names the locked file, re-creating
	 * it when it was deleted. 0 turns the watchdog off.
	 */
	private Duration checkInterval = Duration.ofSeconds(10);

	/**
	 * Exit code of a start refused because another instance holds the lock, when the failure
	 * escapes the main method. 75 is EX_TEMPFAIL: try again later.
	 */
	private int alreadyRunningExitCode = 75;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable String getPath() {
		return this.path;
	}

	public void setPath(@Nullable String path) {
		this.path = path;
	}

	public Duration getCheckInterval() {
		return this.checkInterval;
	}

	public void setCheckInterval(Duration checkInterval) {
		this.checkInterval = checkInterval;
	}

	public int getAlreadyRunningExitCode() {
		return this.alreadyRunningExitCode;
	}

	public void setAlreadyRunningExitCode(int alreadyRunningExitCode) {
		this.alreadyRunningExitCode = alreadyRunningExitCode;
	}

}
