package dev.zeph.pidfile.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.cluster.ClusterLockSettings.Fencing;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;
import dev.zeph.pidfile.testsupport.TcpRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fencing tokens with holders in JVMs of their own, for what is done to a whole process: many
 * tenures, a server restart, a writer frozen at each point of its transaction, and a fleet
 * under faults whose every write records its token.
 */
class ClusterLockFencingProcessTests {

	@TempDir
	Path directory;

	private PostgresServer server;

	private WitnessFile witness;

	private final List<Process> children = new ArrayList<>();

	private final List<TcpRelay> relays = new ArrayList<>();

	@BeforeEach
	void startServer() throws Exception {
		this.server = PostgresServer.start();
		this.witness = new WitnessFile(this.directory.resolve("witness"));
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement()) {
			statement.execute("GRANT CREATE ON SCHEMA public TO " + PostgresServer.USER);
		}
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE writes (id BIGSERIAL PRIMARY KEY, token BIGINT NOT NULL, writer TEXT)");
		}
	}

	@AfterEach
	void stop() throws Exception {
		for (Process child : this.children) {
			child.destroyForcibly().waitFor();
		}
		for (TcpRelay relay : this.relays) {
			relay.close();
		}
		this.server.close();
	}

	private Connection connect() throws Exception {
		return DriverManager.getConnection(this.server.url(), PostgresServer.USER, PostgresServer.PASSWORD);
	}

	private Process start(Class<?> main, String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-cp", System.getProperty("java.class.path"), main.getName()));
		command.addAll(List.of(args));
		String who = (args.length > 2) ? args[2] : main.getSimpleName();
		Process child = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve(who + ".log").toFile())
			.start();
		this.children.add(child);
		return child;
	}

	private String log(String who) throws Exception {
		Path file = this.directory.resolve(who + ".log");
		return Files.exists(file) ? Files.readString(file) : "";
	}

	private void signal(Process child, String signal) throws Exception {
		new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).start().waitFor();
	}

	private List<Long> tokensInWitnessOrder() {
		List<Long> tokens = new ArrayList<>();
		for (String line : this.witness.lines()) {
			if (line.startsWith("token ")) {
				tokens.add(Long.parseLong(line.split(" ")[1]));
			}
		}
		return tokens;
	}

	/**
	 * Four JVMs take the lock 25 times each, and the server restarts among them: in the order
	 * the tenures held the lock, each token is greater than the one before.
	 */
	@Test
	void tokensShouldStrictlyIncreaseAcrossHundredTenuresOfSeveralJvmsAndAServerRestart() throws Exception {
		List<Process> jvms = new ArrayList<>();
		for (int i = 1; i <= 4; i++) {
			jvms.add(start(AcquireFencedMain.class, this.server.url(), this.witness.path().toString(), "jvm" + i, "25"));
		}
		Polling.await(() -> tokensInWitnessOrder().size() >= 40, "40 tenures");
		this.witness.append("restart");
		this.server.restart();
		this.witness.append("restarted");
		for (Process jvm : jvms) {
			assertThat(jvm.waitFor(2, TimeUnit.MINUTES)).as("a JVM ends: %s", this.witness).isTrue();
			assertThat(jvm.exitValue()).as("its exit status: %s", this.witness).isZero();
		}
		List<Long> tokens = tokensInWitnessOrder();
		assertThat(tokens).hasSize(100);
		for (int i = 1; i < tokens.size(); i++) {
			assertThat(tokens.get(i)).as("token %d of %s", i, tokens).isGreaterThan(tokens.get(i - 1));
		}
		List<String> lines = this.witness.lines();
		assertThat(lines.subList(lines.indexOf("restarted"), lines.size())).as("tenures after the restart")
			.anyMatch((line) -> line.startsWith("token "));
		assertThat(this.server.queryInt("SELECT token FROM zeph_lock_fence WHERE name = 'tenures'"))
			.isEqualTo(tokens.get(tokens.size() - 1).intValue());
	}

	/** The lock of a frozen writer, taken over here: its grace passed, its token raised. */
	private ClusterLock takeOver(String name) throws Exception {
		ClusterLock lock = ClusterLock.await(
				ClusterLockSettings.of(name, this.server.url(), PostgresServer.USER, PostgresServer.PASSWORD)
					.withFencing(new Fencing(Fencing.DEFAULT_TABLE, true)),
				Duration.ZERO, this.witness.listener("next"));
		Polling.await(lock::isActive, "the new holder to become active");
		return lock;
	}

	private void writeAs(ClusterLock lock, String writer) throws Exception {
		try (Connection connection = connect()) {
			connection.setAutoCommit(false);
			FencingToken token = lock.getFencingToken().orElseThrow();
			token.check(connection);
			try (PreparedStatement insert = connection.prepareStatement("INSERT INTO writes (token, writer) VALUES (?, ?)")) {
				insert.setLong(1, token.getValue());
				insert.setString(2, writer);
				insert.executeUpdate();
			}
			connection.commit();
		}
	}

	private int rowsOf(String writer) {
		return this.server.queryInt("SELECT count(*) FROM writes WHERE writer = '" + writer + "'");
	}

	/**
	 * Frozen with its transaction begun but before its check: its lease runs out, the lock is
	 * taken over with a new token, and once it resumes its check fails: nothing is written.
	 */
	@Test
	void writerFrozenBeforeItsCheckShouldBeRefusedOnceAnotherTookTheLock() throws Exception {
		Process writer = start(PausedFencedWriterMain.class, this.server.url(), this.witness.path().toString(),
				"frozen-before-check", "before-check", "4");
		Polling.await(() -> this.witness.saw("paused frozen-before-check"), "the writer to freeze");
		try (ClusterLock next = takeOver("frozen-before-check")) {
			long token = next.getFencingToken().orElseThrow().getValue();
			signal(writer, "CONT");
			assertThat(writer.waitFor(1, TimeUnit.MINUTES)).isTrue();
			assertThat(writer.exitValue()).as("%s", this.witness).isEqualTo(PausedFencedWriterMain.REFUSED);
			assertThat(this.witness.lines()).anyMatch((line) -> line.startsWith("refused frozen-before-check Fencing token "
					+ (token - 1)) && line.contains("is no longer current: token " + token + " is"));
			writeAs(next, "next");
		}
		assertThat(rowsOf("frozen-before-check")).isZero();
		assertThat(rowsOf("next")).isOne();
	}

	/**
	 * Frozen after its check, before its write: the row it locked holds the new holder's
	 * increment off until the server ends the idle transaction, within the lock's server
	 * timeout; once it resumes, its write fails: nothing is written.
	 */
	@Test
	void writerFrozenAfterItsCheckShouldHaveItsTransactionEndedAndWriteNothing() throws Exception {
		Process writer = start(PausedFencedWriterMain.class, this.server.url(), this.witness.path().toString(),
				"frozen-after-check", "after-check", "4");
		Polling.await(() -> this.witness.saw("paused frozen-after-check"), "the writer to freeze");
		try (ClusterLock next = takeOver("frozen-after-check")) {
			signal(writer, "CONT");
			assertThat(writer.waitFor(1, TimeUnit.MINUTES)).isTrue();
			assertThat(writer.exitValue()).as("%s", this.witness).isEqualTo(PausedFencedWriterMain.REFUSED);
			assertThat(this.witness.lines()).anyMatch((line) -> line.startsWith("refused frozen-after-check")
					&& line.contains("idle-in-transaction timeout"));
			writeAs(next, "next");
		}
		assertThat(rowsOf("frozen-after-check")).isZero();
	}

	/**
	 * Frozen after its write, before its commit, its lock session terminated: the new holder
	 * locks at once but its increment waits for the frozen transaction; resumed, that commits,
	 * and its row precedes the new token and every row of it.
	 */
	@Test
	void writerFrozenBeforeItsCommitShouldHoldOffTheNewTokenUntilItCommits() throws Exception {
		Process writer = start(PausedFencedWriterMain.class, this.server.url(), this.witness.path().toString(),
				"frozen-before-commit", "before-commit", "30");
		Polling.await(() -> this.witness.saw("paused frozen-before-commit"), "the writer to freeze");
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement()) {
			statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
					+ " WHERE application_name LIKE 'zeph:frozen-before-commit%'");
		}
		CompletableFuture<ClusterLock> next = CompletableFuture.supplyAsync(() -> {
			try {
				return takeOver("frozen-before-commit");
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		Polling.await(() -> this.server.queryInt("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE"
				+ " 'zeph:frozen-before-commit%' AND wait_event_type = 'Lock'") > 0, "the increment to wait");
		assertThat(next).isNotDone();
		signal(writer, "CONT");
		assertThat(writer.waitFor(1, TimeUnit.MINUTES)).isTrue();
		assertThat(writer.exitValue()).as("%s", this.witness).isZero();
		try (ClusterLock lock = next.join()) {
			writeAs(lock, "next");
		}
		assertThat(this.server.queryInt("SELECT count(*) FROM writes o, writes n, zeph_lock_fence f"
				+ " WHERE o.writer = 'frozen-before-commit' AND n.writer = 'next' AND f.name = 'frozen-before-commit'"
				+ " AND n.token = o.token + 1 AND f.token = n.token"
				+ " AND pg_xact_commit_timestamp(o.xmin) < pg_xact_commit_timestamp(f.xmin)"
				+ " AND pg_xact_commit_timestamp(f.xmin) < pg_xact_commit_timestamp(n.xmin)"))
			.as("the frozen row, then the increment, then the new holder's row").isOne();
	}

	/**
	 * Three replicas write while the one active is killed, frozen, cut off from the network,
	 * has its sessions terminated, or is frozen while its lock session is terminated (the fault
	 * that the takeover grace alone does not cover): by the server's commit times, every write
	 * of a token commits before the first write of any later token.
	 */
	@Test
	void writesUnderFaultsShouldNeverCommitATokenAfterTheFirstWriteOfALaterOne() throws Exception {
		Map<Process, TcpRelay> replicas = new HashMap<>();
		int started = 0;
		for (; started < 3; started++) {
			replicas.put(startReplica("replica" + started), this.relays.get(this.relays.size() - 1));
		}
		long seed = System.nanoTime();
		Random random = new Random(seed);
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
		List<String> faults = new ArrayList<>();
		while (System.nanoTime() - end < 0) {
			Thread.sleep(1500 + random.nextInt(1500));
			Process active = activeReplica(replicas);
			if (active == null) {
				continue;
			}
			switch (random.nextInt(7)) {
				case 0 -> {
					faults.add("kill -9");
					active.destroyForcibly().waitFor();
					replicas.remove(active);
					replicas.put(startReplica("replica" + started++), this.relays.get(this.relays.size() - 1));
				}
				case 1 -> {
					long millis = 1000 + random.nextInt(5000);
					faults.add("SIGSTOP " + millis + " ms");
					signal(active, "STOP");
					Thread.sleep(millis);
					signal(active, "CONT");
				}
				case 2 -> {
					long millis = 1000 + random.nextInt(4000);
					faults.add("silent network " + millis + " ms");
					TcpRelay relay = replicas.get(active);
					relay.silence();
					Thread.sleep(millis);
					relay.heal();
				}
				case 3, 4 -> {
					// a VM paused while its lock session is ended (by an operator, a proxy): the next
					// holder locks at once, and the frozen transaction resumes after its grace
					long millis = 1500 + random.nextInt(1000);
					faults.add("SIGSTOP " + millis + " ms, lock session terminated");
					signal(active, "STOP");
					terminate("application_name LIKE 'zeph:chaos%'");
					Thread.sleep(millis);
					signal(active, "CONT");
				}
				case 5 -> {
					faults.add("lock session terminated");
					terminate("application_name LIKE 'zeph:chaos%'");
				}
				default -> {
					faults.add("write sessions terminated");
					terminate("application_name = 'PostgreSQL JDBC Driver' AND usename = 'app'");
				}
			}
		}
		for (Process replica : replicas.keySet()) {
			replica.destroyForcibly().waitFor();
		}
		List<long[]> spans = new ArrayList<>();
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery("SELECT token, count(*),"
						+ " (extract(epoch FROM min(pg_xact_commit_timestamp(xmin))) * 1000000)::bigint,"
						+ " (extract(epoch FROM max(pg_xact_commit_timestamp(xmin))) * 1000000)::bigint"
						+ " FROM writes GROUP BY token ORDER BY token")) {
			while (result.next()) {
				spans.add(new long[] { result.getLong(1), result.getLong(2), result.getLong(3), result.getLong(4) });
			}
		}
		String report = "seed " + seed + ", faults " + faults + ", writes per token "
				+ spans.stream().map((span) -> span[0] + ":" + span[1]).toList() + ", fenced "
				+ this.witness.lines().stream().filter((line) -> line.startsWith("fenced")).toList();
		System.out.println("chaos: " + report);
		assertThat(spans).as(report).hasSizeGreaterThanOrEqualTo(3);
		for (int i = 0; i < spans.size(); i++) {
			for (int j = i + 1; j < spans.size(); j++) {
				assertThat(spans.get(i)[3]).as("last commit of token %d before the first of token %d: %s",
						spans.get(i)[0], spans.get(j)[0], report).isLessThan(spans.get(j)[2]);
			}
		}
	}

	private Process startReplica(String who) throws Exception {
		TcpRelay relay = new TcpRelay(this.server.port());
		this.relays.add(relay);
		return start(FencedWriterMain.class, "jdbc:postgresql://127.0.0.1:" + relay.port() + "/postgres",
				this.witness.path().toString(), who);
	}

	/** The replica whose pid the counter's row names, if it still runs. */
	private Process activeReplica(Map<Process, TcpRelay> replicas) {
		int pid;
		try {
			pid = this.server.queryInt("SELECT coalesce((SELECT split_part(holder, ' ', 2)::int FROM zeph_lock_fence"
					+ " WHERE name = 'chaos'), 0)");
		}
		catch (IllegalStateException ex) {
			return null;
		}
		return replicas.keySet().stream().filter((replica) -> replica.pid() == pid).findFirst().orElse(null);
	}

	private void terminate(String sessions) throws Exception {
		try (Connection admin = this.server.admin(); Statement statement = admin.createStatement()) {
			statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + sessions);
		}
	}

}
