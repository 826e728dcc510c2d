package dev.zeph.pidfile.benchmarks.startup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeph.pidfile.benchmarks.sample.Jdk;
import dev.zeph.pidfile.benchmarks.stats.Summary;
import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.cluster.ClusterLockSettings;
import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * The web sample's jar started in rounds of three, interleaved so that a drifting machine
 * affects each alike: with the cluster lock (A), without it (B, the baseline), and refused by
 * a cluster lock this driver holds (R). A and B run until the application is ready
 * ({@code sample.exit-when-ready}): their start-up is the JVM's uptime at
 * {@code ApplicationReadyEvent}, and their full start the time from launch to that moment. R
 * is timed from launch to exit. The ratios A/B (uptime) and R/A (launch to exit against
 * launch to ready) are taken round by round, as for the pid file in BENCHMARKS.md.
 * <p>
 * Arguments: {@code <web sample jar> [rounds, default 10] [report file]}.
 */
public final class ClusterStartupBenchmark {

	private static final String LOCK_NAME = "zeph-pidfile-sample-web";

	private static final Pattern READY = Pattern.compile("sample.exit-when-ready: uptime_ms=(\\d+) epoch_ms=(\\d+)");

	private ClusterStartupBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path jar = Path.of(args[0]);
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 10;
		Path report = Path.of((args.length > 2) ? args[2] : "benchmarks/target/cluster-startup.txt");
		boolean cds = args.length > 3 && args[3].equals("cds");
		Path directory = Files.createTempDirectory("zeph-startup-");
		try (PostgresServer server = PostgresServer.start()) {
			List<String> cluster = List.of("--zeph.pidfile.cluster.enabled=true",
					"--zeph.pidfile.cluster.url=" + server.url(), "--zeph.pidfile.cluster.username=" + PostgresServer.USER,
					"--zeph.pidfile.cluster.password=" + PostgresServer.PASSWORD);
			ClusterLockSettings holderSettings = ClusterLockSettings.of(LOCK_NAME, server.url(), PostgresServer.USER,
					PostgresServer.PASSWORD);
			Launch launch = new Launch(List.of(), jar);
			if (cds) {
				TrainedArchive archive = TrainedArchive.train(Jdk.current(), jar, directory.resolve("cds"),
						directory.resolve("training.pid"), directory, cluster);
				// the first starts insist on the archive: one that cannot be used stops the run
				start(new Launch(archive.jvmArgs(true), archive.app()), directory, cluster, 0);
				start(new Launch(archive.jvmArgs(true), archive.app()), directory, List.of(), 0);
				launch = new Launch(archive.jvmArgs(false), archive.app());
			}
			// one warm-up of each, not counted: the page cache holds the jar from then on
			start(launch, directory, cluster, 0);
			start(launch, directory, List.of(), 0);
			List<long[]> results = new ArrayList<>();
			for (int round = 0; round < rounds; round++) {
				Start withLock = start(launch, directory, cluster, 0);
				Start without = start(launch, directory, List.of(), 0);
				Start refused;
				try (ClusterLock holder = ClusterLock.acquire(holderSettings, new ClusterLock.Listener() {
				})) {
					refused = start(launch, directory, cluster, 75);
				}
				results.add(new long[] { withLock.uptime(), without.uptime(), refused.launchToEnd(),
						withLock.launchToEnd() });
				System.out.printf(Locale.ROOT,
						"round %d: uptime at ready with the cluster lock %d ms, without %d ms; refused, launch to exit %d ms;"
								+ " with the lock, launch to ready %d ms%n",
						round + 1, withLock.uptime() / 1_000_000, without.uptime() / 1_000_000,
						refused.launchToEnd() / 1_000_000, withLock.launchToEnd() / 1_000_000);
			}
			String table = table(results, cds ? ", from an archive trained with the lock" : "");
			System.out.println(table);
			Files.createDirectories(report.toAbsolutePath().getParent());
			Files.writeString(report, table);
		}
	}

	/**
	 * One start, which must exit with the expected code: for a start that became ready, the
	 * JVM's uptime then and the time from launch to then; for a refused one, launch to exit.
	 */
	static Start start(Launch launch, Path directory, List<String> extra, int expectedExit)
			throws Exception {
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
		command.addAll(launch.jvmArgs());
		command.addAll(List.of("-jar", launch.jar().toString(), "--server.port=0", "--server.address=127.0.0.1",
				"--sample.exit-when-ready=true", "--spring.main.banner-mode=off",
				"--zeph.pidfile.path=" + directory.resolve("web-" + System.nanoTime() + ".pid")));
		command.addAll(extra);
		Path output = directory.resolve("start.log");
		long launchedAt = System.currentTimeMillis();
		long start = System.nanoTime();
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
		if (!process.waitFor(2, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			throw new IllegalStateException("the start did not end:\n" + Files.readString(output));
		}
		long toExit = System.nanoTime() - start;
		String log = Files.readString(output);
		if (process.exitValue() != expectedExit) {
			throw new IllegalStateException("exit " + process.exitValue() + ", expected " + expectedExit + ":\n" + log);
		}
		Matcher ready = READY.matcher(log);
		if (!ready.find()) {
			return new Start(-1, toExit);
		}
		long uptime = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(ready.group(1)));
		long toReady = TimeUnit.MILLISECONDS.toNanos(Long.parseLong(ready.group(2)) - launchedAt);
		return new Start(uptime, toReady);
	}

	/** How the jar is started: from an archive, or as it is. */
	record Launch(List<String> jvmArgs, Path jar) {

	}

	/**
	 * A start: the JVM's uptime at ready (-1 when refused), and its time from launch to ready,
	 * or to exit when refused.
	 */
	record Start(long uptime, long launchToEnd) {

	}

	private static String table(List<long[]> results, String how) {
		double[] withOverWithout = results.stream().mapToDouble((r) -> (double) r[0] / r[1]).toArray();
		double[] refusedOverFull = results.stream().mapToDouble((r) -> (double) r[2] / r[3]).toArray();
		return String.format(Locale.ROOT,
				"| figure (web sample%s, %d rounds) | median | min-max |%n|---|---|---|%n"
						+ "| start-up (JVM uptime at ready) with the cluster lock | %.0f ms | %.0f-%.0f ms |%n"
						+ "| start-up without it | %.0f ms | %.0f-%.0f ms |%n"
						+ "| start refused by the cluster lock, launch to exit | %.0f ms | %.0f-%.0f ms |%n"
						+ "| start-up with / without, round by round | %.3fx | %.3f-%.3fx |%n"
						+ "| refused (launch to exit) / full start with the lock (launch to ready) | %.3fx | %.3f-%.3fx |%n",
				how, results.size(), ms(results, 0), min(results, 0), max(results, 0), ms(results, 1), min(results, 1),
				max(results, 1), ms(results, 2), min(results, 2), max(results, 2), Summary.median(withOverWithout),
				Arrays.stream(withOverWithout).min().orElse(0), Arrays.stream(withOverWithout).max().orElse(0),
				Summary.median(refusedOverFull), Arrays.stream(refusedOverFull).min().orElse(0),
				Arrays.stream(refusedOverFull).max().orElse(0));
	}

	private static double ms(List<long[]> results, int column) {
		return Summary.median(results.stream().mapToDouble((r) -> r[column] / 1e6).toArray());
	}

	private static double min(List<long[]> results, int column) {
		return results.stream().mapToDouble((r) -> r[column] / 1e6).min().orElse(0);
	}

	private static double max(List<long[]> results, int column) {
		return results.stream().mapToDouble((r) -> r[column] / 1e6).max().orElse(0);
	}

}
