package dev.zeph.pidfile.testsupport;

import java.io.IOException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A real MariaDB server of its own for a test: Debian's {@code mariadbd}, its data directory
 * made by {@code mariadb-install-db} in a temporary directory, listening on a free port of the
 * loopback address. As root the server runs as the {@code mysql} user, as its packages run it.
 */
public final class MariaDbServer implements LockDatabase {

	/** The database the application's user owns. */
	public static final String DATABASE = "app";

	private static final Path MARIADBD = Path.of("/usr/sbin/mariadbd");

	private static final Path INSTALL_DB = Path.of("/usr/bin/mariadb-install-db");

	private final Path directory;

	private final int port;

	private final List<String> options;

	/** The URL's scheme: {@code mariadb} for MariaDB's driver, {@code mysql} for MySQL's. */
	private final String scheme;

	private MariaDbServer(Path directory, int port, List<String> options, String scheme) {
		this.directory = directory;
		this.port = port;
		this.options = options;
		this.scheme = scheme;
	}

	/**
	 * Start a new server, with a user {@value #USER} that owns the database {@value #DATABASE}
	 * and may do nothing else (no {@code PROCESS}, no {@code CONNECTION ADMIN}), as an
	 * application's. Its URLs are for MariaDB's driver.
	 * @param options more {@code mariadbd} options, such as {@code --wsrep-on=ON} for a server
	 * that says it is a Galera node
	 */
	public static MariaDbServer start(String... options) throws Exception {
		assumeThat(Files.isExecutable(MARIADBD) && Files.isExecutable(INSTALL_DB))
			.as("MariaDB's server at " + MARIADBD + " (apt-get install mariadb-server)")
			.isTrue();
		Path directory = Files.createTempDirectory("zeph-mariadb-");
		if (Commands.isRoot()) {
			Commands.runAs(null, "chown", "mysql:mysql", directory.toString());
		}
		run(INSTALL_DB.toString(), "--no-defaults", "--datadir=" + directory.resolve("data"),
				"--auth-root-authentication-method=normal", "--skip-test-db");
		MariaDbServer server = new MariaDbServer(directory, Commands.freePort(), List.of(options), "mariadb");
		server.startServer();
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			statement.execute("CREATE DATABASE " + DATABASE);
			// 'localhost' as well as '%': a client of 127.0.0.1 is localhost to the server
			for (String host : List.of("'%'", "'localhost'")) {
				statement.execute("CREATE USER " + USER + "@" + host + " IDENTIFIED BY '" + PASSWORD + "'");
				statement.execute("GRANT ALL ON " + DATABASE + ".* TO " + USER + "@" + host);
			}
		}
		return server;
	}

	/**
	 * This server, with URLs for MySQL's driver ({@code jdbc:mysql:}): the same server, which
	 * either closes.
	 */
	public MariaDbServer withMySqlDriver() {
		return new MariaDbServer(this.directory, this.port, this.options, "mysql");
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String url(int port) {
		return "jdbc:" + this.scheme + "://127.0.0.1:" + port + "/" + DATABASE;
	}

	/** The superuser's connection, for what a test does to the server from outside. */
	@Override
	public Connection admin() throws SQLException {
		return DriverManager.getConnection("jdbc:mariadb://127.0.0.1:" + this.port + "/", "root", "");
	}

	/** The one number a query answers, as the superuser sees it. */
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

	/** Run statements as the superuser. */
	public void execute(String... statements) throws SQLException {
		try (Connection admin = admin(); Statement statement = admin.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	/** {@code KILL CONNECTION}, as an administrator or a watchdog would. */
	@Override
	public void terminate(long connectionId) throws SQLException {
		execute("KILL CONNECTION " + connectionId);
	}

	/** A restart: every session is ended, every lock freed. */
	@Override
	public void restart() throws Exception {
		stopServer();
		startServer();
	}

	@Override
	public void close() throws Exception {
		try {
			stopServer();
		}
		finally {
			try (Stream<Path> files = Files.walk(this.directory)) {
				files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	private void startServer() throws Exception {
		List<String> command = new ArrayList<>();
		if (Commands.isRoot()) {
			command.addAll(List.of("runuser", "-u", "mysql", "--"));
		}
		command.addAll(List.of(MARIADBD.toString(), "--no-defaults", "--datadir=" + this.directory.resolve("data"),
				"--socket=" + this.directory.resolve("socket"), "--port=" + this.port, "--bind-address=127.0.0.1",
				"--pid-file=" + this.directory.resolve("mariadbd.pid"),
				"--log-error=" + this.directory.resolve("server.log"), "--skip-log-bin",
				"--innodb-buffer-pool-size=16M", "--innodb-log-file-size=16M", "--innodb-flush-log-at-trx-commit=0",
				"--max-connections=60"));
		command.addAll(this.options);
		new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(this.directory.resolve("mariadbd.out").toFile())
			.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (true) {
			try (Connection admin = admin()) {
				return;
			}
			catch (SQLException ex) {
				if (System.nanoTime() - deadline > 0) {
					throw new IllegalStateException("MariaDB did not start on port " + this.port + ":\n" + log(), ex);
				}
				Thread.sleep(50);
			}
		}
	}

	private void stopServer() throws Exception {
		Path pidFile = this.directory.resolve("mariadbd.pid");
		if (!Files.exists(pidFile)) {
			return;
		}
		long pid = Long.parseLong(Files.readString(pidFile).trim());
		// SIGTERM: a shutdown that ends every session, as a service manager's stop
		ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
			if (System.nanoTime() - deadline > 0) {
				ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
			}
			Thread.sleep(20);
		}
		Files.deleteIfExists(pidFile);
	}

	private String log() {
		try {
			return Files.readString(this.directory.resolve("server.log"));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/** Run a command as the server's user when this is root, and fail with its output unless it succeeds. */
	private static void run(String... command) throws IOException, InterruptedException {
		Commands.runAs("mysql", command);
	}

}
