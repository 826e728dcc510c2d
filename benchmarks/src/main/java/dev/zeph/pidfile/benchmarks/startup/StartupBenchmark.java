package dev.zeph.pidfile.benchmarks.startup;

import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;

import dev.zeph.pidfile.benchmarks.sample.AppRun;
import dev.zeph.pidfile.benchmarks.sample.Interleaved;
import dev.zeph.pidfile.benchmarks.sample.Interleaved.Pair;
import dev.zeph.pidfile.benchmarks.sample.Jdk;
import dev.zeph.pidfile.benchmarks.sample.Report;
import dev.zeph.pidfile.benchmarks.sample.SampleJars;
import dev.zeph.pidfile.benchmarks.sample.Settings;
import dev.zeph.pidfile.benchmarks.stats.Summary;

/**
 * Issue 5, target 1: the web sample's start-up to {@code ApplicationReadyEvent} and its peak
 * resident set with the starter against the same application without it, in paired,
 * interleaved runs on each JDK, after one warm-up pair that is not counted (the page cache
 * holds both jars from then on). Beside the targets, the figures that tell where a
 * difference comes from: CPU time, the main thread's CPU and allocation, the time before and
 * after Boot's {@code Starting ...} line, garbage collections.
 * <p>
 * Arguments, all optional: {@code pairs=15 jdks=25,17 jars=samples/web/target
 * out=benchmarks/target/bench}. Writes {@code startup.md} and {@code startup-runs.tsv} there.
 */
public final class StartupBenchmark {

	private StartupBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args, "pairs", "jdks", "jars", "out");
		int n = settings.integer("pairs", 15);
		List<Jdk> jdks = Jdk.list(settings.string("jdks", "25,17"));
		SampleJars jars = SampleJars.in(settings.path("jars", "samples/web/target"));
		Path out = settings.path("out", "benchmarks/target/bench");
		Report report = Report.create(out, "startup", "Start-up: the web sample with the starter vs. without it",
				"jdk\tvariant\tpair\t" + AppRun.tsvHeader());
		for (Jdk jdk : jdks) {
			section(jdk, n, jars, out, report);
		}
		report.finish();
	}

	private static void section(Jdk jdk, int n, SampleJars jars, Path out, Report report) throws Exception {
		Report.progress("start-up, JDK " + jdk.version() + ": 1 warm-up pair, then " + n + " pairs");
		pairs(jdk, 1, jars, out, "warmup", report);
		List<Pair> pairs = pairs(jdk, n, jars, out, "startup", report);
		double startupTarget = (jdk.version() >= 25) ? 1.01 : 1.03;
		double rssTarget = (jdk.version() >= 25) ? 5 : 15;
		Summary uptime = ratio(pairs, AppRun::uptimeMs);
		Summary rss = difference(pairs, AppRun::peakRssKib).scaled(1024);
		report.line("");
		report.line("### Start-up, JDK " + jdk.version() + " (" + jdk.describe() + "; " + n
				+ " pairs; starter / baseline, median of per-pair values, min-max)");
		report.line("");
		report.line("| measure | starter vs. baseline | target | |");
		report.line("|---|---|---|---|");
		report.line("| JVM uptime at ApplicationReadyEvent, starter / baseline | " + uptime.ratio() + " | <= "
				+ startupTarget + "x | " + uptime.verdict(startupTarget) + " |");
		report.line("| wall time, launch to ready | " + ratio(pairs, AppRun::launchToReadyMs).ratio() + " | | |");
		report.line("| wall time, launch to exit | " + ratio(pairs, AppRun::launchToExitMs).ratio() + " | | |");
		report.line("| peak RSS (VmHWM), starter - baseline | " + rss.difference("MiB", 1) + " | <= +" + rssTarget
				+ " MiB | " + rss.verdict(rssTarget) + " |");
		report.line("| CPU time (user+sys, all threads), starter / baseline | "
				+ ratio(pairs, AppRun::cpuSeconds).ratio() + " | | |");
		report.line("| CPU time (user+sys), starter - baseline | "
				+ difference(pairs, AppRun::cpuSeconds).difference("s", 2) + " | | |");
		report.line("| uptime at 'Starting ...' line (JVM + initializers), starter - baseline | "
				+ difference(pairs, AppRun::startingMs).difference("ms", 0) + " | | |");
		report.line("| 'Starting ...' line to ready (refresh), starter - baseline | "
				+ difference(pairs, (run) -> run.uptimeMs() - run.startingMs()).difference("ms", 0) + " | | |");
		report.line("| CPU time of the main thread up to ready, starter - baseline | "
				+ difference(pairs, AppRun::mainCpuMs).difference("ms", 0) + " | | |");
		report.line("| bytes allocated by the main thread up to ready, starter - baseline | "
				+ difference(pairs, AppRun::mainAllocMib).difference("MiB", 1) + " | | |");
		report.line("| garbage collections before ready, starter - baseline | "
				+ difference(pairs, AppRun::gcs).difference("", 0) + " | | |");
		report.line("");
		report.line("Medians: JVM uptime at ready, starter "
				+ Summary.of(pairs.stream().mapToDouble((p) -> p.a().uptimeMs()).toArray()).amount("ms", 0)
				+ ", baseline "
				+ Summary.of(pairs.stream().mapToDouble((p) -> p.b().uptimeMs()).toArray()).amount("ms", 0)
				+ "; at the 'Starting ...' line, starter "
				+ Summary.of(pairs.stream().mapToDouble((p) -> p.a().startingMs()).toArray()).amount("ms", 0)
				+ ", baseline "
				+ Summary.of(pairs.stream().mapToDouble((p) -> p.b().startingMs()).toArray()).amount("ms", 0) + ".");
	}

	private static List<Pair> pairs(Jdk jdk, int n, SampleJars jars, Path out, String name, Report report)
			throws Exception {
		List<Pair> pairs = Interleaved.pairs(n, (i) -> start(jdk, jars.starter(), out, name, "starter", i),
				(i) -> start(jdk, jars.baseline(), out, name, "baseline", i));
		for (int i = 0; i < pairs.size(); i++) {
			report.run(jdk.version() + "\t" + name + "-starter\t" + (i + 1) + "\t" + pairs.get(i).a().tsv());
			report.run(jdk.version() + "\t" + name + "-baseline\t" + (i + 1) + "\t" + pairs.get(i).b().tsv());
		}
		return pairs;
	}

	private static AppRun start(Jdk jdk, Path jar, Path out, String name, String variant, int i) throws Exception {
		String run = name + "-" + jdk.version() + "-" + variant + "-" + i;
		return AppRun.start(jdk, List.of(), AppRun.toReady(jar, out.resolve("pid/" + run + ".pid")), 0,
				out.resolve("logs/" + run + ".log"));
	}

	static Summary ratio(List<Pair> pairs, ToDoubleFunction<AppRun> figure) {
		return Summary.of(pairs.stream()
			.mapToDouble((pair) -> figure.applyAsDouble(pair.a()) / figure.applyAsDouble(pair.b()))
			.toArray());
	}

	static Summary difference(List<Pair> pairs, ToDoubleFunction<AppRun> figure) {
		return Summary.of(pairs.stream()
			.mapToDouble((pair) -> figure.applyAsDouble(pair.a()) - figure.applyAsDouble(pair.b()))
			.toArray());
	}

}
