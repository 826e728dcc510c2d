package dev.zeph.pidfile.benchmarks.health;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeph.pidfile.benchmarks.sample.Instance;
import dev.zeph.pidfile.benchmarks.sample.Jdk;
import dev.zeph.pidfile.benchmarks.sample.ProcFs;
import dev.zeph.pidfile.benchmarks.sample.Report;
import dev.zeph.pidfile.benchmarks.sample.SampleJars;
import dev.zeph.pidfile.benchmarks.sample.Settings;
import dev.zeph.pidfile.benchmarks.stats.Summary;

/**
 * Issue 5, target 4: what the pid file's health indicator adds to {@code GET /actuator/health},
 * three ways on each JDK.
 * <ol>
 * <li>Two instances, the indicator enabled in one and disabled in the other: fresh pairs of
 * instances per session (so that one instance's JIT luck does not decide), each warmed up,
 * then short rounds alternating A B, B A, ... so that both sides see the same load. Per round:
 * the mean latency, and the server's CPU time per request (all its threads), which a busy
 * machine disturbs far less than latency.</li>
 * <li>One instance with two health groups, every contributor with and without
 * {@code pidfile}, the same rounds, so that two JVMs' JIT and GC luck cannot decide.</li>
 * <li>{@link HealthCost} in one JVM without HTTP; its per-round difference divided by the HTTP
 * latency of the group without the indicator is the indicator's share of a request.</li>
 * </ol>
 * Arguments, all optional: {@code sessions=3 rounds=40 requests=250 warmup=5000
 * cost-rounds=30 cost-calls=2000 jdks=25,17 jars=samples/web/target out=benchmarks/target/bench}.
 * Writes {@code health.md} and {@code health-runs.tsv} there.
 */
public final class HealthBenchmark {

	private static final double TARGET = 1.02;

	private static final Pattern COST = Pattern.compile("^health_cost round=\\d+ with_ns=(\\d+) without_ns=(\\d+)$",
			Pattern.MULTILINE);

	private final HttpRounds http = new HttpRounds();

	private final Settings settings;

	private final Path out;

	private final Report report;

