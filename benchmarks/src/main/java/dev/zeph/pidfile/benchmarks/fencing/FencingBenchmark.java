package dev.zeph.pidfile.benchmarks.fencing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.zeph.pidfile.benchmarks.sample.Report;
import dev.zeph.pidfile.benchmarks.sample.Settings;
import dev.zeph.pidfile.benchmarks.stats.Summary;
import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.cluster.ClusterLockSettings;
import dev.zeph.pidfile.cluster.FencingToken;
import dev.zeph.pidfile.testsupport.PostgresServer;
import dev.zeph.pidfile.testsupport.TcpRelay;

/**
 * Issue 24: a one-row {@code UPDATE} transaction three ways on one HikariCP pool: as it is
 * (unfenced), with a {@code SELECT 1} before it (one more round trip and nothing else: the floor of
 * any check made by the database), and with the fencing check before it (fenced). The three run in
 * rounds that rotate their order, so that all see the same load, cache and JIT state.
 * <ol>
 * <li>One thread: the mean time of a transaction per round, and per round the ratios fenced /
 * unfenced (target 1.15) and fenced / one more round trip.</li>
 * <li>Several threads at once: every fenced check shares the one row of the lock, which is what
 * contention costs; the same ratios of throughput.</li>
 * <li>The extra round trips: the three again through a relay that delays each direction, so that
 * the difference from unfenced, divided by the round trip the relay adds, counts them.</li>
 * </ol>
 * The first two run on a server with {@code fsync=off}, as the tests', and on one whose commits
 * wait for the disk, as a production server's do. Arguments, all optional: {@code rounds=20
 * transactions=300 threads=8 delay-ms=2 out=benchmarks/target/bench}. Writes {@code fencing.md}
 * and {@code fencing-runs.tsv} there.
 */
public final class FencingBenchmark {

	private static final double TARGET = 1.15;

	private static final int ACCOUNTS = 1000;

	private static final String UPDATE = "UPDATE account SET balance = balance + 1 WHERE id = ?";

	private enum Variant {

		UNFENCED, ROUND_TRIP, FENCED

	}

	private final FencingToken token;

	private final Report report;

	private final String server;

	private FencingBenchmark(FencingToken token, Report report, String server) {
		this.token = token;
		this.report = report;
		this.server = server;
	}

	public static void main(String[] args) throws Exception {
		Settings settings = Settings.parse(args, "rounds", "transactions", "threads", "delay-ms", "out");
		int rounds = settings.integer("rounds", 20);
		int transactions = settings.integer("transactions", 300);
		int threads = settings.integer("threads", 8);
		Duration delay = Duration.ofMillis(settings.integer("delay-ms", 2));
		Report report = Report.create(settings.path("out", "benchmarks/target/bench"), "fencing",
				"A one-row UPDATE transaction unfenced, with one more round trip, and fenced",
				"server\tcomparison\tround\tvariant\tvalue");
		report.line("");
		report.line(String.format(Locale.ROOT,
				"Java %s, HikariCP pool of %d, %d rounds per comparison, %d transactions per variant and round.",
				Runtime.version(), threads, rounds, transactions));
		report.line("");
		report.line("| server | comparison | unfenced | one more round trip | fenced | fenced / unfenced (median,"
				+ " min-max, 95% CI) | target " + TARGET + "x | fenced / one more round trip |");
		report.line("|---|---|---|---|---|---|---|---|");
		try (PostgresServer server = PostgresServer.start()) {
			run(server, "fsync=off", report, rounds, transactions, threads, delay);
		}
		try (PostgresServer server = PostgresServer.startDurable()) {
			run(server, "fsync=on", report, rounds, transactions, threads, null);
		}
		report.finish();
	}

	private static void run(PostgresServer server, String name, Report report, int rounds, int transactions,
			int threads, Duration delay) throws Exception {
		prepare(server);
		ClusterLockSettings lockSettings = ClusterLockSettings
			.of("fencing-bench", server.url(), PostgresServer.USER, PostgresServer.PASSWORD)
			.withFencing(new ClusterLockSettings.Fencing(ClusterLockSettings.Fencing.DEFAULT_TABLE, true));
		try (ClusterLock lock = ClusterLock.acquire(lockSettings, new ClusterLock.Listener() {
		}); HikariDataSource pool = pool(server.url(), threads)) {
			String label = "PostgreSQL " + server.queryInt("SHOW server_version_num") / 10000 + ", " + name;
			FencingBenchmark benchmark = new FencingBenchmark(lock.getFencingToken().orElseThrow(), report, label);
			benchmark.warmUp(pool, transactions * 3);
			benchmark.singleThread(pool, rounds, transactions);
			benchmark.threads(pool, rounds, transactions, threads);
			if (delay != null) {
				try (TcpRelay relay = new TcpRelay(server.port())) {
					relay.delay(delay);
					try (HikariDataSource delayed = pool("jdbc:postgresql://127.0.0.1:" + relay.port() + "/postgres",
							1)) {
						benchmark.roundTrips(delayed, Math.max(4, rounds / 4), 25, delay);
					}
				}
			}
		}
	}

