package dev.zeph.pidfile.benchmarks.startup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.zeph.pidfile.benchmarks.sample.Jdk;
import dev.zeph.pidfile.benchmarks.startup.ClusterStartupBenchmark.Launch;
import dev.zeph.pidfile.benchmarks.startup.ClusterStartupBenchmark.Start;
import dev.zeph.pidfile.benchmarks.stats.Summary;
import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;
import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * What the cluster lock costs a start where users pay it: the JDBC sample (a Hikari pool and
 * a query before ready) on a database of its own, started with the lock on that database and
 * without it, in interleaved pairs whose order alternates round by round so that neither
 * always runs on a warmer machine. The figure is the ratio of the JVM's uptime at
 * {@code ApplicationReadyEvent}, pair by pair.
 * <p>
 * Arguments: {@code <jdbc sample jar> [rounds, default 12] [report file] [engine: postgresql
 * (default) or mariadb]}.
 */
public final class DataSourceStartupBenchmark {

	/** The most the lock may add to such a start. */
	private static final double TARGET = 1.03;

	private DataSourceStartupBenchmark() {
	}

	public static void main(String[] args) throws Exception {
		Path jar = Path.of(args[0]);
		int rounds = (args.length > 1) ? Integer.parseInt(args[1]) : 12;
		Path report = Path.of((args.length > 2) ? args[2] : "benchmarks/target/datasource-startup.txt");
		boolean mariadb = args.length > 3 && args[3].equals("mariadb");
		Path directory = Files.createTempDirectory("zeph-startup-");
		try (LockDatabase server = mariadb ? MariaDbServer.start() : PostgresServer.start()) {
			List<String> without = List.of("--spring.datasource.url=" + server.url(),
					"--spring.datasource.username=" + LockDatabase.USER,
					"--spring.datasource.password=" + LockDatabase.PASSWORD);
			List<String> with = new ArrayList<>(without);
			with.add("--zeph.pidfile.cluster.enabled=true");
			Launch launch = new Launch(List.of(), jar);
			// one warm-up of each, not counted: the page cache holds the jar from then on
			ClusterStartupBenchmark.start(launch, directory, with, 0);
			ClusterStartupBenchmark.start(launch, directory, without, 0);
			List<long[]> results = new ArrayList<>();
			StringBuilder roundLines = new StringBuilder();
			for (int round = 0; round < rounds; round++) {
				boolean lockFirst = round % 2 == 0;
				Start first = ClusterStartupBenchmark.start(launch, directory, lockFirst ? with : without, 0);
				Start second = ClusterStartupBenchmark.start(launch, directory, lockFirst ? without : with, 0);
				Start withLock = lockFirst ? first : second;
				Start withoutLock = lockFirst ? second : first;
				results.add(new long[] { withLock.uptime(), withoutLock.uptime() });
				String line = String.format(Locale.ROOT, "round %d: uptime at ready with the cluster lock %d ms, without %d ms%n",
						round + 1, withLock.uptime() / 1_000_000, withoutLock.uptime() / 1_000_000);
				System.out.print(line);
				roundLines.append(line);
			}
			String table = table(results, (mariadb ? "MariaDB" : "PostgreSQL") + ", JDK " + Jdk.current().version());
			System.out.println(table);
			Files.createDirectories(report.toAbsolutePath().getParent());
			// the rounds too, which the start-up chart is drawn from (benchmarks/run.sh startup-chart)
			Files.writeString(report, table + "\n" + roundLines);
		}
	}

	private static String table(List<long[]> results, String how) {
		Summary ratio = Summary.of(results.stream().mapToDouble((r) -> (double) r[0] / r[1]).toArray());
		Summary with = Summary.of(results.stream().mapToDouble((r) -> r[0] / 1e6).toArray());
		Summary without = Summary.of(results.stream().mapToDouble((r) -> r[1] / 1e6).toArray());
		return String.format(Locale.ROOT,
				"| figure (JDBC sample, %s, %d pairs) | measured | target | verdict |%n|---|---|---|---|%n"
						+ "| start-up (JVM uptime at ready) with the cluster lock | %s | | |%n"
						+ "| start-up without it | %s | | |%n"
						+ "| with / without, pair by pair | %s | <= %.2fx | %s |%n",
				how, results.size(), with.amount("ms", 0), without.amount("ms", 0), ratio.ratio(), TARGET,
				ratio.verdict(TARGET));
	}

}
