package dev.zeph.pidfile.benchmarks.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;
import dev.zeph.pidfile.testsupport.PostgresServer;
import dev.zeph.pidfile.testsupport.TcpRelay;

/**
 * Faults made for real to a holder of each kind, with a waiting instance beside it, against
 * one PostgreSQL or MariaDB server: per trial, when the waiter became active, when the holder stopped
 * working, and for how long both did work at once (from the witness file's work lines).
 * <p>
 * Arguments: {@code [trials per fault, default 20] [trials of Spring Integration's slow
 * faults, default 3] [report file] [engine: postgresql (default) or mariadb]}; on MariaDB only
 * this project's lock runs, since Spring Integration's was measured beside it on PostgreSQL. Run with
 * {@code java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" dev.zeph.pidfile.benchmarks.cluster.FailoverBenchmark}.
 */
public final class FailoverBenchmark {

	static final String ZEPH = "zeph";

	private static final java.time.Duration HEAL_AFTER = java.time.Duration.ofSeconds(5);

	static final String SPRING_INTEGRATION = "spring-integration";

	private final LockDatabase server;

	private final Path directory;

	private final String classPath;

	FailoverBenchmark(LockDatabase server, Path directory, String classPath) {
		this.server = server;
		this.directory = directory;
		this.classPath = classPath;
	}

	public static void main(String[] args) throws Exception {
		int trials = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		int slowTrials = (args.length > 1) ? Integer.parseInt(args[1]) : 3;
		Path report = Path.of((args.length > 2) ? args[2] : "benchmarks/target/failover.txt");
		boolean mariadb = args.length > 3 && args[3].equals("mariadb");
		Path directory = Files.createTempDirectory("zeph-failover-");
		try (LockDatabase server = mariadb ? MariaDbServer.start() : PostgresServer.start()) {
			FailoverBenchmark benchmark = new FailoverBenchmark(server, directory, System.getProperty("java.class.path"));
			Map<String, List<Trial>> results = new LinkedHashMap<>();
			String engine = mariadb ? " (MariaDB)" : "";
			for (Fault fault : Fault.values()) {
				results.put(ZEPH + engine + " " + fault, benchmark.run(ZEPH, fault, trials));
			}
			if (!mariadb) {
				createSpringIntegrationTable((PostgresServer) server);
				results.put(SPRING_INTEGRATION + " " + Fault.KILL, benchmark.run(SPRING_INTEGRATION, Fault.KILL, trials));
				results.put(SPRING_INTEGRATION + " " + Fault.PARTITION,
						benchmark.run(SPRING_INTEGRATION, Fault.PARTITION, slowTrials));
				results.put(SPRING_INTEGRATION + " " + Fault.FREEZE,
						benchmark.run(SPRING_INTEGRATION, Fault.FREEZE, slowTrials));
			}
			String table = table(results);
			System.out.println(table);
			Files.createDirectories(report.toAbsolutePath().getParent());
			Files.writeString(report, table + "\n" + raw(results));
		}
	}

	private List<Trial> run(String kind, Fault fault, int trials) throws Exception {
		List<Trial> results = new ArrayList<>();
		for (int i = 0; i < trials; i++) {
			Trial trial = trial(kind, fault, i);
			System.out.printf("%s %s #%d: %s%n", kind, fault, i + 1, trial);
			results.add(trial);
		}
		return results;
	}

