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
 * <p>
 * Where the start is told of its database changes when the lock's session can open: with
 * {@code command-line} (the default) the URL is known as the JVM starts, and the session opens
 * at once; with {@code file}, the URL, the credentials and the lock's switch are in a
 * configuration file, as most applications keep them, and the session opens once the
 * configuration files are read.
 * <p>
 * Arguments: {@code <jdbc sample jar> [rounds, default 12] [report file] [engine: postgresql
 * (default) or mariadb] [settings in: command-line (default) or file]}.
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
		boolean inFile = args.length > 4 && args[4].equals("file");
		Path directory = Files.createTempDirectory("zeph-startup-");
		try (LockDatabase server = mariadb ? MariaDbServer.start() : PostgresServer.start()) {
			List<String> database = List.of("spring.datasource.url=" + server.url(),
					"spring.datasource.username=" + LockDatabase.USER,
					"spring.datasource.password=" + LockDatabase.PASSWORD);
			List<String> lock = new ArrayList<>(database);
			lock.add("zeph.pidfile.cluster.enabled=true");
			List<String> without = inFile ? configuration(directory.resolve("database.properties"), database)
					: database.stream().map((setting) -> "--" + setting).toList();
			List<String> with = inFile ? configuration(directory.resolve("lock.properties"), lock)
					: lock.stream().map((setting) -> "--" + setting).toList();
			Launch launch = new Launch(List.of(), jar);
			// one warm-up of each, not counted: the page cache holds the jar from then on
			start(launch, directory, with, true);
			start(launch, directory, without, false);
			List<long[]> results = new ArrayList<>();
			StringBuilder roundLines = new StringBuilder();
			for (int round = 0; round < rounds; round++) {
				boolean lockFirst = round % 2 == 0;
				Start first = start(launch, directory, lockFirst ? with : without, lockFirst);
				Start second = start(launch, directory, lockFirst ? without : with, !lockFirst);
				Start withLock = lockFirst ? first : second;
				Start withoutLock = lockFirst ? second : first;
				results.add(new long[] { withLock.uptime(), withoutLock.uptime() });
				String line = String.format(Locale.ROOT, "round %d: uptime at ready with the cluster lock %d ms, without %d ms%n",
						round + 1, withLock.uptime() / 1_000_000, withoutLock.uptime() / 1_000_000);
				System.out.print(line);
				roundLines.append(line);
			}
			String table = table(results, (mariadb ? "MariaDB" : "PostgreSQL") + ", JDK " + Jdk.current().version()
					+ (inFile ? ", settings in a configuration file" : ", settings on the command line"));
			System.out.println(table);
			Files.createDirectories(report.toAbsolutePath().getParent());
			// the rounds too, which the start-up chart is drawn from (benchmarks/run.sh startup-chart)
			Files.writeString(report, table + "\n" + roundLines);
		}
	}

	/**
	 * One start, checked to have taken the cluster lock, or not, as asked: a start whose
	 * settings were not read would time something else.
	 */
	private static Start start(Launch launch, Path directory, List<String> args, boolean lock) throws Exception {
		Start start = ClusterStartupBenchmark.start(launch, directory, args, 0);
		boolean locked = Files.readString(directory.resolve("start.log")).contains("Locked cluster lock");
		if (locked != lock) {
			throw new IllegalStateException("a start " + (lock ? "with" : "without") + " the cluster lock "
					+ (locked ? "took it" : "did not take it") + ": " + args);
		}
		return start;
	}

	/** The settings written to a configuration file, and the argument that adds it to the start's. */
	private static List<String> configuration(Path file, List<String> settings) throws Exception {
		Files.write(file, settings);
		return List.of("--spring.config.additional-location=file:" + file);
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
