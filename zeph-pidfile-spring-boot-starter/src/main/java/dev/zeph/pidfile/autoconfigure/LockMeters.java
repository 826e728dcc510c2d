package dev.zeph.pidfile.autoconfigure;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;

/**
 * The meters every guard has. Their names are shared by the guards and told apart by the
 * {@value #GUARD_TAG} tag, so that one dashboard query covers the pid file and a lock held
 * elsewhere; the {@value #LOCK_TAG} tag names what is locked. Used by the guards' meter
 * binders; not meant for applications.
 */
public final class LockMeters {

	/** Whether the guard holds its lock. */
	public static final String HELD = "zeph.lock.held";

	/** How long taking the lock took. */
	public static final String ACQUISITION_TIME = "zeph.lock.acquisition.time";

	/** How many times the lock was lost. */
	public static final String LOST = "zeph.lock.lost";

	/** The guard: {@code pidfile} or {@code cluster}. */
	public static final String GUARD_TAG = "guard";

	/** What is locked: a path or a lock name. */
	public static final String LOCK_TAG = "lock";

	private LockMeters() {
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
	public static <T> void bindShared(MeterRegistry registry, Tags tags, T lock, ToDoubleFunction<T> held,
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