	private static void prepare(PostgresServer server) throws Exception {
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			statement.execute("GRANT CREATE ON SCHEMA public TO " + PostgresServer.USER);
			statement.execute("CREATE TABLE account (id INT PRIMARY KEY, balance BIGINT NOT NULL)");
			statement.execute("INSERT INTO account SELECT i, 0 FROM generate_series(1, " + ACCOUNTS + ") i");
			statement.execute("ALTER TABLE account OWNER TO " + PostgresServer.USER);
			statement.execute("VACUUM ANALYZE account");
		}
	}

	private static HikariDataSource pool(String url, int size) {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl(url);
		config.setUsername(PostgresServer.USER);
		config.setPassword(PostgresServer.PASSWORD);
		config.setMaximumPoolSize(size);
		config.setMinimumIdle(size);
		// the transaction's own: no reset of autocommit on each return to the pool
		config.setAutoCommit(false);
		return new HikariDataSource(config);
	}

	/** One transaction: what comes first for the variant, then the update, then the commit. */
	private void transaction(HikariDataSource pool, Variant variant) throws Exception {
		try (Connection connection = pool.getConnection()) {
			if (variant == Variant.FENCED) {
				this.token.check(connection);
			}
			else if (variant == Variant.ROUND_TRIP) {
				try (Statement statement = connection.createStatement()) {
					statement.execute("SELECT 1");
				}
			}
			try (PreparedStatement update = connection.prepareStatement(UPDATE)) {
				update.setInt(1, ThreadLocalRandom.current().nextInt(1, ACCOUNTS + 1));
				update.executeUpdate();
			}
			connection.commit();
		}
	}

	/** The order of the variants in a round: each first, second and third as often. */
	private static List<Variant> order(int round) {
		List<Variant> order = new ArrayList<>(List.of(Variant.values()));
		Collections.rotate(order, round % order.size());
		if (round / order.size() % 2 == 1) {
			Collections.reverse(order);
		}
		return order;
	}

	/** The mean time of one transaction, in microseconds. */
	private double meanMicros(HikariDataSource pool, Variant variant, int transactions) throws Exception {
		long start = System.nanoTime();
		for (int i = 0; i < transactions; i++) {
			transaction(pool, variant);
		}
		return (System.nanoTime() - start) / 1e3 / transactions;
	}

	private void warmUp(HikariDataSource pool, int transactions) throws Exception {
		Report.progress(this.server + ": warming up, " + transactions + " transactions of each");
		for (Variant variant : Variant.values()) {
			meanMicros(pool, variant, transactions);
		}
	}

	private void singleThread(HikariDataSource pool, int rounds, int transactions) throws Exception {
		Results results = new Results("one thread, us per transaction");
		for (int round = 0; round < rounds; round++) {
			Map<Variant, Double> means = new EnumMap<>(Variant.class);
			for (Variant variant : order(round)) {
				means.put(variant, meanMicros(pool, variant, transactions));
			}
			results.add(round, means, false);
		}
		results.row("one thread: time per transaction", "us");
	}

	private void threads(HikariDataSource pool, int rounds, int transactions, int threads) throws Exception {
		Results results = new Results(threads + " threads, transactions per second");
		ExecutorService executor = Executors.newFixedThreadPool(threads);
		try {
			for (int round = 0; round < rounds; round++) {
				Map<Variant, Double> rates = new EnumMap<>(Variant.class);
				for (Variant variant : order(round)) {
					rates.put(variant, throughput(executor, pool, variant, transactions, threads));
				}
				results.add(round, rates, true);
			}
		}
		finally {
			executor.shutdownNow();
		}
		results.row(threads + " threads: throughput", "tx/s");
	}

	private double throughput(ExecutorService executor, HikariDataSource pool, Variant variant, int transactions,
			int threads) throws Exception {
		long start = System.nanoTime();
		List<Future<?>> done = new ArrayList<>();
		for (int i = 0; i < threads; i++) {
			done.add(executor.submit(() -> {
				for (int j = 0; j < transactions; j++) {
					transaction(pool, variant);
				}
				return null;
			}));
		}
		for (Future<?> future : done) {
			future.get();
		}
		return (double) transactions * threads / ((System.nanoTime() - start) / 1e9);
	}

	/** The extra round trips: the difference from unfenced over the round trip the relay adds. */
	private void roundTrips(HikariDataSource delayed, int rounds, int transactions, Duration delay) throws Exception {
		double roundTrip = delay.toNanos() * 2 / 1e3;
		Map<Variant, List<Double>> extra = new EnumMap<>(Variant.class);
		for (Variant variant : Variant.values()) {
			meanMicros(delayed, variant, transactions);
			extra.put(variant, new ArrayList<>());
		}
		for (int round = 0; round < rounds; round++) {
			Map<Variant, Double> means = new EnumMap<>(Variant.class);
			for (Variant variant : order(round)) {
				means.put(variant, meanMicros(delayed, variant, transactions));
			}
			for (Variant variant : Variant.values()) {
				record("round trips, us per transaction with " + delay.toMillis() + " ms each way", round, variant,
						means.get(variant));
				extra.get(variant).add((means.get(variant) - means.get(Variant.UNFENCED)) / roundTrip);
			}
		}
		Summary roundTripExtra = Summary.of(extra.get(Variant.ROUND_TRIP));
		Summary fencedExtra = Summary.of(extra.get(Variant.FENCED));
		this.report.line(String.format(Locale.ROOT,
				"| %s | round trips added to a transaction (each %.0f us longer through a relay) | 0 | %.2f (%.2f-%.2f)"
						+ " | %.2f (%.2f-%.2f) | | one | |",
				this.server, roundTrip, roundTripExtra.median(), roundTripExtra.min(), roundTripExtra.max(),
				fencedExtra.median(), fencedExtra.min(), fencedExtra.max()));
	}

	private void record(String comparison, int round, Variant variant, double value) throws Exception {
		this.report.run(String.format(Locale.ROOT, "%s\t%s\t%d\t%s\t%.1f", this.server, comparison, round,
				variant.name().toLowerCase(Locale.ROOT), value));
	}

	/** The values of one comparison, and the ratios of each round, as costs (greater is slower). */
	private final class Results {

		private final String comparison;

		private final Map<Variant, List<Double>> values = new EnumMap<>(Variant.class);

		private final List<Double> fencedToUnfenced = new ArrayList<>();

		private final List<Double> fencedToRoundTrip = new ArrayList<>();

		Results(String comparison) {
			this.comparison = comparison;
			for (Variant variant : Variant.values()) {
				this.values.put(variant, new ArrayList<>());
			}
		}

		void add(int round, Map<Variant, Double> measured, boolean rates) throws Exception {
			for (Variant variant : Variant.values()) {
				double value = measured.get(variant);
				this.values.get(variant).add(value);
				record(this.comparison, round, variant, value);
			}
			double fenced = measured.get(Variant.FENCED);
			double unfenced = measured.get(Variant.UNFENCED);
			double roundTrip = measured.get(Variant.ROUND_TRIP);
			// a rate is a cost inverted: how much longer the same work takes
			this.fencedToUnfenced.add(rates ? unfenced / fenced : fenced / unfenced);
			this.fencedToRoundTrip.add(rates ? roundTrip / fenced : fenced / roundTrip);
			Report.progress(String.format(Locale.ROOT, "%s, %s #%d: unfenced %.1f, one more round trip %.1f, fenced %.1f",
					FencingBenchmark.this.server, this.comparison, round + 1, unfenced, roundTrip, fenced));
		}

		void row(String comparison, String unit) {
			Summary ratio = Summary.of(this.fencedToUnfenced);
			FencingBenchmark.this.report.line("| " + FencingBenchmark.this.server + " | " + comparison + " | "
					+ Summary.of(this.values.get(Variant.UNFENCED)).amount(unit, 0) + " | "
					+ Summary.of(this.values.get(Variant.ROUND_TRIP)).amount(unit, 0) + " | "
					+ Summary.of(this.values.get(Variant.FENCED)).amount(unit, 0) + " | " + ratio.ratio() + " | "
					+ ratio.verdict(TARGET) + " | " + Summary.of(this.fencedToRoundTrip).ratio() + " |");
		}

	}

}
