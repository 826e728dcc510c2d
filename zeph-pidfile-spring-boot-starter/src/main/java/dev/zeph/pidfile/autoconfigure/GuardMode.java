package dev.zeph.pidfile.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * How both guards, the pid file and the cluster lock, treat a lock that another instance
 * holds and a lock that this one loses: the properties they share, checked. Used by the
 * guards; not meant for applications.
 *
 * @param mode what a start does when another instance holds a lock
 * @param onLoss what a running instance does when it loses a lock
 * @param waitTimeout in wait mode, how long to wait; zero for ever
 * @param alreadyRunningExitCode the exit code of a start refused as already running
 */
public record GuardMode(PidFileProperties.Mode mode, PidFileProperties.OnLoss onLoss, Duration waitTimeout,
		int alreadyRunningExitCode) {

	static final String WAIT_TIMEOUT_PROPERTY = "zeph.pidfile.wait-timeout";

	static final String ON_LOSS_PROPERTY = "zeph.pidfile.on-loss";

	static final String ALREADY_RUNNING_EXIT_CODE_PROPERTY = "zeph.pidfile.already-running-exit-code";

	/**
	 * Check the shared properties, whether or not the pid file is on, and resolve the action
	 * on a loss: standing by again in standby mode, exiting in the others.
	 * @param properties the bound properties
	 * @return the mode
	 */
	public static GuardMode of(PidFileProperties properties) {
		int exitCode = properties.getAlreadyRunningExitCode();
		if (exitCode < 1 || exitCode > 255) {
			throw new InvalidConfigurationPropertyValueException(ALREADY_RUNNING_EXIT_CODE_PROPERTY, exitCode,
					"An exit code must be between 1 and 255: 0 would report success, and a shell keeps only the low 8 bits.");
		}
		Duration waitTimeout = properties.getWaitTimeout();
		if (waitTimeout.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(WAIT_TIMEOUT_PROPERTY, waitTimeout,
					"The timeout must not be negative; 0 waits for ever.");
		}
		PidFileProperties.Mode mode = properties.getMode();
		boolean standby = mode == PidFileProperties.Mode.STANDBY;
		PidFileProperties.OnLoss onLoss = properties.getOnLoss();
		if (onLoss == null) {
			onLoss = standby ? PidFileProperties.OnLoss.STANDBY : PidFileProperties.OnLoss.EXIT;
		}
		if (onLoss == PidFileProperties.OnLoss.STANDBY && !standby) {
			throw new InvalidConfigurationPropertyValueException(ON_LOSS_PROPERTY, "standby",
					"Only an instance in standby mode (zeph.pidfile.mode=standby) can stand by again after a loss: its"
							+ " singleton work is what stops. Choose 'exit' or 'keep-running', or set the mode.");
		}
		if (onLoss == PidFileProperties.OnLoss.KEEP_RUNNING && standby) {
			throw new InvalidConfigurationPropertyValueException(ON_LOSS_PROPERTY, "keep-running",
					"In standby mode a loss stops the singleton work and the instance stands by again to take the"
							+ " lock back ('standby', the default), or exits ('exit'); it cannot keep running as if"
							+ " it still held the lock.");
		}
		return new GuardMode(mode, onLoss, waitTimeout, exitCode);
	}

	/**
	 * Whether every instance starts, and only the active one runs the singleton work.
	 * @return whether in standby mode
	 */
	public boolean standby() {
		return this.mode == PidFileProperties.Mode.STANDBY;
	}

	/**
	 * Whether a start waits for a held lock before the context is refreshed.
	 * @return whether in wait mode
	 */
	public boolean waits() {
		return this.mode == PidFileProperties.Mode.WAIT;
	}

	/**
	 * Whether a loss sends the instance back to standing by.
	 * @return whether {@code on-loss} is {@code standby}
	 */
	public boolean awaitsAgainOnLoss() {
		return this.onLoss == PidFileProperties.OnLoss.STANDBY;
	}

}
