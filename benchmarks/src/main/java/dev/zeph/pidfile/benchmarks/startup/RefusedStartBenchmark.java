package dev.zeph.pidfile.benchmarks.startup;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

import dev.zeph.pidfile.benchmarks.sample.AppRun;
import dev.zeph.pidfile.benchmarks.sample.Instance;
import dev.zeph.pidfile.benchmarks.sample.Interleaved;
import dev.zeph.pidfile.benchmarks.sample.Jdk;
import dev.zeph.pidfile.benchmarks.sample.Report;
import dev.zeph.pidfile.benchmarks.sample.SampleJars;
import dev.zeph.pidfile.benchmarks.sample.Settings;
import dev.zeph.pidfile.benchmarks.stats.Summary;

/**
 * Issue 5, target 2: a second start refused by the pid file an instance holds, from launch to
 * exit, against a full start of the same jar from launch to ready. A third start runs beside
 * each pair: refused again, but with {@code -Dspring.backgroundpreinitializer.ignore=true},
 * because a failed start waits for Spring Boot's background pre-initializer (BENCHMARKS.md,
 * "the refused start"). The three rotate in each round, so each runs first as often as the
 * others; every refused start must exit 75 ({@code EX_TEMPFAIL}) and name the holder's pid.
 * <p>
 * Arguments, all optional: {@code rounds=15 jdks=25,17 jars=samples/web/target
 * out=benchmarks/target/bench}. Writes {@code refused.md} and {@code refused-runs.tsv} there.
 */
public final class RefusedStartBenchmark {

	private static final int EX_TEMPFAIL = 75;

	private static final String NO_PREINITIALIZER = "-Dspring.backgroundpreinitializer.ignore=true";

	private RefusedStartBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args, "rounds", "jdks", "jars", "out");
		int n = settings.integer("rounds", 15);
		List<Jdk> jdks = Jdk.list(settings.string("jdks", "25,17"));
		SampleJars jars = SampleJars.in(settings.path("jars", "samples/web/target"));
		Path out = settings.path("out", "benchmarks/target/bench");
		Report report = Report.create(out, "refused", "A refused second start vs. a full start",
				"jdk\tvariant\tround\t" + AppRun.tsvHeader());
		for (Jdk jdk : jdks) {
			section(jdk, n, jars.starter(), out, report);
		}
		report.finish();
	}

	/** A round's three starts. */
	private record Round(AppRun refused, AppRun full, AppRun noPreinitializer) {

	}

	private static void section(Jdk jdk, int n, Path jar, Path out, Report report) throws Exception {
		Path held = out.resolve("pid/refused-" + jdk.version() + "-held.pid");
		Report.progress("refused start, JDK " + jdk.version() + ": an instance holds " + held + "; " + n
				+ " rounds of refused, full and refused without the pre-initializer");
		List<Round> rounds = new ArrayList<>();
		try (Instance holder = Instance.start(jdk, List.of(), jar, List.of("--zeph.pidfile.path=" + held),
				out.resolve("logs/refused-" + jdk.version() + "-holder.log"))) {
			AppRun warmup = refused(jdk, jar, held, List.of(), out.resolve("logs/refused-" + jdk.version() + "-warmup.log"));
			if (!warmup.log().contains("is locked by PID " + holder.pid())) {
				throw new IllegalStateException("the refused start did not name the holder " + holder.pid());
			}
			for (int i = 1; i <= n; i++) {
				AppRun[] runs = new AppRun[3];
				for (int variant : Interleaved.rotation(i)) {
					String log = "logs/refused-" + jdk.version() + "-" + variant + "-" + i + ".log";
					runs[variant] = switch (variant) {
						case 0 -> refused(jdk, jar, held, List.of(), out.resolve(log));
						case 1 -> AppRun.start(jdk, List.of(),
								AppRun.toReady(jar, out.resolve("pid/refused-" + jdk.version() + "-full-" + i + ".pid")),
								0, out.resolve(log));
						default -> refused(jdk, jar, held, List.of(NO_PREINITIALIZER), out.resolve(log));
					};
				}
				Round round = new Round(runs[0], runs[1], runs[2]);
				rounds.add(round);
				report.run(jdk.version() + "\trefused\t" + i + "\t" + round.refused().tsv());
				report.run(jdk.version() + "\tfull\t" + i + "\t" + round.full().tsv());
				report.run(jdk.version() + "\tno-preinitializer\t" + i + "\t" + round.noPreinitializer().tsv());
				System.err.print('.');
			}
			System.err.println();
		}
		double target = (jdk.version() >= 25) ? 0.35 : 0.45;
		Summary toReady = Summary.of(rounds.stream()
			.mapToDouble((r) -> r.refused().launchToExitMs() / r.full().launchToReadyMs())
			.toArray());
		Summary toExit = Summary.of(rounds.stream()
			.mapToDouble((r) -> r.refused().launchToExitMs() / r.full().launchToExitMs())
			.toArray());
		Summary noPreinitializer = Summary.of(rounds.stream()
			.mapToDouble((r) -> r.noPreinitializer().launchToExitMs() / r.full().launchToReadyMs())
			.toArray());
		report.line("");
		report.line("### Refused second start, JDK " + jdk.version() + " (" + jdk.describe() + "; " + n
				+ " rounds, every refused start exited " + EX_TEMPFAIL + ")");
		report.line("");
		report.line("| measure | value | target | |");
		report.line("|---|---|---|---|");
		report.line("| refused (launch to exit) / full start (launch to ready) | " + toReady.ratio() + " | <= " + target
				+ "x | " + toReady.verdict(target) + " |");
		report.line("| refused / full start (both launch to exit) | " + toExit.ratio() + " | | |");
		report.line("| refused start, launch to exit | " + of(rounds, (r) -> r.refused().launchToExitMs()).amount("ms", 0)
				+ " | | |");
		report.line("| refused start, launch to its failure report in the log | "
				+ of(rounds, (r) -> r.refused().startingMs()).amount("ms", 0) + " | | |");
		report.line("| full start, launch to ready | " + of(rounds, (r) -> r.full().launchToReadyMs()).amount("ms", 0)
				+ " | | |");
		report.line("| CPU time, refused / full (medians) | " + of(rounds, (r) -> r.refused().cpuSeconds()).amount("s", 2)
				+ " / " + of(rounds, (r) -> r.full().cpuSeconds()).amount("s", 2) + " | | |");
		report.line("| refused with " + NO_PREINITIALIZER + " (launch to exit) / full start (launch to ready) | "
				+ noPreinitializer.ratio() + " | <= " + target + "x | " + noPreinitializer.verdict(target) + " |");
		report.line("| refused with " + NO_PREINITIALIZER + ", launch to exit | "
				+ of(rounds, (r) -> r.noPreinitializer().launchToExitMs()).amount("ms", 0) + " | | |");
	}

	private static AppRun refused(Jdk jdk, Path jar, Path held, List<String> jvmArgs, Path log) throws Exception {
		List<String> app = new ArrayList<>(List.of("-jar", jar.toString()));
		app.addAll(AppRun.EXIT_WHEN_READY);
		app.add("--zeph.pidfile.path=" + held);
		return AppRun.start(jdk, jvmArgs, app, EX_TEMPFAIL, log);
	}

	private static Summary of(List<Round> rounds, ToDoubleFunction<Round> figure) {
		return Summary.of(rounds.stream().mapToDouble(figure).toArray());
	}

}