	/**
	 * One trial, its witness file left in the benchmark's directory: {@link #witness}.
	 */
	Trial trial(String kind, Fault fault, int number) throws Exception {
		if (SPRING_INTEGRATION.equals(kind)) {
			clearSpringIntegrationLocks();
		}
		Path witness = witness(kind, fault, number);
		try (TcpRelay relay = new TcpRelay(this.server.port())) {
			String holderUrl = (fault == Fault.PARTITION) ? this.server.url(relay.port()) : this.server.url();
			Process holder = candidate(kind, "holder", holderUrl, witness);
			Process waiter = null;
			try {
				await(witness, (line) -> line.endsWith(" work holder"), Duration.MINUTE, "the holder to work");
				waiter = candidate(kind, "waiter", this.server.url(), witness);
				await(witness, (line) -> line.endsWith(" started waiter"), Duration.MINUTE, "the waiter to start");
				Thread.sleep(1000);
				long fault0 = System.nanoTime();
				Candidate.write(witness, "fault " + fault.name().toLowerCase(java.util.Locale.ROOT));
				switch (fault) {
					case KILL -> holder.destroyForcibly().waitFor();
					case TERMINATE -> this.server.terminate(holderBackend());
					case RESTART -> this.server.restart();
					case PARTITION -> relay.silence();
					case FREEZE -> signal(holder, "STOP");
				}
				long entered = await(witness, (line) -> line.endsWith(" enter waiter"), Duration.TWO_MINUTES,
						"the waiter to become active");
				if (fault == Fault.FREEZE) {
					signal(holder, "CONT");
				}
				if (fault == Fault.PARTITION) {
					// the partition heals 5 s after the waiter became active: a holder that never
					// noticed it works on beside the waiter until then
					Thread.sleep(HEAL_AFTER.toMillis());
					relay.heal();
				}
				// give a holder that goes on working the time to show it
				Thread.sleep(3000);
				Candidate.write(witness, "end");
				long lastHolderWork = lastTime(witness, (line) -> line.endsWith(" work holder"));
				long holderExit = firstTimeAfter(witness, (line) -> line.endsWith(" exit holder"), fault0);
				long overlap = Math.max(0, lastHolderWork - entered);
				return new Trial(entered - fault0, (holderExit > 0) ? holderExit - fault0 : -1,
						(fault == Fault.KILL) ? 0 : lastHolderWork - fault0, overlap);
			}
			finally {
				signal(holder, "CONT");
				holder.destroyForcibly().waitFor();
				if (waiter != null) {
					waiter.destroyForcibly().waitFor();
				}
			}
		}
	}

	/** The witness file of a trial. */
	Path witness(String kind, Fault fault, int number) {
		return this.directory.resolve(kind + "-" + fault.name() + "-" + number + ".log");
	}

