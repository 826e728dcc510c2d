package dev.zeph.pidfile.benchmarks.startup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import dev.zeph.pidfile.benchmarks.sample.AppRun;
import dev.zeph.pidfile.benchmarks.sample.Interleaved;
import dev.zeph.pidfile.benchmarks.sample.Jdk;
import dev.zeph.pidfile.benchmarks.sample.Report;
import dev.zeph.pidfile.benchmarks.sample.SampleJars;
import dev.zeph.pidfile.benchmarks.sample.Settings;
import dev.zeph.pidfile.benchmarks.stats.Summary;

/**
 * Where the starter's start-up cost goes: a profile, not a target. On each JDK:
 * <ol type="a">
 * <li>three-way rounds, rotating: the baseline, the starter's jar with
 * {@code --zeph.pidfile.enabled=false} (its jars and Spring parts, no native code, no lock) and
 * the starter as shipped, each compared with the baseline of its round. The starter-vs-baseline
 * measures themselves (main-thread CPU and allocation, the {@code Starting ...} line) are
 * {@link StartupBenchmark}'s, with more pairs; the starter runs here so that the disabled
 * starter has its reference in the same rounds;</li>
 * <li>the native layer alone, cold, in a bare JVM ({@link ColdProbes});</li>
 * <li>the classes each jar loads up to ready, from one {@code -Xlog:class+load} run each;</li>
 * <li>native memory committed at exit by category ({@link NativeMemory}) and GC pauses, from one
 * run each with native memory tracking, which itself costs memory and time, hence runs of their
 * own.</li>
 * </ol>
 * Arguments, all optional: {@code runs=5 jdks=25,17 jars=samples/web/target
 * narrow-source=benchmarks/src/java22 out=benchmarks/target/bench}. Writes {@code profile.md}
 * and {@code profile-runs.tsv} there.
 */
public final class ProfileBenchmark {

	private static final String[] VARIANTS = { "baseline", "disabled", "starter" };

	private final Jdk jdk;

	private final SampleJars jars;

	private final Path out;

	private final Report report;

