package dev.zeph.pidfile.benchmarks.percall;

import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

import dev.zeph.pidfile.benchmarks.sample.Command;
import dev.zeph.pidfile.benchmarks.sample.Jdk;
import dev.zeph.pidfile.benchmarks.sample.Report;
import dev.zeph.pidfile.benchmarks.sample.Settings;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Issue 5, target 3; issue 13: {@link PidFileBenchmark} on each backend against
 * {@code ../shared/perf/syscall-floor.c} (compiled with {@code gcc -O2}), as Java/C ratios in
 * the steady state. C and Java alternate, C, Java (first backend), C, Java (second backend),
 * C, ... C, and each Java run is compared with the C runs just before and after it, so both
 * sides see the same minute and the same noise; {@link FloorRatios} makes the table.
 * <p>
 * JMH forks each benchmark JVM with the chosen JDK and this JVM's class path, on which
 * zeph-pidfile-core is its packaged multi-release jar: on JDK 22+ only that jar's
 * {@code META-INF/versions/22} holds the {@code java.lang.foreign} backend, which the driver
 * checks before measuring, and the benchmark refuses to measure another backend than the one
 * asked for. The forked JVM runs on a fixed, pre-touched heap, so that page faults of a
 * growing eden do not land in a short measurement; the GC profiler reports bytes per
 * operation and collections per iteration.
 * <p>
 * Arguments, all optional: {@code rounds=6 floor-iterations=20000 warmup=5 measure=5
 * backends=jdk25-ffm,jdk17-jffi} (also {@code jdk25-jffi}) {@code dir=<java.io.tmpdir>} (where
 * both sides make their files: {@code /dev/shm} is a tmpfs like {@code /run})
 * {@code heap="-Xms512m -Xmx512m -XX:+AlwaysPreTouch" profiler=gc} ({@code none} for none)
 * {@code floor=../shared/perf/syscall-floor.c out=benchmarks/target/percall}. Writes a
 * directory per run there: the C and JMH logs, {@code c.tsv}, {@code java.tsv},
 * {@code iterations.tsv} and {@code table.md}.
 */
public final class PerCallBenchmark {

	private static final Pattern FLOOR_LINE = Pattern.compile("^(\\w+)\\s+([0-9.]+) us/op$", Pattern.MULTILINE);

	private static final Pattern BACKEND_LINE = Pattern.compile("zeph-pidfile backend: (\\S+)");

	private final Settings settings;

	private final Path out;

	private final Path work;

	private final Path floor;

	private int floorRuns;

	private int javaRuns;

	private PerCallBenchmark(Settings settings, Path out, Path work, Path floor) {
		this.settings = settings;
		this.out = out;
		this.work = work;
		this.floor = floor;
	}

	/**
	 * A backend to measure: the JDK whose JVM JMH forks, and the options that select the
	 * backend and make the benchmark insist on it.
	 */
	private record Backend(String name, Jdk jdk, List<String> jvmArgs) {

		static Backend of(String name) {
			return switch (name) {
				case "jdk25-ffm" -> new Backend(name, Jdk.of("25"),
						List.of("--enable-native-access=ALL-UNNAMED", "-Dzeph.bench.expectBackend=java.lang.foreign"));
				case "jdk25-jffi" -> new Backend(name, Jdk.of("25"), List.of("--enable-native-access=ALL-UNNAMED",
						"-Dzeph.pidfile.native=jffi", "-Dzeph.bench.expectBackend=jffi"));
				case "jdk17-jffi" -> new Backend(name, Jdk.of("17"), List.of("-Dzeph.bench.expectBackend=jffi"));
				default -> throw new IllegalArgumentException(
						"unknown backend " + name + " (known: jdk25-ffm, jdk17-jffi, jdk25-jffi)");
			};
		}

	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args, "rounds", "floor-iterations", "warmup", "measure", "backends", "dir",
				"heap", "profiler", "floor", "out");
		List<Backend> backends = Arrays.stream(settings.string("backends", "jdk25-ffm,jdk17-jffi").split(","))
			.map(String::trim)
			.map(Backend::of)
			.toList();
		checkCoreJar();
		Path source = settings.path("floor", "../shared/perf/syscall-floor.c");
		if (!Files.isRegularFile(source)) {
			throw new IllegalStateException("no C floor at " + source.toAbsolutePath()
					+ " (the repository's parent directory must hold shared/perf, or pass floor=...)");
		}
		Path out = settings.path("out", "benchmarks/target/percall")
			.resolve(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", ""));
		Files.createDirectories(out);
		Path work = Files.createTempDirectory(Path.of(settings.string("dir", System.getProperty("java.io.tmpdir"))),
				"zeph-pidfile-bench");
		// C's pid file one directory down, like Java's (<work>/jmhNNN/cycle.pid): the same path walk
		Files.createDirectories(work.resolve("floor"));
		Path floor = work.resolve("syscall-floor");
		Command.run(List.of("gcc", "-O2", "-o", floor.toString(), source.toString()), out.resolve("gcc.log"));
		PerCallBenchmark benchmark = new PerCallBenchmark(settings, out, work, floor);
		benchmark.machine(backends);
		try {
			benchmark.alternate(backends);
		}
		finally {
			deleteTree(work);
		}
		try (PrintStream table = new PrintStream(Files.newOutputStream(out.resolve("table.md")), true,
				StandardCharsets.UTF_8)) {
			FloorRatios.print(out, table);
		}
		System.out.println();
		System.out.print(Files.readString(out.resolve("table.md")));
		System.out.println();
		System.out.println("raw results in " + out);
	}

