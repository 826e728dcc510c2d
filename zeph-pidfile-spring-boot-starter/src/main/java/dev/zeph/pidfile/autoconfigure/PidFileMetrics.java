package dev.zeph.pidfile.autoconfigure;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The pid file's meters: those of every guard ({@link LockMeters}), tagged with the path, and
 * the times its file was taken back.
 */
final class PidFileMetrics implements MeterBinder {

	static final String HEALED = "zeph.lock.healed";

	private final @Nullable ApplicationPidFile pidFile;

	/**
	 * Meters for the given pid file.
	 * @param pidFile the pid file, or {@code null} when the initializer took none (an
	 * unsupported platform on the default path), which binds no meter
	 */
	PidFileMetrics(@Nullable ApplicationPidFile pidFile) {
		this.pidFile = pidFile;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ApplicationPidFile pidFile = this.pidFile;
		if (pidFile == null) {
			return;
		}
		Tags tags = Tags.of(LockMeters.GUARD_TAG, "pidfile", LockMeters.LOCK_TAG, pidFile.getPath().toString());
		LockMeters.bindShared(registry, tags, pidFile, (file) -> file.isHeld() ? 1 : 0,
				(file) -> file.getAcquisitionTime().toNanos(), "Time taken to acquire the lock at startup",
				ApplicationPidFile::getLosses);
		FunctionCounter.builder(HEALED, pidFile, ApplicationPidFile::getHeals)
			.tags(tags)
			.description("Times the lock was taken again after its file was deleted or replaced")
			.register(registry);
	}

}