	private ProfileBenchmark(Jdk jdk, SampleJars jars, Path out, Report report) {
		this.jdk = jdk;
		this.jars = jars;
		this.out = out;
		this.report = report;
	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args, "runs", "jdks", "jars", "narrow-source", "out");
		int n = settings.integer("runs", 5);
		SampleJars jars = SampleJars.in(settings.path("jars", "samples/web/target"));
		Path narrowSource = settings.path("narrow-source", "benchmarks/src/java22");
		Path out = settings.path("out", "benchmarks/target/bench");
		Report report = Report.create(out, "profile", "Where the starter's start-up cost goes",
				"jdk\tvariant\tround\t" + AppRun.tsvHeader());
		for (Jdk jdk : Jdk.list(settings.string("jdks", "25,17"))) {
			ProfileBenchmark profile = new ProfileBenchmark(jdk, jars, out, report);
			Report.progress("profile, JDK " + jdk.version() + ": " + n + " three-way rounds, " + n
					+ " cold acquires, class loading, native memory");
			report.line("");
			report.line("### Profile, JDK " + jdk.version() + " (" + jdk.describe() + ")");
			profile.threeWay(n);
			profile.coldProbes(n, narrowSource);
			profile.classes();
			profile.nativeMemory();
		}
		report.finish();
	}

	private void threeWay(int n) throws Exception {
		List<AppRun[]> rounds = new ArrayList<>();
		for (int i = 1; i <= n; i++) {
			AppRun[] round = new AppRun[3];
			for (int variant : Interleaved.rotation(i)) {
				String run = "profile-" + this.jdk.version() + "-" + VARIANTS[variant] + "-" + i;
				Path jar = (variant == 0) ? this.jars.baseline() : this.jars.starter();
				String[] more = (variant == 1) ? new String[] { "--zeph.pidfile.enabled=false" } : new String[0];
				round[variant] = AppRun.start(this.jdk, List.of(),
						AppRun.toReady(jar, this.out.resolve("pid/" + run + ".pid"), more), 0,
						this.out.resolve("logs/" + run + ".log"));
				this.report.run(this.jdk.version() + "\t" + VARIANTS[variant] + "\t" + i + "\t" + round[variant].tsv());
			}
			rounds.add(round);
			System.err.print('.');
		}
		System.err.println();
		this.report.line("");
		this.report.line("a. " + n + " three-way rounds (rotating order), each variant against the baseline of its round,"
				+ " median (min-max); 95% CI of the median:");
		this.report.line("");
		this.report.line("| variant | JVM uptime at ready / baseline | uptime at 'Starting ...' - baseline | peak RSS - baseline"
				+ " | CPU time - baseline | main-thread CPU - baseline | main-thread allocation - baseline |");
		this.report.line("|---|---|---|---|---|---|---|");
		for (int variant = 1; variant <= 2; variant++) {
			int v = variant;
			this.report.line("| starter jar, " + ((v == 1) ? "--zeph.pidfile.enabled=false (no native code, no lock)"
					: "as shipped") + " | " + ratio(rounds, v, AppRun::uptimeMs).ratio() + " | "
					+ difference(rounds, v, AppRun::startingMs).difference("ms", 0) + " | "
					+ difference(rounds, v, AppRun::peakRssKib).scaled(1024).difference("MiB", 1) + " | "
					+ difference(rounds, v, AppRun::cpuSeconds).difference("s", 2) + " | "
					+ difference(rounds, v, AppRun::mainCpuMs).difference("ms", 0) + " | "
					+ difference(rounds, v, AppRun::mainAllocMib).difference("MiB", 1) + " |");
		}
	}

	private void coldProbes(int n, Path narrowSource) throws Exception {
		List<ColdProbes.Probe> probes = ColdProbes.run(this.jdk, this.jars.starter(), narrowSource, n,
				this.out.resolve("profile/" + this.jdk.version()), this.out.resolve("pid"), this.out.resolve("logs"));
		this.report.line("");
		this.report.line("b. The native layer alone, cold, in a fresh JVM without Spring (" + n + " runs each,"
				+ " interleaved; wall and CPU time of the first open + flock + close, classes loaded meanwhile; a bare JVM"
				+ " loads JDK classes that a Spring application has already loaded, so these overstate the in-application"
				+ " cost):");
		this.report.line("");
		this.report.line("| binding | wall | CPU on the calling thread | classes |");
		this.report.line("|---|---|---|---|");
		for (ColdProbes.Probe probe : probes) {
			this.report.line("| " + probe.label() + " | " + probe.wall().amount("ms", 0) + " | "
					+ probe.cpu().amount("ms", 0) + " | " + String.format(Locale.ROOT, "%.0f", probe.loaded().median())
					+ " |");
		}
	}

	private void classes() throws Exception {
		ClassLoadLog starter = classLoad("starter", this.jars.starter());
		ClassLoadLog baseline = classLoad("baseline", this.jars.baseline());
		java.util.SortedSet<String> extra = starter.without(baseline);
		this.report.line("");
		this.report.line("c. Classes loaded up to ready (one -Xlog:class+load run of each jar):");
		this.report.line("");
		this.report.line("| | starter | baseline |");
		this.report.line("|---|---|---|");
		this.report.line("| classes loaded | " + starter.names().size() + " | " + baseline.names().size() + " |");
		this.report.line("| of those from the JDK's CDS archive | " + starter.fromSharedArchive() + " | "
				+ baseline.fromSharedArchive() + " |");
		this.report.line("");
		this.report.line(extra.size() + " classes loaded only with the starter, by package (top 15; a few, such as"
				+ " micrometer's GC metrics, only show that a GC came earlier):");
		this.report.line("");
		this.report.line("```");
		ClassLoadLog.byPackage(extra, 15).forEach(this.report::line);
		this.report.line("```");
	}

	private ClassLoadLog classLoad(String variant, Path jar) throws Exception {
		String run = "classes-" + this.jdk.version() + "-" + variant;
		Path log = this.out.resolve("logs/" + run + ".txt");
		Files.deleteIfExists(log);
		AppRun.start(this.jdk, List.of("-Xlog:class+load=info:file=" + log),
				AppRun.toReady(jar, this.out.resolve("pid/" + run + ".pid")), 0, this.out.resolve("logs/" + run + ".log"));
		return ClassLoadLog.read(log);
	}

	private void nativeMemory() throws Exception {
		AppRun starter = tracked("starter", this.jars.starter());
		AppRun baseline = tracked("baseline", this.jars.baseline());
		Map<String, Double> s = NativeMemory.committedKib(starter.log());
		Map<String, Double> b = NativeMemory.committedKib(baseline.log());
		this.report.line("");
		this.report.line("d. Native memory committed at exit by category (-XX:NativeMemoryTracking=summary, one run each;"
				+ " the categories that grow with loaded code; the Java heap, GC, arena and compiler categories swing with"
				+ " GC and JIT timing from run to run):");
		this.report.line("");
		this.report.line("| category | starter | baseline | starter - baseline |");
		this.report.line("|---|---|---|---|");
		for (String category : NativeMemory.CODE_CATEGORIES) {
			if (s.containsKey(category) && b.containsKey(category)) {
				this.report.line(String.format(Locale.ROOT, "| %s | %.1f MiB | %.1f MiB | %+.1f MiB |", category,
						s.get(category) / 1024, b.get(category) / 1024, (s.get(category) - b.get(category)) / 1024));
			}
		}
		this.report.line("");
		this.report.line(String.format(Locale.ROOT,
				"GC pauses before exit: starter %d, baseline %d; peak RSS of these runs: starter %.0f MiB, baseline %.0f MiB.",
				pauses("starter"), pauses("baseline"), starter.peakRssKib() / 1024, baseline.peakRssKib() / 1024));
	}

	private AppRun tracked(String variant, Path jar) throws Exception {
		String run = "nmt-" + this.jdk.version() + "-" + variant;
		AppRun result = AppRun.start(this.jdk,
				List.of("-XX:NativeMemoryTracking=summary", "-XX:+UnlockDiagnosticVMOptions", "-XX:+PrintNMTStatistics",
						"-Xlog:gc:file=" + gcLog(variant)),
				AppRun.toReady(jar, this.out.resolve("pid/" + run + ".pid")), 0, this.out.resolve("logs/" + run + ".log"));
		this.report.run(this.jdk.version() + "\t" + run + "\t1\t" + result.tsv());
		return result;
	}

	private long pauses(String variant) throws Exception {
		return Files.readAllLines(gcLog(variant)).stream().filter((line) -> line.contains("Pause")).count();
	}

	private Path gcLog(String variant) {
		return this.out.resolve("logs/gc-" + this.jdk.version() + "-" + variant + ".log");
	}

	private static Summary ratio(List<AppRun[]> rounds, int variant, ToDoubleFunction<AppRun> figure) {
		return Summary.of(rounds.stream()
			.mapToDouble((r) -> figure.applyAsDouble(r[variant]) / figure.applyAsDouble(r[0]))
			.toArray());
	}

	private static Summary difference(List<AppRun[]> rounds, int variant, ToDoubleFunction<AppRun> figure) {
		return Summary.of(rounds.stream()
			.mapToDouble((r) -> figure.applyAsDouble(r[variant]) - figure.applyAsDouble(r[0]))
			.toArray());
	}

}
