package dev.zeph.pidfile.benchmarks.stats;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * The median of per-pair values with their min and max and the distribution-free 95%
 * confidence interval of the median, taken from order statistics (the normal approximation of
 * the binomial: ranks {@code (n+1)/2 ± 0.98·√n}, clamped to the sample). No assumption about
 * the shape of the distribution is made, because start-up and latency samples on a shared
 * machine are skewed and heavy-tailed.
 * <p>
 * A target is decided only when the whole interval lies on one side of it (see
 * {@link #verdict(double)}): a median alone would call a target met or missed on noise.
 *
 * @param n the number of values
 * @param median the median
 * @param min the smallest value
 * @param max the largest value
 * @param low the lower bound of the median's 95% confidence interval
 * @param high its upper bound
 */
public record Summary(int n, double median, double min, double max, double low, double high) {

	/**
	 * The summary of the values that are not NaN (a figure not measured in a run); with none,
	 * every field but {@code n} (0) is NaN and the verdict is {@code not measured}.
	 */
	public static Summary of(double... values) {
		double[] sorted = Arrays.stream(values).filter((value) -> !Double.isNaN(value)).sorted().toArray();
		if (sorted.length == 0) {
			return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
		}
		int n = sorted.length;
		double median = (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
		double width = 0.98 * Math.sqrt(n);
		int low = Math.max(1, (int) Math.floor((n + 1) / 2.0 - width));
		int high = Math.min(n, (int) Math.ceil((n + 1) / 2.0 + width));
		return new Summary(n, median, sorted[0], sorted[n - 1], sorted[low - 1], sorted[high - 1]);
	}

	/** The summary of at least one value. */
	public static Summary of(Collection<? extends Number> values) {
		return of(values.stream().mapToDouble(Number::doubleValue).toArray());
	}

	/** The median of at least one value. */
	public static double median(double... values) {
		return of(values).median();
	}

	/**
	 * Whether an upper limit is met: {@code met} when the whole interval is at or below it,
	 * {@code NOT met} when the whole interval is above it, else which side the median is on and
	 * that the interval straddles the limit.
	 */
	public String verdict(double limit) {
		if (this.n == 0) {
			return "not measured";
		}
		if (this.high <= limit) {
			return "met";
		}
		if (this.low > limit) {
			return "NOT met";
		}
		return ((this.median <= limit) ? "met" : "NOT met") + " by the median, but its CI straddles the target";
	}

	/** Every value divided by a divisor, as for a unit change. */
	public Summary scaled(double divisor) {
		return new Summary(this.n, this.median / divisor, this.min / divisor, this.max / divisor, this.low / divisor,
				this.high / divisor);
	}

	/** A ratio: {@code 1.012x (0.950-1.080); 95% CI of median 0.990-1.031}. */
	public String ratio() {
		return String.format(Locale.ROOT, "%.3fx (%.3f-%.3f); 95%% CI of median %.3f-%.3f", this.median, this.min,
				this.max, this.low, this.high);
	}

	/** A signed difference in the given unit and decimals: {@code +1.2 MiB (-3.0 to +4.1); 95% CI ...}. */
	public String difference(String unit, int decimals) {
		String f = "%+." + decimals + "f";
		return String.format(Locale.ROOT, f + "%s (" + f + " to " + f + "); 95%% CI of median " + f + " to " + f,
				this.median, unit.isEmpty() ? "" : " " + unit, this.min, this.max, this.low, this.high);
	}

	/** An amount without the interval: {@code 2436 ms (2301-2712)}. */
	public String amount(String unit, int decimals) {
		String f = "%." + decimals + "f";
		return String.format(Locale.ROOT, f + " %s (" + f + "-" + f + ")", this.median, unit, this.min, this.max);
	}

}
