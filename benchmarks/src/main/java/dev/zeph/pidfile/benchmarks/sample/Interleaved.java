package dev.zeph.pidfile.benchmarks.sample;

import java.util.ArrayList;
import java.util.List;

/**
 * Paired runs of two variants in one sitting, interleaved A B, B A, A B, ... so that a
 * machine that drifts or a busy moment slows both sides of a pair alike, and neither side
 * always runs first. The per-pair ratio or difference is what the benchmarks summarize.
 */
public final class Interleaved {

	private Interleaved() {
	}

	/** One run of a variant; {@code index} counts pairs from 1. */
	@FunctionalInterface
	public interface Variant {

		AppRun run(int index) throws Exception;

	}

	/** A pair of runs, one of each variant. */
	public record Pair(AppRun a, AppRun b) {

	}

	/** {@code n} pairs, a progress dot on standard error after each. */
	public static List<Pair> pairs(int n, Variant a, Variant b) throws Exception {
		List<Pair> pairs = new ArrayList<>();
		for (int i = 1; i <= n; i++) {
			if (i % 2 == 1) {
				AppRun first = a.run(i);
				pairs.add(new Pair(first, b.run(i)));
			}
			else {
				AppRun first = b.run(i);
				pairs.add(new Pair(a.run(i), first));
			}
			System.err.print('.');
		}
		System.err.println();
		return pairs;
	}

	/**
	 * The order of three variants in round {@code i} (from 1), rotating so that each runs
	 * first, second and third equally often: 0 1 2, then 1 2 0, then 2 0 1.
	 */
	public static int[] rotation(int i) {
		int shift = (i - 1) % 3;
		return new int[] { shift, (shift + 1) % 3, (shift + 2) % 3 };
	}

}
