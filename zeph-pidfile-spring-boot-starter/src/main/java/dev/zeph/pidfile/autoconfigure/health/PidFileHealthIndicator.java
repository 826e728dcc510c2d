package dev.zeph.pidfile.autoconfigure.health;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileException;
import dev.zeph.pidfile.PidFileHolder;
import dev.zeph.pidfile.PidFileStatus;
import dev.zeph.pidfile.autoconfigure.ApplicationPidFile;
import dev.zeph.pidfile.autoconfigure.PidFileWatchdog;
import dev.zeph.pidfile.standby.ActiveInstance;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * {@code UP} while the pid file's path names the file this application locked, {@code DOWN}
 * when it was deleted or replaced, naming who holds the path now. A health endpoint may be
 * polled every few seconds, so the {@code UP} check is one {@code lstat} and reads no file;
 * only a {@code DOWN} check probes the lock at the path to name its holder. The {@code UP}
 * details change only when the watchdog takes the lock again, so they are made once per lock,
 * not on every request.
 * <p>
 * When the path changed and the watchdog runs, the indicator has it check at once rather
 * than answer {@code DOWN} until its next scheduled check: a deleted file is then locked
 * again, and a liveness probe never kills an instance for a file that it heals.
 * <p>
 * In standby mode an instance that waits for the file is {@code UP}, with its role, who
 * holds the file and how long it has waited; {@code DOWN} only while it cannot try the path.
 */
final class PidFileHealthIndicator extends AbstractHealthIndicator {

	private final @Nullable ApplicationPidFile pidFile;

	private static final String GUARD = "pidfile";

	private final @Nullable PidFileWatchdog watchdog;

	private final @Nullable ActiveInstance instance;

	private volatile @Nullable UpDetails upDetails;

	PidFileHealthIndicator(@Nullable ApplicationPidFile pidFile) {
		this(pidFile, null, null);
	}

	PidFileHealthIndicator(@Nullable ApplicationPidFile pidFile, @Nullable PidFileWatchdog watchdog,
			@Nullable ActiveInstance instance) {
		super("Pid file health check failed");
		this.pidFile = pidFile;
		this.watchdog = watchdog;
		this.instance = instance;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ApplicationPidFile pidFile = this.pidFile;
		if (pidFile == null) {
			builder.unknown().withDetail("reason", "No pid file is held, see the startup log");
			return;
		}
		ActiveInstance instance = this.instance;
		PidFile.Ownership ownership = pidFile.getOwnership();
		if (ownership == PidFile.Ownership.RELEASED && instance != null && instance.isStandbyMode()) {
			String unusable = instance.unusable(GUARD);
			(unusable == null ? builder.up() : builder.down()).withDetail("path", pidFile.getPath().toString())
				.withDetail("applicationPid", pidFile.getPid())
				.withDetails(instance.describe(GUARD));
			return;
		}
		if (ownership != PidFile.Ownership.OWNED && this.watchdog != null) {
			this.watchdog.check();
			ownership = pidFile.getOwnership();
		}
		if (ownership == PidFile.Ownership.OWNED) {
			builder.up().withDetails(upDetails(pidFile));
			if (instance != null) {
				builder.withDetails(instance.describe(GUARD));
			}
			return;
		}
		builder.down()
			.withDetail("path", pidFile.getPath().toString())
			.withDetail("ownership", ownership.name())
			.withDetail("applicationPid", pidFile.getPid());
		addHolder(builder, pidFile);
	}

	private Map<String, Object> upDetails(ApplicationPidFile pidFile) {
		Instant acquiredAt = Objects.requireNonNull(pidFile.getAcquiredAt(), "held, so acquired");
		UpDetails upDetails = this.upDetails;
		if (upDetails == null || !upDetails.acquiredAt().equals(acquiredAt)) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("path", pidFile.getPath().toString());
			details.put("pid", pidFile.getPid());
			details.put("acquiredAt", acquiredAt.toString());
			details.put("backend", String.valueOf(pidFile.getNativeBackend()));
			upDetails = new UpDetails(acquiredAt, Collections.unmodifiableMap(details));
			this.upDetails = upDetails;
		}
		return upDetails.details();
	}

	private void addHolder(Health.Builder builder, ApplicationPidFile pidFile) {
		try {
			PidFileStatus status = PidFile.inspect(pidFile.getPath());
			builder.withDetail("holder", describe(status));
			if (status.state() == PidFileStatus.State.RUNNING) {
				status.pid().ifPresent((pid) -> builder.withDetail("pid", pid));
			}
		}
		catch (PidFileException ex) {
			builder.withDetail("holder", "unknown: " + ex.getMessage());
		}
	}

	private static String describe(PidFileStatus status) {
		PidFileHolder holder = status.holder();
		return switch (status.state()) {
			case RUNNING -> (holder == null) ? "another process (pid unknown)"
					: (holder.kind() == PidFileHolder.Kind.THIS_PROCESS) ? "this process, through another lock of the file"
							: holder.describe();
			case STALE -> "nobody (a stale file of PID " + status.pid().getAsLong() + ")";
			case NOT_RUNNING -> "nobody";
		};
	}

	/**
	 * The {@code UP} details of one lock, told apart from the next by when it was taken.
	 */
	private record UpDetails(Instant acquiredAt, Map<String, Object> details) {

	}

}
