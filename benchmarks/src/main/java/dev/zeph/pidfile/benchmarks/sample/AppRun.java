package dev.zeph.pidfile.benchmarks.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One measured start of the web sample, to {@code ApplicationReadyEvent} (with
 * {@code --sample.exit-when-ready=true} the sample prints a line there and exits 0) or to a
 * refusal. Every figure not measured for the kind of start is {@code NaN}.
 *
 * @param exit the exit code, which {@link #start} has checked
 * @param uptimeMs the JVM's uptime at ready
 * @param launchToReadyMs wall time from launch to ready
 * @param launchToExitMs wall time from launch to exit
 * @param peakRssKib the peak resident set ({@link PeakRss})
 * @param cpuSeconds user + system CPU time of all the JVM's threads
 * @param startingMs for a start to ready, the JVM's uptime at Boot's {@code Starting ...} line
 * (JVM, launcher and initializers before it); for a refused one, launch to the failure report
 * in the log
 * @param mainAllocMib what the main thread allocated up to ready, in MiB
 * @param gcs garbage collections before ready
 * @param mainCpuMs the main thread's CPU time up to ready
 * @param log the application's output
 */
public record AppRun(int exit, double uptimeMs, double launchToReadyMs, double launchToExitMs, double peakRssKib,
		double cpuSeconds, double startingMs, double mainAllocMib, double gcs, double mainCpuMs, String log) {

	/** The application arguments of a start that exits when ready, on a free loopback port. */
	public static final List<String> EXIT_WHEN_READY = List.of("--sample.exit-when-ready=true", "--server.port=0",
			"--server.address=127.0.0.1");

	/**
	 * The command after the JVM options for a start of the jar that exits when ready, with its
	 * pid file at the given path, and any further application arguments.
	 */
	public static List<String> toReady(Path jar, Path pidFile, String... more) {
		List<String> args = new ArrayList<>(List.of("-jar", jar.toString()));
		args.addAll(EXIT_WHEN_READY);
		args.add("--zeph.pidfile.path=" + pidFile);
		args.addAll(List.of(more));
		return args;
	}

	private static final Pattern READY = Pattern.compile("^sample\\.exit-when-ready: uptime_ms=(\\d+) epoch_ms=(\\d+)"
			+ "(?: main_alloc_bytes=(-?\\d+))?(?: gcs=(\\d+))?(?: main_cpu_ms=(\\d+))?", Pattern.MULTILINE);

	private static final Pattern STARTING = Pattern.compile("^(\\S+)\\s.*Starting SampleWebApplication",
			Pattern.MULTILINE);

	private static final Pattern FAILURE_REPORT = Pattern.compile("^(\\S+)\\s.*LoggingFailureAnalysisReporter",
			Pattern.MULTILINE);

	/**
	 * Starts {@code java <jvmArgs> <appArgs>} on the JDK, waits up to two minutes for it to
	 * exit with the expected code and measures it. A start expected to exit 0 must have
	 * printed the ready line; one expected to fail must not have.
	 */
	public static AppRun start(Jdk jdk, List<String> jvmArgs, List<String> appArgs, int expectedExit, Path log)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(jdk.java().toString());
		command.addAll(jvmArgs);
		command.addAll(appArgs);
		Files.createDirectories(log.toAbsolutePath().getParent());
		double cpuBefore = ProcFs.reapedChildrenCpuSeconds();
		long launchedAt = System.currentTimeMillis();
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		long peakKib;
		try (PeakRss peak = new PeakRss(process)) {
			if (!process.waitFor(2, TimeUnit.MINUTES)) {
				process.destroyForcibly().waitFor();
				throw new IllegalStateException("the start did not end in two minutes: see " + log);
			}
			peakKib = peak.kib();
		}
		double wall = (System.nanoTime() - start) / 1e6;
		double cpu = ProcFs.reapedChildrenCpuSeconds() - cpuBefore;
		String output = Files.readString(log);
		if (process.exitValue() != expectedExit) {
			throw new IllegalStateException(
					"exit " + process.exitValue() + ", expected " + expectedExit + ": see " + log + " (" + command + ")");
		}
		Matcher ready = READY.matcher(output);
		if (expectedExit != 0) {
			if (ready.find()) {
				throw new IllegalStateException("a refused start reached ready: see " + log);
			}
			double report = at(FAILURE_REPORT, output) - launchedAt;
			return new AppRun(process.exitValue(), Double.NaN, Double.NaN, wall, peakKib, cpu, report, Double.NaN,
					Double.NaN, Double.NaN, output);
		}
		if (!ready.find()) {
			throw new IllegalStateException("no ready line: see " + log);
		}
		double uptime = Long.parseLong(ready.group(1));
		long readyAt = Long.parseLong(ready.group(2));
		double starting = at(STARTING, output) - (readyAt - uptime);
		double alloc = (ready.group(3) != null && !ready.group(3).startsWith("-"))
				? Long.parseLong(ready.group(3)) / 1048576.0 : Double.NaN;
		return new AppRun(0, uptime, readyAt - launchedAt, wall, peakKib, cpu, starting, alloc, number(ready.group(4)),
				number(ready.group(5)), output);
	}

	/** A tab-separated line of the figures, for a file of every run. */
	public String tsv() {
		return String.format(Locale.ROOT, "%d\t%.0f\t%.0f\t%.0f\t%.0f\t%.2f\t%.0f\t%.1f\t%.0f\t%.0f", this.exit,
				this.uptimeMs, this.launchToReadyMs, this.launchToExitMs, this.peakRssKib, this.cpuSeconds,
				this.startingMs, this.mainAllocMib, this.gcs, this.mainCpuMs);
	}

	/** The header of {@link #tsv()}. */
	public static String tsvHeader() {
		return "exit\tuptime_ms\tready_ms\twall_ms\trss_kib\tcpu_s\tstarting_ms\tmain_alloc_mib\tgcs\tmain_cpu_ms";
	}

	/** Epoch milliseconds of the log line's timestamp, or NaN without such a line. */
	private static double at(Pattern line, String output) {
		Matcher matcher = line.matcher(output);
		return matcher.find() ? OffsetDateTime.parse(matcher.group(1)).toInstant().toEpochMilli() : Double.NaN;
	}

	private static double number(@org.jspecify.annotations.Nullable String value) {
		return (value != null) ? Double.parseDouble(value) : Double.NaN;
	}

}
