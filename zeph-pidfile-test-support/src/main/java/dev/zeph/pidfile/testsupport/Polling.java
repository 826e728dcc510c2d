package dev.zeph.pidfile.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for another thread or process to get somewhere: a bounded wait, never a timing
 * assertion. The deadline only keeps a broken build from hanging.
 */
public final class Polling {

	/** How long any wait may last before the test fails. */
	public static final Duration DEADLINE = Duration.ofMinutes(2);

	private Polling() {
	}

	/**
	 * Poll until the condition holds.
	 * @param condition the condition
	 * @param what what is awaited, for the failure's message
	 * @throws InterruptedException if interrupted while waiting
	 */
	public static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Gave up waiting for " + what + " after " + DEADLINE);
			}
			Thread.sleep(10);
		}
	}

}