	private void alternate(List<Backend> backends) throws Exception {
		long start = System.nanoTime();
		for (int round = 1; round <= this.settings.integer("rounds", 6); round++) {
			for (Backend backend : backends) {
				runFloor();
				runJava(backend, round);
			}
		}
		runFloor();
		Report.progress("measured in " + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + " s");
	}

	/** One run of the C floor: three rounds of each of its metrics, appended to c.tsv. */
	private void runFloor() throws Exception {
		Path log = this.out.resolve("c-" + this.floorRuns + ".txt");
		Command.run(List.of(this.floor.toString(), this.work.resolve("floor/floor.pid").toString(),
				String.valueOf(this.settings.integer("floor-iterations", 20000))), log);
		StringBuilder rows = new StringBuilder();
		Matcher line = FLOOR_LINE.matcher(Files.readString(log));
		while (line.find()) {
			rows.append(this.floorRuns).append('\t').append(line.group(1)).append('\t').append(line.group(2)).append('\n');
		}
		append("c.tsv", rows);
		Report.progress("C #" + this.floorRuns + " " + rows.toString().replace('\n', ' ').replace('\t', ' '));
		this.floorRuns++;
	}

	/** One JMH run of every benchmark on a backend, appended to java.tsv and iterations.tsv. */
	private void runJava(Backend backend, int round) throws Exception {
		List<String> jvmArgs = new ArrayList<>(List.of("-Dzeph.bench.dir=" + this.work));
		jvmArgs.addAll(List.of(this.settings.string("heap", "-Xms512m -Xmx512m -XX:+AlwaysPreTouch").split(" ")));
		jvmArgs.addAll(backend.jvmArgs());
		ChainedOptionsBuilder options = new OptionsBuilder()
			.include("^" + Pattern.quote(PidFileBenchmark.class.getName()) + "\\.")
			.forks(1)
			.shouldFailOnError(true)
			.warmupIterations(this.settings.integer("warmup", 5))
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(this.settings.integer("measure", 5))
			.measurementTime(TimeValue.seconds(1))
			.jvm(backend.jdk().java().toString())
			.jvmArgs(jvmArgs.toArray(String[]::new));
		if (this.settings.string("profiler", "gc").equals("gc")) {
			options.addProfiler(GCProfiler.class);
		}
		Path log = this.out.resolve("jmh-" + this.javaRuns + "-" + backend.name() + ".log");
		IterationLog iterations;
		Collection<RunResult> results;
		PrintStream console = System.out;
		try (PrintStream text = new PrintStream(Files.newOutputStream(log), true, StandardCharsets.UTF_8)) {
			iterations = new IterationLog(text);
			// JMH copies the forked JVM's output to System.out: into the log with the rest
			System.setOut(text);
			results = new Runner(options.build(), iterations).run();
		}
		finally {
			System.setOut(console);
		}
		Matcher backendLine = BACKEND_LINE.matcher(Files.readString(log));
		String served = backendLine.find() ? backendLine.group(1) : "(not printed)";
		StringBuilder javaRows = new StringBuilder();
		StringBuilder summary = new StringBuilder();
		for (RunResult result : results) {
			String name = result.getParams().getBenchmark();
			String benchmark = name.substring(name.lastIndexOf('.') + 1);
			double median = FloorRatios.median(iterations.iterations()
				.stream()
				.filter((i) -> i.benchmark().equals(benchmark) && !i.warmup())
				.map(IterationLog.Iteration::microseconds)
				.toList());
			Result<?> allocation = result.getSecondaryResults().get("gc.alloc.rate.norm");
			javaRows.append(String.format(Locale.ROOT, "%d\t%s\t%d\t%s\t%.3f\t%.3f\t%s%n", this.javaRuns, backend.name(),
					round, benchmark, median, result.getPrimaryResult().getScore(),
					(allocation != null) ? String.format(Locale.ROOT, "%.3f", allocation.getScore()) : ""));
			summary.append(String.format(Locale.ROOT, "%s %.3f  ", benchmark, median));
		}
		StringBuilder iterationRows = new StringBuilder();
		for (IterationLog.Iteration i : iterations.iterations()) {
			iterationRows.append(String.format(Locale.ROOT, "%d\t%s\t%d\t%s\t%s\t%d\t%.3f\t%.0f%n", this.javaRuns,
					backend.name(), round, i.benchmark(), i.warmup() ? "w" : "m", i.index(), i.microseconds(),
					i.collections()));
		}
		append("java.tsv", javaRows);
		append("iterations.tsv", iterationRows);
		Report.progress(backend.name() + " #" + this.javaRuns + " " + summary + "[" + served + "]");
		this.javaRuns++;
	}

