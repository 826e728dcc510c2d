package dev.zeph.pidfile.benchmarks.standby;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.benchmarks.cluster.FailoverBenchmark;
import dev.zeph.pidfile.benchmarks.sample.ProcFs;
import dev.zeph.pidfile.benchmarks.stats.Summary;
import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * Hot standby side by side: for each guard of {@link StandbyApp} (this project's standby mode
 * on the cluster lock and on the pid file, Spring Integration's leader initiator, ShedLock),
 * two instances against one PostgreSQL server; the active one is killed ({@code kill -9}) or
 * stopped ({@code SIGTERM}), and the time from the signal to the next instance's first run
 * is taken from the witness file, as is any moment two instances' runs overlapped. A new
 * instance replaces the one that went, and stands by for the next trial. Then, for each guard,
 * what a standby costs: CPU a minute (from {@code /proc}) beside an instance of the same
 * service with no guard and no task, and statements a minute on the server beside the active
 * one alone.
 * <p>
 * Arguments: {@code [trials per fault, default 20] [report file] [phases, default failover,cost]}.
 * Run with {@code benchmarks/run.sh standby}.
 */
public final class StandbyBenchmark {

	private static final Duration SETTLE = Duration.ofSeconds(3);

	private static final Duration COST_WINDOW = Duration.ofSeconds(60);

	private final PostgresServer server;

	private final Path directory;

	private StandbyBenchmark(PostgresServer server, Path directory) {
		this.server = server;
		this.directory = directory;
	}

	public static void main(String[] args) throws Exception {
		int trials = (args.length > 0) ? Integer.parseInt(args[0]) : 20;
		Path report = Path.of((args.length > 1) ? args[1] : "benchmarks/target/standby.txt");
		List<String> phases = List.of(((args.length > 2) ? args[2] : "failover,cost").split(","));
		Path directory = Files.createTempDirectory("zeph-standby-");
		try (PostgresServer server = PostgresServer.start()) {
			createTables(server);
			StandbyBenchmark benchmark = new StandbyBenchmark(server, directory);
			Map<String, Map<Fault, Result>> results = new LinkedHashMap<>();
			for (Kind kind : phases.contains("failover") ? Kind.values() : new Kind[0]) {
				Map<Fault, Result> byFault = new LinkedHashMap<>();
				for (Fault fault : Fault.values()) {
					byFault.put(fault, benchmark.failover(kind, fault, trials));
				}
				results.put(kind.label, byFault);
			}
			Map<String, Cost> costs = new LinkedHashMap<>();
			double idle = Double.NaN;
			double tick = Double.NaN;
			if (phases.contains("cost")) {
				idle = benchmark.baselineCpu(null);
				tick = benchmark.baselineCpu("tick");
				for (Kind kind : Kind.values()) {
					costs.put(kind.label, benchmark.cost(kind));
				}
			}
			String table = table(results, costs, idle, tick, trials);
			System.out.println(table);
			Files.createDirectories(report.toAbsolutePath().getParent());
			Files.writeString(report, table);
		}
	}

	private Result failover(Kind kind, Fault fault, int trials) throws Exception {
		Path witness = this.directory.resolve(kind.name().toLowerCase(Locale.ROOT) + "-" + fault + ".log");
		List<Instance> instances = new ArrayList<>();
		Map<Long, Long> deaths = new HashMap<>();
		List<Double> takeovers = new ArrayList<>();
		try {
			Instance first = start(kind, witness, instances);
			awaitRun(witness, first.pid(), 0);
			start(kind, witness, instances);
			Thread.sleep(SETTLE.toMillis());
			for (int i = 0; i < trials; i++) {
				long activePid = lastRunner(witness);
				Instance active = instances.stream().filter((instance) -> instance.pid() == activePid).findFirst()
					.orElseThrow(() -> new IllegalStateException("no live instance ran last: " + activePid));
				long signalled = System.nanoTime();
				if (fault == Fault.KILL) {
					deaths.put(active.pid(), signalled);
					active.process().destroyForcibly();
				}
				else {
					active.process().destroy();
				}
				long next = awaitRunOfAnother(witness, activePid, signalled);
				if (!active.process().waitFor(60, TimeUnit.SECONDS)) {
					throw new IllegalStateException(kind + " instance " + activePid + " did not end");
				}
				deaths.putIfAbsent(active.pid(), System.nanoTime());
				instances.remove(active);
				double millis = (next - signalled) / 1e6;
				takeovers.add(millis);
				System.out.printf(Locale.ROOT, "%s %s #%d: next first run +%.0f ms%n", kind.label, fault, i + 1, millis);
				start(kind, witness, instances);
				Thread.sleep(SETTLE.toMillis());
			}
		}
		finally {
			for (Instance instance : instances) {
				instance.process().destroyForcibly().waitFor();
				deaths.putIfAbsent(instance.pid(), System.nanoTime());
			}
		}
		return new Result(Summary.of(takeovers), overlap(witness, deaths));
	}

	/** What one standby costs, over a minute: its CPU, and the statements it adds on the server. */
	private Cost cost(Kind kind) throws Exception {
		Path witness = this.directory.resolve(kind.name().toLowerCase(Locale.ROOT) + "-cost.log");
		List<Instance> instances = new ArrayList<>();
		try {
			Instance active = start(kind, witness, instances);
			awaitRun(witness, active.pid(), 0);
			Thread.sleep(SETTLE.toMillis());
			double activeAlone = transactionsPerMinute();
			Instance standby = start(kind, witness, instances);
			Thread.sleep(SETTLE.toMillis() * 3);
			long cpuBefore = ProcFs.cpuNanos(standby.pid());
			long start = System.nanoTime();
			double both = transactionsPerMinute();
			long cpu = ProcFs.cpuNanos(standby.pid()) - cpuBefore;
			double minutes = (System.nanoTime() - start) / 60e9;
			return new Cost(cpu / 1e6 / minutes, both - activeAlone);
		}
		finally {
			for (Instance instance : instances) {
				instance.process().destroyForcibly().waitFor();
			}
		}
	}

	/**
	 * CPU a minute of the same service with no guard: with no task ({@code benchKind} null),
	 * or with the same schedule ticking and doing nothing ({@code tick}), the floor a standby
	 * adds to.
	 */
	private double baselineCpu(String benchKind) throws Exception {
		Path witness = this.directory.resolve("baseline.log");
		List<Instance> instances = new ArrayList<>();
		try {
			Instance idle = start(null, witness, instances, (benchKind != null) ? List.of("--bench.kind=" + benchKind)
					: List.of());
			Thread.sleep(SETTLE.toMillis() * 3);
			long before = ProcFs.cpuNanos(idle.pid());
			long start = System.nanoTime();
			Thread.sleep(COST_WINDOW.toMillis());
			return (ProcFs.cpuNanos(idle.pid()) - before) / 1e6 / ((System.nanoTime() - start) / 60e9);
		}
		finally {
			for (Instance instance : instances) {
				instance.process().destroyForcibly().waitFor();
			}
		}
	}

	/** Transactions committed on the server over the cost window, a minute's worth. */
	private double transactionsPerMinute() throws Exception {
		long before = transactions();
		Thread.sleep(COST_WINDOW.toMillis());
		return (transactions() - before) * (60_000.0 / COST_WINDOW.toMillis());
	}

	private long transactions() throws Exception {
		// the statistics are flushed at most once a second: wait that out, then read them fresh
		Thread.sleep(1100);
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery("SELECT pg_stat_clear_snapshot(), xact_commit + xact_rollback"
						+ " FROM pg_stat_database WHERE datname = 'postgres'")) {
			result.next();
			return result.getLong(2);
		}
	}

	private Instance start(Kind kind, Path witness, List<Instance> instances) throws IOException {
		return start(kind, witness, instances, List.of());
	}

	private Instance start(Kind kind, Path witness, List<Instance> instances, List<String> more) throws IOException {
		List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
				"-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), StandbyApp.class.getName(),
				"--spring.main.banner-mode=off", "--bench.witness=" + witness,
				"--spring.datasource.url=" + this.server.url(), "--spring.datasource.username=" + PostgresServer.USER,
				"--spring.datasource.password=" + PostgresServer.PASSWORD, "--spring.application.name=standby-bench",
				"--spring.integration.jdbc.initialize-schema=never"));
		if (kind != Kind.ZEPH_PID_FILE) {
			command.add("--zeph.pidfile.enabled=false");
		}
		if (kind != null) {
			command.add("--bench.kind=" + kind.benchKind);
			command.addAll(kind.args(this.directory));
		}
		command.addAll(more);
		Path log = Files.createTempFile(this.directory, "instance-", ".log");
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		Instance instance = new Instance(process, process.pid(), log);
		instances.add(instance);
		return instance;
	}

	private static void awaitRun(Path witness, long pid, long after) throws Exception {
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (System.nanoTime() < deadline) {
			for (Record record : records(witness)) {
				if (record.pid() == pid && record.begin() && record.nanos() > after) {
					return;
				}
			}
			Thread.sleep(5);
		}
		throw new IllegalStateException("no run of " + pid + " in " + witness);
	}

	private static long awaitRunOfAnother(Path witness, long pid, long after) throws Exception {
		long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
		while (System.nanoTime() < deadline) {
			for (Record record : records(witness)) {
				if (record.pid() != pid && record.begin() && record.nanos() > after) {
					return record.nanos();
				}
			}
			Thread.sleep(2);
		}
		throw new IllegalStateException("no other instance ran after " + pid + " went, in " + witness);
	}

	private static long lastRunner(Path witness) throws IOException {
		List<Record> records = records(witness);
		return records.get(records.size() - 1).pid();
	}

	/** The total time two instances' runs overlapped, in milliseconds. */
	private static double overlap(Path witness, Map<Long, Long> deaths) throws IOException {
		List<long[]> periods = new ArrayList<>();
		Map<Long, Long> open = new HashMap<>();
		for (Record record : records(witness)) {
			if (record.begin()) {
				open.put(record.pid(), record.nanos());
			}
			else {
				Long begin = open.remove(record.pid());
				if (begin != null) {
					periods.add(new long[] { record.pid(), begin, record.nanos() });
				}
			}
		}
		open.forEach((pid, begin) -> periods.add(new long[] { pid, begin, deaths.getOrDefault(pid, Long.MAX_VALUE) }));
		long total = 0;
		for (int i = 0; i < periods.size(); i++) {
			for (int j = i + 1; j < periods.size(); j++) {
				long[] a = periods.get(i);
				long[] b = periods.get(j);
				if (a[0] != b[0]) {
					total += Math.max(0, Math.min(a[2], b[2]) - Math.max(a[1], b[1]));
				}
			}
		}
		return total / 1e6;
	}

	private static List<Record> records(Path witness) throws IOException {
		if (!Files.exists(witness)) {
			return List.of();
		}
		List<Record> records = new ArrayList<>();
		for (String line : Files.readAllLines(witness)) {
			String[] parts = line.split(" ");
			if (parts.length == 3) {
				records.add(new Record(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2].equals("begin")));
			}
		}
		return records;
	}

	private static void createTables(PostgresServer server) throws Exception {
		FailoverBenchmark.createSpringIntegrationTable(server);
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			// ShedLock's table, as its documentation gives it for PostgreSQL
			statement.execute("CREATE TABLE shedlock (name VARCHAR(64) NOT NULL, lock_until TIMESTAMP NOT NULL,"
					+ " locked_at TIMESTAMP NOT NULL, locked_by VARCHAR(255) NOT NULL, PRIMARY KEY (name))");
			statement.execute("GRANT ALL ON shedlock TO " + PostgresServer.USER);
		}
	}

	private static String table(Map<String, Map<Fault, Result>> results, Map<String, Cost> costs, double idleCpu,
			double tickCpu, int trials) {
		StringBuilder table = new StringBuilder();
		table.append(String.format(Locale.ROOT, "%d trials per fault; a run of 50 ms every 10 ms; times from the signal"
				+ " to the next instance's first run, median (min-max) [95%% CI of the median]%n%n", trials));
		table.append("| guard | kill -9 → next first run | SIGTERM → next first run | overlap, all trials |\n");
		table.append("|---|---|---|---|\n");
		results.forEach((label, byFault) -> {
			Result kill = byFault.get(Fault.KILL);
			Result term = byFault.get(Fault.TERM);
			table.append(String.format(Locale.ROOT, "| %s | %s | %s | %.0f ms, %.0f ms |%n", label, cell(kill.takeover()),
					cell(term.takeover()), kill.overlapMillis(), term.overlapMillis()));
		});
		table.append(String.format(Locale.ROOT, "%n| a standby's cost, one minute | CPU | statements on the server |%n"));
		table.append("|---|---|---|\n");
		table.append(String.format(Locale.ROOT, "| the same service, no guard, no task | %.0f ms | 0 |%n", idleCpu));
		table.append(String.format(Locale.ROOT, "| the same service, no guard, the schedule ticking, each tick doing nothing |"
				+ " %.0f ms | 0 |%n", tickCpu));
		costs.forEach((label, cost) -> table.append(String.format(Locale.ROOT, "| %s | %.0f ms | %.0f |%n", label,
				cost.cpuMillisPerMinute(), cost.statementsPerMinute())));
		return table.toString();
	}

	private static String cell(Summary summary) {
		return String.format(Locale.ROOT, "%.0f ms (%.0f-%.0f) [%.0f-%.0f]", summary.median(), summary.min(),
				summary.max(), summary.low(), summary.high());
	}

	private enum Kind {

		ZEPH_CLUSTER("zeph standby, cluster lock", "zeph") {

			@Override
			List<String> args(Path directory) {
				return List.of("--zeph.pidfile.mode=standby", "--zeph.pidfile.cluster.enabled=true");
			}

		},

		ZEPH_PID_FILE("zeph standby, pid file", "zeph") {

			@Override
			List<String> args(Path directory) {
				return List.of("--zeph.pidfile.mode=standby", "--zeph.pidfile.enabled=true",
						"--zeph.pidfile.path=" + directory.resolve("bench.pid"));
			}

		},

		SPRING_INTEGRATION("Spring Integration leader initiator (JDBC)", "spring-integration"),

		SHEDLOCK("ShedLock (JDBC, lockAtMostFor 30s)", "shedlock");

		private final String label;

		private final String benchKind;

		Kind(String label, String benchKind) {
			this.label = label;
			this.benchKind = benchKind;
		}

		List<String> args(Path directory) {
			return List.of();
		}

	}

	private enum Fault {

		KILL, TERM

	}

	private record Instance(Process process, long pid, Path log) {

	}

	private record Record(long nanos, long pid, boolean begin) {

	}

	private record Result(Summary takeover, double overlapMillis) {

	}

	private record Cost(double cpuMillisPerMinute, double statementsPerMinute) {

	}

}