	private Process candidate(String kind, String who, String url, Path witness) throws IOException {
		List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"), "-Xshare:auto",
				"-XX:TieredStopAtLevel=1", "-cp", this.classPath, Candidate.class.getName(), kind, who, url,
				LockDatabase.USER, LockDatabase.PASSWORD, witness.toString());
		return new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve(kind + "-" + who + ".out").toFile())
			.start();
	}

	/**
	 * The holder's session, by what it says of itself: its {@code application_name} on
	 * PostgreSQL, the statement it waits in between heartbeats on MariaDB.
	 */
	private long holderBackend() throws Exception {
		String query = (this.server instanceof PostgresServer)
				? "SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'zeph:bench:%'"
				: "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT SLEEP(%zeph:bench:%'"
						+ " AND ID <> CONNECTION_ID()";
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement()) {
			while (System.nanoTime() - deadline < 0) {
				try (ResultSet result = statement.executeQuery(query)) {
					if (result.next()) {
						return result.getLong(1);
					}
				}
				// between two statements of its own
				Thread.sleep(5);
			}
		}
		throw new IllegalStateException("no session says it holds 'bench'");
	}

	private static void signal(Process process, String signal) throws Exception {
		if (process.isAlive()) {
			new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
		}
	}

	/**
	 * Spring Integration's lock table, from the schema its jar ships, for the test's role.
	 * @param server the server
	 * @throws Exception if the table cannot be made
	 */
	public static void createSpringIntegrationTable(PostgresServer server) throws Exception {
		String ddl;
		try (InputStream in = FailoverBenchmark.class
			.getResourceAsStream("/org/springframework/integration/jdbc/schema-postgresql.sql")) {
			ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			for (String sql : ddl.split(";")) {
				if (sql.contains("INT_LOCK") && sql.contains("CREATE TABLE")) {
					statement.execute(sql);
				}
			}
			statement.execute("GRANT ALL ON INT_LOCK TO " + PostgresServer.USER);
		}
	}

	private void clearSpringIntegrationLocks() throws Exception {
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement()) {
			statement.execute("DELETE FROM INT_LOCK");
		}
	}

	/** The time of the first line that matches, waiting for it. */
	private static long await(Path witness, Predicate<String> match, Duration limit, String what) throws Exception {
		long deadline = System.nanoTime() + limit.nanos;
		while (System.nanoTime() - deadline < 0) {
			for (String line : read(witness).lines().toList()) {
				if (match.test(line)) {
					return Long.parseLong(line.substring(0, line.indexOf(' ')));
				}
			}
			Thread.sleep(10);
		}
		throw new IllegalStateException("gave up waiting for " + what + ":\n" + read(witness));
	}

	private static long firstTimeAfter(Path witness, Predicate<String> match, long after) throws IOException {
		for (String line : read(witness).lines().toList()) {
			long time = Long.parseLong(line.substring(0, line.indexOf(' ')));
			if (match.test(line) && time - after >= 0) {
				return time;
			}
		}
		return 0;
	}

	private static long lastTime(Path witness, Predicate<String> match) throws IOException {
		long last = 0;
		for (String line : read(witness).lines().toList()) {
			if (match.test(line)) {
				last = Long.parseLong(line.substring(0, line.indexOf(' ')));
			}
		}
		return last;
	}

	private static String read(Path witness) throws IOException {
		return Files.exists(witness) ? Files.readString(witness) : "";
	}

	private static String table(Map<String, List<Trial>> results) {
		StringBuilder table = new StringBuilder();
		table.append("| guard, fault | trials | waiter active after the fault, median (min-max) | holder noticed, median"
				+ " | holder's last work after the fault, median (max) | two active at once, max | trials with any |\n");
		table.append("|---|---|---|---|---|---|---|\n");
		results.forEach((name, trials) -> table.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %d |%n",
				name, trials.size(), spread(trials.stream().mapToLong(Trial::waiterActive).toArray()),
				median(trials.stream().mapToLong(Trial::holderNoticed).filter((n) -> n >= 0).toArray()),
				median(trials.stream().mapToLong(Trial::holderLastWork).toArray()) + " ("
						+ max(trials.stream().mapToLong(Trial::holderLastWork).toArray()) + ")",
				max(trials.stream().mapToLong(Trial::overlap).toArray()),
				trials.stream().filter((trial) -> trial.overlap() > 0).count())));
		return table.toString();
	}

	private static String raw(Map<String, List<Trial>> results) {
		StringBuilder raw = new StringBuilder("raw, ms: waiter active, holder noticed, holder's last work, overlap\n");
		results.forEach((name, trials) -> raw.append(name).append(": ").append(trials).append('\n'));
		return raw.toString();
	}

	private static String spread(long[] nanos) {
		return median(nanos) + " (" + ms(Arrays.stream(nanos).min().orElse(0)) + "-" + max(nanos) + ")";
	}

	private static String median(long[] nanos) {
		if (nanos.length == 0) {
			return "-";
		}
		long[] sorted = nanos.clone();
		Arrays.sort(sorted);
		long median = (sorted.length % 2 == 1) ? sorted[sorted.length / 2]
				: (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
		return ms(median);
	}

	private static String max(long[] nanos) {
		return ms(Arrays.stream(nanos).max().orElse(0));
	}

	private static String ms(long nanos) {
		return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
	}

	enum Fault {

		KILL, TERMINATE, RESTART, PARTITION, FREEZE;

		@Override
		public String toString() {
			return switch (this) {
				case KILL -> "kill -9 of the holder";
				case TERMINATE -> "session terminated (pg_terminate_backend, KILL)";
				case RESTART -> "server restart";
				case PARTITION -> "partition (silent relay)";
				case FREEZE -> "holder frozen (SIGSTOP)";
			};
		}

	}

	private enum Duration {

		MINUTE(60), TWO_MINUTES(120);

		private final long nanos;

		Duration(long seconds) {
			this.nanos = TimeUnit.SECONDS.toNanos(seconds);
		}

	}

	/**
	 * One trial, in nanoseconds from the fault; {@code holderNoticed} is -1 when the holder
	 * said nothing (killed).
	 */
	record Trial(long waiterActive, long holderNoticed, long holderLastWork, long overlap) {

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%d %d %d %d", waiterActive / 1_000_000, holderNoticed / 1_000_000,
					holderLastWork / 1_000_000, overlap / 1_000_000);
		}

	}

}
