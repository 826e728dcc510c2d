package dev.zeph.pidfile.autoconfigure;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * The pid file's meters. Their names are shared by every guard of this project and told apart
 * by the {@value #GUARD_TAG} tag, so that one dashboard query covers the pid file and a lock
 * held elsewhere; the {@value #LOCK_TAG} tag names what is locked (here, the path).
 */
final class PidFileMetrics implements MeterBinder {

	static final String HELD = "zeph.lock.held";

	static final String ACQUISITION_TIME = "zeph.lock.acquisition.time";

	static final String HEALED = "zeph.lock.healed";

	static final String LOST = "zeph.lock.lost";

	static final String GUARD_TAG = "guard";

	static final String LOCK_TAG = "lock";

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
		Tags tags = Tags.of(GUARD_TAG, "pidfile", LOCK_TAG, pidFile.getPath().toString());
		bindShared(registry, tags, pidFile, (file) -> file.isHeld() ? 1 : 0,
				(file) -> file.getAcquisitionTime().toNanos(), "Time taken to acquire the lock at startup",
				ApplicationPidFile::getLosses);
		FunctionCounter.builder(HEALED, pidFile, ApplicationPidFile::getHeals)
			.tags(tags)
			.description("Times the lock was taken again after its file was deleted or replaced")
			.register(registry);
	}

	/**
	 * The meters that every guard has, under the same names: whether it holds its lock, how
	 * long taking the lock took, and how many times it was lost.
	 * @param <T> the guard's bean
	 * @param registry where to register them
	 * @param tags the guard's {@value #GUARD_TAG} and {@value #LOCK_TAG} tags
	 * @param lock the guard's bean
	 * @param held 1 while it holds the lock, else 0
	 * @param acquisitionNanos how long taking the lock took, in nanoseconds
	 * @param acquisitionDescription what the acquisition time covers for this guard
	 * @param losses how many times the lock was lost
	 */
	static <T> void bindShared(MeterRegistry registry, Tags tags, T lock, ToDoubleFunction<T> held,
			ToDoubleFunction<T> acquisitionNanos, String acquisitionDescription, ToDoubleFunction<T> losses) {
		Gauge.builder(HELD, lock, held)
			.tags(tags)
			.description("Whether this instance holds its lock: 1 if it does, 0 if not")
			.register(registry);
		TimeGauge.builder(ACQUISITION_TIME, lock, TimeUnit.NANOSECONDS, acquisitionNanos)
			.tags(tags)
			.description(acquisitionDescription)
			.register(registry);
		FunctionCounter.builder(LOST, lock, losses)
			.tags(tags)
			.description("Times the lock was lost to another holder or could not be taken again")
			.register(registry);
	}

}
