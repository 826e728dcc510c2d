package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;

/**
 * Fencing tokens on MariaDB under what is done to whole processes. The server keeps a binary
 * log of statements, whose order is the order of commits: it tells which write committed
 * before which increment.
 */
class MariaDbFencingProcessTests extends FencingProcessContractTests {

	private static final Pattern WRITE = Pattern
		.compile("INSERT INTO writes \\(token, writer\\) VALUES \\((\\d+), '([^']*)'\\)");

	private static final Pattern RAISE = Pattern.compile("INSERT INTO app\\.zeph_lock_fence \\(name, .*?\\) VALUES \\('([^']*)'");

	@Override
	LockDatabase startServer() throws Exception {
		MariaDbServer server = MariaDbServer.start("--log-bin=binlog", "--binlog-format=STATEMENT", "--server-id=1");
		try (Connection connection = DriverManager.getConnection(server.url(), LockDatabase.USER, LockDatabase.PASSWORD);
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, token BIGINT NOT NULL,"
					+ " writer VARCHAR(64)) ENGINE = InnoDB");
		}
		return server;
	}

	private MariaDbServer mariadb() {
		return (MariaDbServer) server();
	}

	@Override
	List<String> commitsInOrder() throws Exception {
		List<String> commits = new ArrayList<>();
		Map<String, Integer> raises = new HashMap<>();
		try (Connection admin = server().admin(); Statement statement = admin.createStatement()) {
			List<String> logs = new ArrayList<>();
			try (ResultSet result = statement.executeQuery("SHOW BINARY LOGS")) {
				while (result.next()) {
					logs.add(result.getString(1));
				}
			}
			for (String log : logs) {
				try (ResultSet result = statement.executeQuery("SHOW BINLOG EVENTS IN '" + log + "'")) {
					while (result.next()) {
						String info = String.valueOf(result.getString("Info"));
						Matcher write = WRITE.matcher(info);
						Matcher raise = RAISE.matcher(info);
						if (write.find()) {
							commits.add("write " + write.group(2) + " " + write.group(1));
						}
						else if (raise.find()) {
							// tokens start at 1, and each increment adds one
							commits.add("raise " + raise.group(1) + " " + raises.merge(raise.group(1), 1, Integer::sum));
						}
					}
				}
			}
		}
		return commits;
	}

	@Override
	boolean incrementWaits(String lockName) {
		try (Connection admin = server().admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery("SHOW ENGINE INNODB STATUS")) {
			result.next();
			String status = result.getString(3);
			int waiting = status.indexOf("TRX HAS BEEN WAITING");
			return waiting > 0 && status.lastIndexOf("VALUES ('" + lockName + "'", waiting) > 0;
		}
		catch (java.sql.SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	void terminateLockSession(String lockName) throws Exception {
		int holder = mariadb().queryInt("SELECT COALESCE(IS_USED_LOCK('" + MySqlSessionLock.lockName(lockName) + "'), 0)");
		if (holder != 0) {
			server().terminate(holder);
		}
	}

	/** Here the sessions of every waiting instance too: the server does not tell them apart. */
	@Override
	void terminateWriteSessions() throws Exception {
		List<Long> sessions = new ArrayList<>();
		try (Connection admin = server().admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'app'"
						+ " AND ID <> COALESCE(IS_USED_LOCK('" + MySqlSessionLock.lockName("chaos") + "'), 0)")) {
			while (result.next()) {
				sessions.add(result.getLong(1));
			}
		}
		for (long session : sessions) {
			try {
				server().terminate(session);
			}
			catch (java.sql.SQLException ex) {
				// it ended meanwhile
			}
		}
	}

	@Override
	int currentToken(String lockName) {
		return mariadb().queryInt("SELECT token FROM app.zeph_lock_fence WHERE name = '" + lockName + "'");
	}

	@Override
	int holderPid(String lockName) {
		return mariadb().queryInt("SELECT COALESCE((SELECT CAST(SUBSTRING_INDEX(SUBSTRING_INDEX(holder, ' ', 2), ' ', -1)"
				+ " AS UNSIGNED) FROM app.zeph_lock_fence WHERE name = '" + lockName + "'), 0)");
	}

	/** The server closes a session past its {@code wait_timeout} without a word: the driver finds the socket closed. */
	@Override
	String idleTransactionEnded() {
		return "Socket error";
	}

}
