package dev.zeph.pidfile.autoconfigure;

import java.util.OptionalLong;

import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileException;
import dev.zeph.pidfile.PidFileStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code UP} while the pid file's path names the file this application locked, {@code DOWN}
 * when it was deleted or replaced, naming who holds the path now. A health endpoint may be
 * polled every few seconds, so the {@code UP} check is one {@code lstat} and reads no file;
 * only a {@code DOWN} check probes the lock at the path to name its holder.
 */
final class PidFileHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable ApplicationPidFile pidFile;

	PidFileHealthIndicator(@Nullable ApplicationPidFile pidFile) {
		super("Pid file health check failed");
		this.pidFile = pidFile;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ApplicationPidFile pidFile = this.pidFile;
		if (pidFile == null) {
			builder.unknown().withDetail("reason", "No pid file is held, see the startup log");
			return;
		}
		PidFile.Ownership ownership = pidFile.getOwnership();
		builder.withDetail("path", pidFile.getPath().toString());
		if (ownership == PidFile.Ownership.OWNED) {
			builder.up()
				.withDetail("pid", pidFile.getPid())
				.withDetail("acquiredAt", pidFile.getAcquiredAt().toString())
				.withDetail("backend", pidFile.getNativeBackend());
			return;
		}
		builder.down().withDetail("ownership", ownership.name()).withDetail("applicationPid", pidFile.getPid());
		addHolder(builder, pidFile);
	}

	private void addHolder(Health.Builder builder, ApplicationPidFile pidFile) {
		try {
			PidFileStatus status = PidFile.inspect(pidFile.getPath());
			builder.withDetail("holder", describe(status, pidFile.getPid()));
			if (status.state() == PidFileStatus.State.RUNNING) {
				status.pid().ifPresent((pid) -> builder.withDetail("pid", pid));
			}
		}
		catch (PidFileException ex) {
			builder.withDetail("holder", "unknown: " + ex.getMessage());
		}
	}

	private static String describe(PidFileStatus status, long applicationPid) {
		OptionalLong pid = status.pid();
		return switch (status.state()) {
			case RUNNING -> pid.isEmpty() ? "another process (pid unknown)"
					: (pid.getAsLong() == applicationPid) ? "this process, through another lock of the file"
							: "PID " + pid.getAsLong();
			case STALE -> "nobody (a stale file of PID " + pid.getAsLong() + ")";
			case NOT_RUNNING -> "nobody";
		};
	}

}