	private HealthBenchmark(Settings settings, Path out, Report report) {
		this.settings = settings;
		this.out = out;
		this.report = report;
	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args, "sessions", "rounds", "requests", "warmup", "cost-rounds",
				"cost-calls", "jdks", "jars", "out");
		SampleJars jars = SampleJars.in(settings.path("jars", "samples/web/target"));
		Path out = settings.path("out", "benchmarks/target/bench");
		Report report = Report.create(out, "health", "GET /actuator/health with and without the pidfile indicator",
				"jdk\tcomparison\tsession\tround\tvariant\tlatency_us\tserver_cpu_us_per_request");
		HealthBenchmark benchmark = new HealthBenchmark(settings, out, report);
		for (Jdk jdk : Jdk.list(settings.string("jdks", "25,17"))) {
			benchmark.section(jdk, jars.starter());
		}
		report.finish();
	}

	/** One round of one side: mean latency and server CPU per request, both in microseconds. */
	private record Round(double latencyUs, double cpuUs) {

	}

	/** Rounds of two sides, pair by pair. */
	private record Rounds(List<Round> a, List<Round> b) {

		Summary latency() {
			return ratio(this.a, this.b, Round::latencyUs);
		}

		Summary cpu() {
			return ratio(this.a, this.b, Round::cpuUs);
		}

		private static Summary ratio(List<Round> a, List<Round> b,
				java.util.function.ToDoubleFunction<Round> figure) {
			double[] ratios = new double[a.size()];
			for (int i = 0; i < ratios.length; i++) {
				ratios[i] = figure.applyAsDouble(a.get(i)) / figure.applyAsDouble(b.get(i));
			}
			return Summary.of(ratios);
		}

		static double median(List<Round> rounds, java.util.function.ToDoubleFunction<Round> figure) {
			return Summary.median(rounds.stream().mapToDouble(figure).toArray());
		}

	}

	private void section(Jdk jdk, Path jar) throws Exception {
		int sessions = this.settings.integer("sessions", 3);
		int rounds = this.settings.integer("rounds", 40);
		int requests = this.settings.integer("requests", 250);
		int warmup = this.settings.integer("warmup", 5000);
		String v = String.valueOf(jdk.version());
		Report.progress("health, JDK " + v + ": " + sessions + " sessions of two instances, " + warmup
				+ " warm-up requests each, then " + rounds + " x " + requests + " requests per side");
		Rounds two = new Rounds(new ArrayList<>(), new ArrayList<>());
		for (int k = 1; k <= sessions; k++) {
			try (Instance enabled = Instance.start(jdk, List.of(), jar, List.of("--zeph.pidfile.path=" + pid(v, "enabled", k)),
					log(v, "enabled", k));
					Instance disabled = Instance.start(jdk, List.of(), jar, List.of("--zeph.pidfile.path="
							+ pid(v, "disabled", k), "--management.health.pidfile.enabled=false"), log(v, "disabled", k))) {
				URI a = uri(enabled, "");
				URI b = uri(disabled, "");
				check(a, true);
				check(b, false);
				compare(v, "instances", k, enabled, a, disabled, b, two);
			}
		}
		Report.progress("health, JDK " + v + ": " + sessions + " single instances, groups with and without the indicator");
		Rounds groups = new Rounds(new ArrayList<>(), new ArrayList<>());
		for (int k = 1; k <= sessions; k++) {
			try (Instance instance = Instance.start(jdk, List.of(), jar, List.of("--zeph.pidfile.path=" + pid(v, "groups", k),
					"--management.endpoint.health.group.zeph-with.include=*",
					"--management.endpoint.health.group.zeph-with.show-details=always",
					"--management.endpoint.health.group.zeph-without.include=*",
					"--management.endpoint.health.group.zeph-without.exclude=pidfile",
					"--management.endpoint.health.group.zeph-without.show-details=always"), log(v, "groups", k))) {
				URI with = uri(instance, "/zeph-with");
				URI without = uri(instance, "/zeph-without");
				check(with, true);
				check(without, false);
				compare(v, "groups", k, instance, with, instance, without, groups);
			}
		}
		Summary latency = two.latency();
		Summary groupLatency = groups.latency();
		double withoutUs = Rounds.median(groups.b(), Round::latencyUs);
		this.report.line("");
		this.report.line("### GET /actuator/health, JDK " + v + " (" + jdk.describe() + "; " + sessions + " sessions x "
				+ rounds + " rounds x " + requests + " requests per side, keep-alive, concurrency 1, after " + warmup
				+ " warm-up requests per instance)");
		this.report.line("");
		this.report.line("| measure | value | target | |");
		this.report.line("|---|---|---|---|");
		this.report.line("| mean latency, indicator enabled / disabled | " + latency.ratio() + " | <= " + TARGET + "x | "
				+ latency.verdict(TARGET) + " |");
		this.report.line("| server CPU time per request, enabled / disabled | " + two.cpu().ratio() + " | | |");
		this.report.line(String.format(Locale.ROOT,
				"| mean latency, enabled / disabled (medians of rounds) | %.0f us / %.0f us | | |",
				Rounds.median(two.a(), Round::latencyUs), Rounds.median(two.b(), Round::latencyUs)));
		this.report.line(String.format(Locale.ROOT,
				"| server CPU per request, enabled / disabled (medians of rounds) | %.0f us / %.0f us | | |",
				Rounds.median(two.a(), Round::cpuUs), Rounds.median(two.b(), Round::cpuUs)));
		this.report.line("| one instance, mean latency, group with the indicator / group without it | "
				+ groupLatency.ratio() + " | <= " + TARGET + "x | " + groupLatency.verdict(TARGET) + " |");
		this.report.line("| one instance, server CPU per request, with / without | " + groups.cpu().ratio() + " | | |");
		this.report.line(String.format(Locale.ROOT,
				"| one instance, mean latency, with / without (medians of rounds) | %.0f us / %.0f us | | |",
				Rounds.median(groups.a(), Round::latencyUs), withoutUs));
		cost(jdk, jar, withoutUs);
	}

	/** Warms both sides up, then alternates their rounds, A first in odd rounds. */
	private void compare(String v, String comparison, int session, Instance aServer, URI a, Instance bServer, URI b,
			Rounds rounds) throws Exception {
		int warmup = this.settings.integer("warmup", 5000);
		int requests = this.settings.integer("requests", 250);
		this.http.round(a, warmup);
		this.http.round(b, warmup);
		for (int r = 1; r <= this.settings.integer("rounds", 40); r++) {
			Round first;
			Round second;
			if (r % 2 == 1) {
				first = round(aServer, a, requests);
				second = round(bServer, b, requests);
				rounds.a().add(first);
				rounds.b().add(second);
			}
			else {
				second = round(bServer, b, requests);
				first = round(aServer, a, requests);
				rounds.a().add(first);
				rounds.b().add(second);
			}
			this.report.run(String.format(Locale.ROOT, "%s\t%s\t%d\t%d\ta\t%.1f\t%.2f", v, comparison, session, r,
					first.latencyUs(), first.cpuUs()));
			this.report.run(String.format(Locale.ROOT, "%s\t%s\t%d\t%d\tb\t%.1f\t%.2f", v, comparison, session, r,
					second.latencyUs(), second.cpuUs()));
			System.err.print('.');
		}
		System.err.println();
	}

	private Round round(Instance server, URI uri, int requests) throws Exception {
		long before = ProcFs.threadsCpuNanos(server.pid());
		double latency = this.http.round(uri, requests);
		long after = ProcFs.threadsCpuNanos(server.pid());
		return new Round(latency, (after - before) / 1e3 / requests);
	}

	/** The indicator's own cost in one JVM without HTTP, as a share of the HTTP latency given. */
	private void cost(Jdk jdk, Path jar, double httpLatencyUs) throws Exception {
		int rounds = this.settings.integer("cost-rounds", 30);
		int calls = this.settings.integer("cost-calls", 2000);
		String v = String.valueOf(jdk.version());
		Report.progress("health, JDK " + v + ": the indicator's own cost in one JVM (" + rounds + " rounds of " + calls
				+ " calls per group)");
		Path extracted = this.out.resolve("health-cost/" + v);
		run(List.of(jdk.java().toString(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
				extracted.toString(), "--force"), this.out.resolve("logs/health-cost-" + v + "-extract.log"));
		Path classes = Path.of(HealthCost.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		List<String> command = new ArrayList<>(List.of(jdk.java().toString()));
		command.addAll(jdk.nativeAccess());
		command.addAll(List.of("-cp", classes + ":" + extracted.resolve(jar.getFileName()) + ":" + extracted + "/lib/*",
				HealthCost.class.getName(), String.valueOf(rounds), String.valueOf(calls),
				this.out.resolve("pid/health-cost-" + v + ".pid").toString()));
		Path log = this.out.resolve("logs/health-cost-" + v + ".log");
		run(command, log);
		List<Double> with = new ArrayList<>();
		List<Double> without = new ArrayList<>();
		List<Double> deltas = new ArrayList<>();
		Matcher matcher = COST.matcher(Files.readString(log));
		while (matcher.find()) {
			with.add(Long.parseLong(matcher.group(1)) / 1e3);
			without.add(Long.parseLong(matcher.group(2)) / 1e3);
			deltas.add(with.get(with.size() - 1) - without.get(without.size() - 1));
		}
		if (deltas.isEmpty()) {
			throw new IllegalStateException("no rounds from HealthCost: see " + log);
		}
		Summary delta = Summary.of(deltas);
		Summary share = new Summary(delta.n(), 1 + delta.median() / httpLatencyUs, 1 + delta.min() / httpLatencyUs,
				1 + delta.max() / httpLatencyUs, 1 + delta.low() / httpLatencyUs, 1 + delta.high() / httpLatencyUs);
		this.report.line(String.format(Locale.ROOT,
				"| one JVM, no HTTP: the endpoint's answer + JSON, with / without the indicator (medians of %d rounds) | %.2f us / %.2f us | | |",
				rounds, Summary.of(with).median(), Summary.of(without).median()));
		this.report.line("| one JVM, no HTTP: what the indicator adds to a request | " + delta.difference("us", 2) + " | | |");
		this.report.line(String.format(Locale.ROOT, "| 1 + that / the HTTP latency of the group without it (%.0f us) | ",
				httpLatencyUs) + share.ratio() + " | <= " + TARGET + "x | " + share.verdict(TARGET) + " |");
	}

	private static void run(List<String> command, Path log) throws Exception {
		Files.createDirectories(log.getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
			process.destroyForcibly().waitFor();
			throw new IllegalStateException(command.get(command.size() - 1) + " failed: see " + log);
		}
	}

	/** The health document must show the pidfile indicator, or must not. */
	private void check(URI uri, boolean withIndicator) throws Exception {
		String body = this.http.get(uri);
		if (body.contains("\"pidfile\":{") != withIndicator || (!withIndicator && body.contains("\"pidfile\""))) {
			throw new IllegalStateException(uri + (withIndicator ? " lacks" : " still has") + " the pidfile indicator: "
					+ body);
		}
	}

	private static URI uri(Instance instance, String group) {
		return URI.create("http://127.0.0.1:" + instance.port() + "/actuator/health" + group);
	}

	private Path pid(String v, String variant, int session) {
		return this.out.resolve("pid/health-" + v + "-" + variant + "-s" + session + ".pid");
	}

	private Path log(String v, String variant, int session) {
		return this.out.resolve("logs/health-" + v + "-" + variant + "-s" + session + ".log");
	}

}
