package dev.zeph.pidfile.benchmarks.startup;

import java.nio.file.Path;
import java.util.List;

import dev.zeph.pidfile.benchmarks.sample.AppRun;
import dev.zeph.pidfile.benchmarks.sample.Interleaved;
import dev.zeph.pidfile.benchmarks.sample.Interleaved.Pair;
import dev.zeph.pidfile.benchmarks.sample.Jdk;
import dev.zeph.pidfile.benchmarks.sample.Report;
import dev.zeph.pidfile.benchmarks.sample.SampleJars;
import dev.zeph.pidfile.benchmarks.sample.Settings;
import dev.zeph.pidfile.benchmarks.stats.Summary;

/**
 * What a user gets with Spring Boot's CDS support (JDK 17) or the JDK's AOT cache (JDK 25),
 * and whether the starter's share of the start-up changes with them: each jar extracted and
 * trained on its own ({@link TrainedArchive}), one pair that insists on the archives (so that
 * a broken archive stops the driver instead of measuring starts without it), then paired,
 * interleaved starts from the archives as users run them. Not a target of issue 5; the
 * starter-vs-baseline figures without an archive are {@link StartupBenchmark}'s.
 * <p>
 * Arguments, all optional: {@code pairs=10 jdks=25,17 jars=samples/web/target
 * out=benchmarks/target/bench}. Writes {@code cds.md} and {@code cds-runs.tsv} there.
 */
public final class CdsBenchmark {

	private CdsBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args, "pairs", "jdks", "jars", "out");
		int n = settings.integer("pairs", 10);
		List<Jdk> jdks = Jdk.list(settings.string("jdks", "25,17"));
		SampleJars jars = SampleJars.in(settings.path("jars", "samples/web/target"));
		Path out = settings.path("out", "benchmarks/target/bench");
		Report report = Report.create(out, "cds", "Start-up from Spring Boot's CDS archive (17) or the AOT cache (25)",
				"jdk\tvariant\tpair\t" + AppRun.tsvHeader());
		for (Jdk jdk : jdks) {
			section(jdk, n, jars, out, report);
		}
		report.finish();
	}

	private static void section(Jdk jdk, int n, SampleJars jars, Path out, Report report) throws Exception {
		String what = (jdk.version() < 25) ? "Spring Boot's CDS support (-XX:SharedArchiveFile)"
				: "the AOT cache (-XX:AOTCache)";
		Report.progress(what + ", JDK " + jdk.version() + ": extract and train both jars, then " + n + " pairs");
		Path dir = out.resolve("cds/" + jdk.version());
		Path logs = out.resolve("logs");
		TrainedArchive starter = TrainedArchive.train(jdk, jars.starter(), dir.resolve("starter"),
				out.resolve("pid/cds-" + jdk.version() + "-starter-training.pid"), logs);
		TrainedArchive baseline = TrainedArchive.train(jdk, jars.baseline(), dir.resolve("baseline"),
				out.resolve("pid/cds-" + jdk.version() + "-baseline-training.pid"), logs);
		pairs(jdk, 1, starter, baseline, true, out, "cds-check", report);
		List<Pair> pairs = pairs(jdk, n, starter, baseline, false, out, "cds", report);
		report.line("");
		report.line("### " + what + ", JDK " + jdk.version() + " (" + jdk.describe() + "; " + n
				+ " pairs, each jar extracted and trained on its own; median of per-pair values, min-max)");
		report.line("");
		report.line("| measure | value |");
		report.line("|---|---|");
		report.line("| JVM uptime at ready, starter / baseline | "
				+ StartupBenchmark.ratio(pairs, AppRun::uptimeMs).ratio() + " |");
		report.line("| wall time, launch to exit, starter / baseline | "
				+ StartupBenchmark.ratio(pairs, AppRun::launchToExitMs).ratio() + " |");
		report.line("| peak RSS (VmHWM), starter - baseline | "
				+ StartupBenchmark.difference(pairs, AppRun::peakRssKib).scaled(1024).difference("MiB", 1) + " |");
		report.line("| JVM uptime at ready, starter | "
				+ Summary.of(pairs.stream().mapToDouble((p) -> p.a().uptimeMs()).toArray()).amount("ms", 0) + " |");
		report.line("| JVM uptime at ready, baseline | "
				+ Summary.of(pairs.stream().mapToDouble((p) -> p.b().uptimeMs()).toArray()).amount("ms", 0) + " |");
		report.line("| training-log lines about classes left out of the starter's archive | " + starter.leftOutLines()
				+ " (" + starter.trainingLog() + ") |");
	}

	private static List<Pair> pairs(Jdk jdk, int n, TrainedArchive starter, TrainedArchive baseline, boolean strict,
			Path out, String name, Report report) throws Exception {
		List<Pair> pairs = Interleaved.pairs(n, (i) -> start(starter, strict, out, name, "starter", i),
				(i) -> start(baseline, strict, out, name, "baseline", i));
		for (int i = 0; i < pairs.size(); i++) {
			report.run(jdk.version() + "\t" + name + "-starter\t" + (i + 1) + "\t" + pairs.get(i).a().tsv());
			report.run(jdk.version() + "\t" + name + "-baseline\t" + (i + 1) + "\t" + pairs.get(i).b().tsv());
		}
		return pairs;
	}

	private static AppRun start(TrainedArchive archive, boolean strict, Path out, String name, String variant, int i)
			throws Exception {
		String run = name + "-" + archive.jdk().version() + "-" + variant + "-" + i;
		return AppRun.start(archive.jdk(), archive.jvmArgs(strict), archive.toReady(out.resolve("pid/" + run + ".pid")),
				0, out.resolve("logs/" + run + ".log"));
	}

}
