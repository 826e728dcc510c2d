package dev.zeph.pidfile.benchmarks.percall;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.zeph.pidfile.benchmarks.stats.Summary;

/**
 * Turns the samples that {@link PerCallBenchmark} collected into the table of Java/C ratios; run
 * alone on a results directory ({@code java ... FloorRatios <directory>}) it prints the table again.
 * <p>
 * {@code c.tsv} holds {@code run metric us} (three rounds per metric per C run) and
 * {@code java.tsv} holds {@code run config round benchmark us mean bytes}, where {@code us} is the
 * median of the run's measured JMH iterations, {@code mean} JMH's score and {@code bytes} what
 * JMH's GC profiler saw allocated per operation (empty without it). {@code iterations.tsv}
 * holds every one-second iteration: {@code run config round benchmark phase index us gcs}. Java run {@code j} ran between
 * C runs {@code j} and {@code j + 1}; its floor is the median of those two C runs' rounds.
 * Each configuration's ratio is then the median over its Java runs, with the min and max.
 */
public final class FloorRatios {

	/** benchmark, C metric, what the issue allows, and what each side does. */
	private static final String[][] CALLS = {
			{ "acquireRelease", "cycle", "1.3", "acquire+release", "C: open, flock, fstat, lstat, pwrite, ftruncate, lstat, unlink, close (9); Java, steady state: stat of the directories others could have changed (2 here, below the sticky temp directory), open with O_CREAT|O_EXCL, fstat, flock, lstat, pwrite, lstat, unlink, close (10): no ftruncate of a file that was empty" },
			{ "ownershipCheck", "verify", "1.5", "ownership check", "C: fstat + lstat; Java: one lstat" },
			{ "inspectHeld", "probe", "2.0", "inspect held path", "C: open, flock(LOCK_SH|LOCK_NB), close (3); Java: the same (open adds O_NONBLOCK) and fstat to refuse anything but a regular file, then pread of the pid written in the file; the holder is this JVM's own PidFile, which its record of held files names without /proc/locks (5)" } };

	private static final Map<String, String> LABELS = Map.of("jdk25-ffm", "JDK 25, java.lang.foreign", "jdk17-jffi",
			"JDK 17, jffi", "jdk25-jffi", "JDK 25, jffi");

	private FloorRatios() {
	}

