package dev.zeph.pidfile.benchmarks.sample;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * A benchmark's results: a Markdown file of tables, printed as well when the run ends, and a
 * tab-separated file of every run, so that any figure can be recomputed from the raw values.
 * Both live in the driver's output directory; the Markdown file opens with the machine, the
 * time and the load, because every figure depends on them.
 */
public final class Report {

	private final Path markdown;

	private final Path runs;

	private final StringBuilder text = new StringBuilder();

	private Report(Path markdown, Path runs) {
		this.markdown = markdown;
		this.runs = runs;
	}

	/**
	 * A report named {@code <name>.md} and {@code <name>-runs.tsv} in the directory, both
	 * replaced, with a header line on the runs file.
	 */
	public static Report create(Path directory, String name, String title, String runsHeader) throws IOException {
		Files.createDirectories(directory);
		Report report = new Report(directory.resolve(name + ".md"), directory.resolve(name + "-runs.tsv"));
		Files.writeString(report.runs, runsHeader + "\n");
		report.line("# " + title);
		report.line("");
		report.line(String.format(Locale.ROOT, "Run %s on %d cores, %s, Linux %s; load average at start: %s.",
				Instant.now().truncatedTo(ChronoUnit.MINUTES), Runtime.getRuntime().availableProcessors(), cpuModel(),
				System.getProperty("os.version"), loadAverage()));
		return report;
	}

	/** Appends a line to the Markdown text. */
	public void line(String line) {
		this.text.append(line).append('\n');
	}

	/** Appends a line to the runs file at once, so that a broken run keeps what it measured. */
	public void run(String line) throws IOException {
		Files.writeString(this.runs, line + "\n", StandardOpenOption.APPEND);
	}

	/** Writes the Markdown file, prints it and says where both files are. */
	public void finish() throws IOException {
		line("");
		line("Load average at end: " + loadAverage() + ".");
		Files.writeString(this.markdown, this.text, StandardCharsets.UTF_8);
		System.out.println();
		System.out.print(this.text);
		System.out.println();
		System.out.println("results in " + this.markdown + ", every run in " + this.runs);
	}

	/** A progress line on standard error, which the report leaves out. */
	public static void progress(String message) {
		System.err.println("bench: " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " " + message);
	}

	private static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException ex) {
			return "unknown";
		}
	}

	private static String cpuModel() {
		try {
			return Files.readAllLines(Path.of("/proc/cpuinfo"))
				.stream()
				.filter((line) -> line.startsWith("model name"))
				.map((line) -> line.substring(line.indexOf(':') + 1).trim())
				.findFirst()
				.orElse("unknown CPU");
		}
		catch (IOException ex) {
			return "unknown CPU";
		}
	}

}
