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
import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.TcpRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fencing tokens with holders in JVMs of their own, for what is done to a whole process: many
 * tenures, a server restart, a writer frozen at each point of its transaction, and a fleet
 * under faults whose every write records its token. Run once per engine by a subclass, which
 * says how its server shows what a test looks for: the order in which transactions committed,
 * a statement that waits for a row lock, the sessions to end.
 */
abstract class FencingProcessContractTests {

	@TempDir
	Path directory;

	private LockDatabase server;

	private WitnessFile witness;

	private final List<Process> children = new ArrayList<>();

	private final List<TcpRelay> relays = new ArrayList<>();

	/**
	 * Start a server whose application user may create tables, and create the table
	 * {@code writes (id, token BIGINT, writer)} in its database.
	 * @return the server
	 */
	abstract LockDatabase startServer() throws Exception;

	/**
	 * The transactions that wrote a row of {@code writes} or raised a token, in the order the
	 * server committed them: {@code write <writer> <token>} and {@code raise <lock name> <token>}.
	 */
	abstract List<String> commitsInOrder() throws Exception;

	/** Whether a token's increment waits for a row lock now. */
	abstract boolean incrementWaits(String lockName);

	/** End the session that holds the named lock, as an administrator would. */
	abstract void terminateLockSession(String lockName) throws Exception;

	/** End every session of the application user that holds no lock: the writers' own. */
	abstract void terminateWriteSessions() throws Exception;

	/** The number the counter's row holds for the lock, its current token. */
	abstract int currentToken(String lockName) throws Exception;

	/** The pid in the holder named by the counter's row, or 0. */
	abstract int holderPid(String lockName) throws Exception;

	/** What the driver tells a writer whose idle transaction the server ended. */
	abstract String idleTransactionEnded();

	@BeforeEach
	void startServerAndWitness() throws Exception {
		this.server = startServer();
		this.witness = new WitnessFile(this.directory.resolve("witness"));
	}

	LockDatabase server() {
		return this.server;
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
		return DriverManager.getConnection(this.server.url(), LockDatabase.USER, LockDatabase.PASSWORD);
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
		for (int i = 0; i < jvms.size(); i++) {
			Process jvm = jvms.get(i);
			assertThat(jvm.waitFor(2, TimeUnit.MINUTES)).as("a JVM ends: %s", this.witness).isTrue();
			assertThat(jvm.exitValue()).as("the exit status of jvm%d: %s%s", i + 1, log("jvm" + (i + 1)), this.witness)
				.isZero();
		}
		List<Long> tokens = tokensInWitnessOrder();
		assertThat(tokens).hasSize(100);
		for (int i = 1; i < tokens.size(); i++) {
			assertThat(tokens.get(i)).as("token %d of %s", i, tokens).isGreaterThan(tokens.get(i - 1));
		}
		List<String> lines = this.witness.lines();
		assertThat(lines.subList(lines.indexOf("restarted"), lines.size())).as("tenures after the restart")
			.anyMatch((line) -> line.startsWith("token "));
		assertThat(currentToken("tenures")).isEqualTo(tokens.get(tokens.size() - 1).intValue());
	}

	/** The lock of a frozen writer, taken over here: its grace passed, its token raised. */
	private ClusterLock takeOver(String name) throws Exception {
		ClusterLock lock = ClusterLock.await(
				ClusterLockSettings.of(name, this.server.url(), LockDatabase.USER, LockDatabase.PASSWORD)
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

	private int rowsOf(String writer) throws Exception {
		try (Connection connection = connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("SELECT count(*) FROM writes WHERE writer = '" + writer + "'")) {
			result.next();
			return result.getInt(1);
		}
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
					&& line.contains(idleTransactionEnded()));
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
		terminateLockSession("frozen-before-commit");
		CompletableFuture<ClusterLock> next = CompletableFuture.supplyAsync(() -> {
			try {
				return takeOver("frozen-before-commit");
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
		});
		Polling.await(() -> next.isDone() || incrementWaits("frozen-before-commit"), "the increment to wait");
		assertThat(next).isNotDone();
		signal(writer, "CONT");
		assertThat(writer.waitFor(1, TimeUnit.MINUTES)).isTrue();
		assertThat(writer.exitValue()).as("%s", this.witness).isZero();
		try (ClusterLock lock = next.join()) {
			writeAs(lock, "next");
		}
		List<String> commits = commitsInOrder();
		int frozen = commits.indexOf("write frozen-before-commit 1");
		int raised = commits.indexOf("raise frozen-before-commit 2");
		int after = commits.indexOf("write next 2");
		assertThat(frozen).as("%s", commits).isNotNegative().isLessThan(raised);
		assertThat(raised).as("%s", commits).isLessThan(after);
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
					terminateLockSession("chaos");
					Thread.sleep(millis);
					signal(active, "CONT");
				}
				case 5 -> {
					faults.add("lock session terminated");
					terminateLockSession("chaos");
				}
				default -> {
					faults.add("write sessions terminated");
					terminateWriteSessions();
				}
			}
		}
		for (Process replica : replicas.keySet()) {
			replica.destroyForcibly().waitFor();
		}
		// per token in commit order: how many writes, and the first and last write's place
		Map<Long, long[]> byToken = new java.util.TreeMap<>();
		List<String> commits = commitsInOrder();
		for (int i = 0; i < commits.size(); i++) {
			String[] commit = commits.get(i).split(" ");
			if (commit[0].equals("write")) {
				long[] span = byToken.computeIfAbsent(Long.parseLong(commit[2]),
						(token) -> new long[] { token, 0, Long.MAX_VALUE, -1 });
				span[1]++;
				span[2] = Math.min(span[2], i);
				span[3] = Math.max(span[3], i);
			}
		}
		List<long[]> spans = new ArrayList<>(byToken.values());
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
		return start(FencedWriterMain.class, this.server.url(relay.port()), this.witness.path().toString(), who);
	}

	/** The replica whose pid the counter's row names, if it still runs. */
	private Process activeReplica(Map<Process, TcpRelay> replicas) {
		int pid;
		try {
			pid = holderPid("chaos");
		}
		catch (Exception ex) {
			return null;
		}
		return replicas.keySet().stream().filter((replica) -> replica.pid() == pid).findFirst().orElse(null);
	}

}