	public static void main(String[] args) throws IOException {
		// UTF-8 whatever the locale: the table has µ, × and ≤
		print(Path.of(args[0]), new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8));
	}

	/** Prints the table of the results in a directory. */
	static void print(Path out, PrintStream stdout) throws IOException {
		List<String[]> floor = rows(out.resolve("c.tsv"));
		List<String[]> java = rows(out.resolve("java.tsv"));
		Map<String, List<String[]>> byConfig = new LinkedHashMap<>();
		for (String[] row : java) {
			byConfig.computeIfAbsent(row[1], (key) -> new ArrayList<>()).add(row);
		}
		StringBuilder table = new StringBuilder();
		StringBuilder rounds = new StringBuilder();
		List<String[]> iterations = Files.exists(out.resolve("iterations.tsv")) ? rows(out.resolve("iterations.tsv"))
				: List.of();
		StringBuilder drift = new StringBuilder();
		table.append("| call | backend | Java µs | C µs | Java/C median | min–max | target | | B/op |\n");
		table.append("|---|---|---:|---:|---:|---:|---:|---|---:|\n");
		for (String[] call : CALLS) {
			for (Map.Entry<String, List<String[]>> config : byConfig.entrySet()) {
				List<Double> ratios = new ArrayList<>();
				List<Double> javaTimes = new ArrayList<>();
				List<Double> floorTimes = new ArrayList<>();
				List<Double> allocations = new ArrayList<>();
				for (String[] row : config.getValue()) {
					if (!row[3].equals(call[0])) {
						continue;
					}
					int run = Integer.parseInt(row[0]);
					List<Double> around = new ArrayList<>();
					for (String[] c : floor) {
						int cRun = Integer.parseInt(c[0]);
						if ((cRun == run || cRun == run + 1) && c[1].equals(call[1])) {
							around.add(Double.parseDouble(c[2]));
						}
					}
					double javaTime = Double.parseDouble(row[4]);
					double floorTime = median(around);
					javaTimes.add(javaTime);
					if (row.length > 6 && !row[6].isBlank()) {
						allocations.add(Double.parseDouble(row[6]));
					}
					floorTimes.add(floorTime);
					ratios.add(javaTime / floorTime);
				}
				if (ratios.isEmpty()) {
					continue;
				}
				double target = Double.parseDouble(call[2]);
				double median = median(ratios);
				double max = ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
				double min = ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
				String verdict = (median <= target) ? ((max <= target) ? "met" : "met (median; not every round)")
						: "**not met**";
				table.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | **%.2f×** | %.2f–%.2f | ≤ %s× | %s | %s |%n",
						call[3], LABELS.getOrDefault(config.getKey(), config.getKey()), median(javaTimes),
						median(floorTimes), median, min, max, call[2], verdict,
						allocations.isEmpty() ? "" : String.format(Locale.ROOT, "%.0f", median(allocations))));
				drift.append(drift(iterations, config.getKey(), call));
				rounds.append(String.format(Locale.ROOT, "- %s, %s: ", call[3],
						LABELS.getOrDefault(config.getKey(), config.getKey())));
				for (int i = 0; i < ratios.size(); i++) {
					rounds.append(String.format(Locale.ROOT, "%s%.2f (%.2f / %.2f µs)", (i > 0) ? ", " : "",
							ratios.get(i), javaTimes.get(i), floorTimes.get(i)));
				}
				rounds.append('\n');
			}
		}
		stdout.print(table);
		stdout.println();
		stdout.println("Per round, Java/C (Java µs / C µs):");
		stdout.println();
		stdout.print(rounds);
		stdout.println();
		if (drift.length() > 0) {
			stdout.println("Drift: each run's last measured iteration over its first (a flat steady state is 1.00), the"
					+ " median and min–max over runs; warm-up and measured iterations (µs/op) of the median run; and"
					+ " how many runs had a collection in a measured iteration:");
			stdout.println();
			stdout.print(drift);
			stdout.println();
		}
		stdout.println("What each side does:");
		stdout.println();
		for (String[] call : CALLS) {
			stdout.println("- " + call[3] + " (" + call[0] + " vs. C " + call[1] + "): " + call[4]);
		}
	}

	/**
	 * One line on how flat a configuration's iterations of one call were.
	 */
	private static String drift(List<String[]> iterations, String config, String[] call) {
		Map<String, List<String[]>> byRun = new LinkedHashMap<>();
		for (String[] row : iterations) {
			if (row[1].equals(config) && row[3].equals(call[0])) {
				byRun.computeIfAbsent(row[0], (key) -> new ArrayList<>()).add(row);
			}
		}
		List<Double> drifts = new ArrayList<>();
		List<String> shapes = new ArrayList<>();
		int runsWithCollections = 0;
		for (List<String[]> run : byRun.values()) {
			List<Double> measured = new ArrayList<>();
			StringBuilder shape = new StringBuilder();
			boolean collected = false;
			for (String[] row : run) {
				double us = Double.parseDouble(row[6]);
				if (row[4].equals("m")) {
					measured.add(us);
					collected |= row.length > 7 && Double.parseDouble(row[7]) > 0;
				}
				shape.append((shape.length() == 0) ? "" : (row[4].equals("m") && shape.indexOf("|") < 0) ? " | " : " ")
					.append(String.format(Locale.ROOT, "%.2f", us));
			}
			if (measured.size() > 1) {
				drifts.add(measured.get(measured.size() - 1) / measured.get(0));
				shapes.add(shape.toString());
				runsWithCollections += collected ? 1 : 0;
			}
		}
		if (drifts.isEmpty()) {
			return "";
		}
		List<Double> sorted = new ArrayList<>(drifts);
		sorted.sort(null);
		String medianShape = shapes.get(drifts.indexOf(sorted.get((sorted.size() - 1) / 2)));
		return String.format(Locale.ROOT, "- %s, %s: %.2f (%.2f–%.2f); %s; collections in %d of %d runs%n", call[3],
				LABELS.getOrDefault(config, config), median(drifts), sorted.get(0), sorted.get(sorted.size() - 1),
				medianShape, runsWithCollections, drifts.size());
	}

	private static List<String[]> rows(Path file) throws IOException {
		List<String[]> rows = new ArrayList<>();
		for (String line : Files.readAllLines(file)) {
			if (!line.isBlank()) {
				rows.add(line.split("\t"));
			}
		}
		return rows;
	}

	static double median(List<Double> values) {
		return Summary.of(values).median();
	}

}
