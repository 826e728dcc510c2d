package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * Fencing tokens on PostgreSQL under what is done to whole processes; the server's commit
 * timestamps tell the order of commits.
 */
class PostgresFencingProcessTests extends FencingProcessContractTests {

	@Override
	LockDatabase startServer() throws Exception {
		PostgresServer server = PostgresServer.start();
		// PostgreSQL 15 and later let only the owner create in public, as a production database would
		execute(server, "GRANT CREATE ON SCHEMA public TO " + LockDatabase.USER);
		try (Connection connection = java.sql.DriverManager.getConnection(server.url(), LockDatabase.USER,
				LockDatabase.PASSWORD); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE writes (id BIGSERIAL PRIMARY KEY, token BIGINT NOT NULL, writer TEXT)");
		}
		return server;
	}

	private PostgresServer postgres() {
		return (PostgresServer) server();
	}

	private static void execute(LockDatabase server, String sql) throws Exception {
		try (Connection admin = server.admin(); Statement statement = admin.createStatement()) {
			statement.execute(sql);
		}
	}

	@Override
	List<String> commitsInOrder() throws Exception {
		List<String> commits = new ArrayList<>();
		try (Connection admin = server().admin(); Statement statement = admin.createStatement();
				ResultSet result = statement.executeQuery("SELECT what FROM ("
						+ " SELECT 'write ' || writer || ' ' || token AS what, pg_xact_commit_timestamp(xmin) AS at FROM writes"
						+ " UNION ALL SELECT 'raise ' || name || ' ' || token, pg_xact_commit_timestamp(xmin) FROM zeph_lock_fence"
						+ ") c ORDER BY at")) {
			while (result.next()) {
				commits.add(result.getString(1));
			}
		}
		return commits;
	}

	@Override
	boolean incrementWaits(String lockName) {
		return postgres().queryInt("SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'zeph:"
				+ lockName + "%' AND wait_event_type = 'Lock'") > 0;
	}

	@Override
	void terminateLockSession(String lockName) throws Exception {
		execute(server(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE 'zeph:"
				+ lockName + "%'");
	}

	@Override
	void terminateWriteSessions() throws Exception {
		execute(server(), "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
				+ " WHERE application_name = 'PostgreSQL JDBC Driver' AND usename = 'app'");
	}

	@Override
	int currentToken(String lockName) {
		return postgres().queryInt("SELECT token FROM zeph_lock_fence WHERE name = '" + lockName + "'");
	}

	@Override
	int holderPid(String lockName) {
		return postgres().queryInt("SELECT coalesce((SELECT split_part(holder, ' ', 2)::int FROM zeph_lock_fence"
				+ " WHERE name = '" + lockName + "'), 0)");
	}

	@Override
	String idleTransactionEnded() {
		return "idle-in-transaction timeout";
	}

}
