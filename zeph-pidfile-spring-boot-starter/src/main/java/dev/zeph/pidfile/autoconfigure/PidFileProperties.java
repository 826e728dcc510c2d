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
	 * Whether to take the pid-file lock at startup. In contexts created by Spring's test
	 * framework (@SpringBootTest and the test slices) no lock is taken unless this is set
	 * to true explicitly, and then each such context locks a file of its own.
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
	 * it when it was deleted. Defaults to 10s, and to 1s in standby mode, where it bounds how
	 * long the work of two instances may overlap after the file was replaced. 0 turns the
	 * watchdog off (not in standby mode).
	 */
	private @Nullable Duration checkInterval;

	/**
	 * Exit code of a start refused because another instance holds the lock, when the failure
	 * escapes the main method. 75 is EX_TEMPFAIL: try again later.
	 */
	private int alreadyRunningExitCode = 75;

	/**
	 * What a start does when another instance holds a lock (the pid file's or the cluster
	 * lock): 'refuse' stops it before any bean exists; 'wait' waits for the lock, then starts;
	 * 'standby' starts and serves, and runs the @ActiveInstanceOnly work only once it holds
	 * the lock, waiting for it in the background.
	 */
	private Mode mode = Mode.REFUSE;

	/**
	 * In wait mode, how long to wait for a lock before the start is refused as in refuse
	 * mode. 0 waits for ever.
	 */
	private Duration waitTimeout = Duration.ZERO;

	/**
	 * What to do when a lock (the pid file's or the cluster lock) is lost while running:
	 * 'exit' closes the application and exits with code 70, so that a supervisor restarts
	 * it (it then waits or is refused); 'keep-running' only reports it (event, health, log);
	 * 'standby', in standby mode, stops the singleton work and waits for the lock again.
	 * Defaults to 'standby' in standby mode, else 'exit'.
	 */
	private @Nullable OnLoss onLoss;

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

	public @Nullable Duration getCheckInterval() {
		return this.checkInterval;
	}

	public void setCheckInterval(@Nullable Duration checkInterval) {
		this.checkInterval = checkInterval;
	}

	public int getAlreadyRunningExitCode() {
		return this.alreadyRunningExitCode;
	}

	public void setAlreadyRunningExitCode(int alreadyRunningExitCode) {
		this.alreadyRunningExitCode = alreadyRunningExitCode;
	}

	public Mode getMode() {
		return this.mode;
	}

	public void setMode(Mode mode) {
		this.mode = mode;
	}

	public Duration getWaitTimeout() {
		return this.waitTimeout;
	}

	public void setWaitTimeout(Duration waitTimeout) {
		this.waitTimeout = waitTimeout;
	}

	public @Nullable OnLoss getOnLoss() {
		return this.onLoss;
	}

	public void setOnLoss(@Nullable OnLoss onLoss) {
		this.onLoss = onLoss;
	}

	/**
	 * What a start does when another instance holds a lock.
	 */
	public enum Mode {

		/** Stop the start before any bean exists, naming the holder. */
		REFUSE,

		/** Wait for the lock, then go on with the start: a cold standby. */
		WAIT,

		/** Start and serve, and run the singleton work only while holding the lock: a hot standby. */
		STANDBY

	}

	/**
	 * What to do when a lock is lost while running.
	 */
	public enum OnLoss {

		/** Close the application and exit, so that a supervisor restarts it. */
		EXIT,

		/** Report the loss (event, health, log) and keep running. */
		KEEP_RUNNING,

		/** In standby mode: stop the singleton work and wait for the lock again. */
		STANDBY

	}

}