	private void machine(List<Backend> backends) throws Exception {
		StringBuilder text = new StringBuilder();
		text.append("date:    ").append(Instant.now().truncatedTo(ChronoUnit.MINUTES)).append('\n');
		text.append("cpu:     ").append(Runtime.getRuntime().availableProcessors()).append(" cores\n");
		text.append("kernel:  Linux ").append(System.getProperty("os.version")).append('\n');
		text.append("load:    ").append(Files.readString(Path.of("/proc/loadavg")).trim()).append(" at the start\n");
		text.append("dir:     ").append(this.work).append(" (").append(Files.getFileStore(this.work).type()).append(")\n");
		for (Backend backend : backends) {
			text.append(backend.name()).append(": ").append(backend.jdk().describe()).append('\n');
		}
		text.append(String.format(Locale.ROOT,
				"rounds:  %d; C: %d calls x 3 per metric per run; JMH: 1 fork, %d x 1 s warm-up, %d x 1 s measured (median taken)%n",
				this.settings.integer("rounds", 6), this.settings.integer("floor-iterations", 20000),
				this.settings.integer("warmup", 5), this.settings.integer("measure", 5)));
		text.append("heap:    ").append(this.settings.string("heap", "-Xms512m -Xmx512m -XX:+AlwaysPreTouch"))
			.append("; profiler: ").append(this.settings.string("profiler", "gc")).append('\n');
		Files.writeString(this.out.resolve("machine.txt"), text);
		System.out.print(text);
	}

	/**
	 * The zeph-pidfile-core jar on this JVM's class path must be a jar, and hold the
	 * {@code java.lang.foreign} backend: a class directory would hide
	 * {@code META-INF/versions/22}, and a jar built without a JDK 22+ lacks it.
	 */
	private static void checkCoreJar() throws Exception {
		String core = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> entry.contains("zeph-pidfile-core"))
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("zeph-pidfile-core is not on the class path"));
		if (!core.endsWith(".jar")) {
			throw new IllegalStateException(core + " is not the packaged jar");
		}
		try (ZipFile jar = new ZipFile(core)) {
			if (jar.stream().noneMatch((entry) -> entry.getName().startsWith("META-INF/versions/22/dev/zeph/pidfile/")
					&& entry.getName().endsWith(".class"))) {
				throw new IllegalStateException(core + " has no java.lang.foreign backend: was it built with a JDK 22+?");
			}
		}
	}

	private void append(String file, CharSequence rows) throws Exception {
		Files.writeString(this.out.resolve(file), rows, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
	}

	private static void deleteTree(Path root) throws Exception {
		try (var paths = Files.walk(root)) {
			for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
				Files.deleteIfExists(path);
			}
		}
	}

}
