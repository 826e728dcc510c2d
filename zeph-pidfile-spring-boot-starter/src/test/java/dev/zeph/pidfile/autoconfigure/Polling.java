package dev.zeph.pidfile.autoconfigure;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for another thread or process to get somewhere: a bounded wait, never a timing
 * assertion. The deadline only keeps a broken build from hanging.
 */
final class Polling {

	static final Duration DEADLINE = Duration.ofSeconds(60);

	private Polling() {
	}

	static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + DEADLINE.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Gave up waiting for " + what + " after " + DEADLINE);
			}
			Thread.sleep(10);
		}
	}

}
