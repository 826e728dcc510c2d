package dev.zeph.pidfile.benchmarks.pictures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeph.pidfile.benchmarks.stats.Summary;

/**
 * Draws what the cluster lock adds to a start, from the rounds a start-up benchmark printed
 * ({@code round N: uptime at ready with the cluster lock X ms, without Y ms}): per run a row
 * of the pairs' ratios, their median, its 95% confidence interval, and the target.
 * <p>
 * Arguments: {@code <svg to write> <target ratio> <label>=<file of rounds> ...}.
 */
public final class StartupChart {

	private static final Pattern ROUND = Pattern
		.compile("round \\d+: uptime at ready with the cluster lock (\\d+) ms, without (\\d+) ms");

	private static final int WIDTH = 900;

	private static final int LEFT = 190;

	private static final int RIGHT = 40;

	private static final int ROW = 46;

	private static final double LOW = 0.80;

	private static final double HIGH = 1.25;

	private StartupChart() {
	}

	public static void main(String[] args) throws Exception {
		Path out = Path.of(args[0]);
		double target = Double.parseDouble(args[1]);
		List<String> labels = new ArrayList<>();
		List<double[]> ratios = new ArrayList<>();
		for (int i = 2; i < args.length; i++) {
			int equals = args[i].indexOf('=');
			labels.add(args[i].substring(0, equals));
			List<Double> values = new ArrayList<>();
			Matcher round = ROUND.matcher(Files.readString(Path.of(args[i].substring(equals + 1))));
			while (round.find()) {
				values.add(Double.parseDouble(round.group(1)) / Double.parseDouble(round.group(2)));
			}
			ratios.add(values.stream().mapToDouble(Double::doubleValue).toArray());
		}
		Files.createDirectories(out.toAbsolutePath().getParent());
		Files.writeString(out, draw(labels, ratios, target));
		System.out.println("drew " + out);
	}

	static String draw(List<String> labels, List<double[]> ratios, double target) {
		int height = 60 + ROW * labels.size() + 40;
		Svg svg = new Svg(WIDTH, height);
		svg.text(WIDTH / 2.0, 24, "Start-up with the cluster lock / without it, pair by pair (JVM uptime at ready)", 14,
				"middle", "#111111");
		double bottom = 50 + ROW * labels.size();
		svg.line(x(1.0), 40, x(1.0), bottom, "#999999", "");
		svg.line(x(target), 40, x(target), bottom, "#b00020", "4,3");
		svg.text(x(target) + 4, 48, String.format(Locale.ROOT, "target %.2f×", target), 11, "start", "#b00020");
		for (int row = 0; row < labels.size(); row++) {
			double y = 60 + row * ROW;
			Summary summary = Summary.of(ratios.get(row));
			svg.text(LEFT - 12, y + 5, labels.get(row), 12, "end", "#111111");
			svg.text(LEFT - 12, y + 20, String.format(Locale.ROOT, "%d pairs", summary.n()), 11, "end", "#666666");
			svg.rect(x(summary.low()), y - 8, x(summary.high()) - x(summary.low()), 16, "#cfe0fb");
			for (double ratio : ratios.get(row)) {
				svg.circle(x(Math.max(LOW, Math.min(HIGH, ratio))), y, 2.2, "#2f6fdf");
			}
			svg.line(x(summary.median()), y - 11, x(summary.median()), y + 11, "#111111", "");
			svg.text(x(summary.median()), y + 24, String.format(Locale.ROOT, "median %.3f× (95%% CI %.3f–%.3f)",
					summary.median(), summary.low(), summary.high()), 11, "middle", "#111111");
		}
		for (double tick = LOW; tick <= HIGH + 1e-9; tick += 0.05) {
			svg.line(x(tick), bottom, x(tick), bottom + 5, "#666666", "");
			svg.text(x(tick), bottom + 18, String.format(Locale.ROOT, "%.2f×", tick), 11, "middle", "#666666");
		}
		return svg.toString();
	}

	private static double x(double ratio) {
		return LEFT + (ratio - LOW) / (HIGH - LOW) * (WIDTH - LEFT - RIGHT);
	}

}
