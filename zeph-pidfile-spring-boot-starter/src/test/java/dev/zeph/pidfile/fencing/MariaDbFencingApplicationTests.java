package dev.zeph.pidfile.fencing;

import java.sql.SQLException;

import javax.sql.DataSource;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fenced writes on MariaDB, whose servers bound a session's idle time rather than a
 * transaction's: the check bounds it, and the connection goes back to its pool with the bound
 * it had. One connection serves each application's transactions in turn, as a pool of one
 * would, so that what one transaction leaves on it the next one sees.
 */
class MariaDbFencingApplicationTests extends FencingApplicationContractTests {

	@Override
	LockDatabase startServer() throws Exception {
		return MariaDbServer.start();
	}

	@Override
	String container() {
		return MariaDbServer.DATABASE;
	}

	@Override
	String principal() {
		return "User 'app'@'localhost'";
	}

	@Override
	String grantee() {
		return "'app'@'localhost'";
	}

	@Override
	DataSource dataSource() {
		SingleConnectionDataSource dataSource = new SingleConnectionDataSource(this.server.url(), LockDatabase.USER,
				LockDatabase.PASSWORD, true);
		dataSource.setAutoCommit(true);
		return dataSource;
	}

	@Override
	String createTableTheLockMayNotWrite() throws SQLException {
		// a user sees a table in the catalog only where it has some right on it: here, to read it
		admin("CREATE DATABASE locked");
		admin("CREATE TABLE locked.fence (name VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"
				+ " PRIMARY KEY, token BIGINT NOT NULL, holder VARCHAR(255) NOT NULL, acquired_at DATETIME(6) NOT NULL)"
				+ " ENGINE = InnoDB");
		admin("GRANT SELECT ON locked.fence TO " + grantee());
		return "locked.fence";
	}

	@Override
	String createLedger() {
		return "CREATE TABLE ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY, token BIGINT NOT NULL, what VARCHAR(64))"
				+ " ENGINE = InnoDB";
	}

	@Test
	void fencedWriteShouldCommitUnderTheTokenAndGiveTheConnectionBackWithItsIdleBound() throws Exception {
		ConfigurableApplicationContext context = runActive("idle-bound");
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		long before = jdbc.queryForObject("SELECT @@session.wait_timeout", Long.class);
		long token = token("idle-bound");
		context.getBean(Ledger.class).record("told-idle");
		assertThat(queryLong("SELECT token FROM app.ledger WHERE what = 'told-idle'")).isEqualTo(token);
		assertThat(context.getBean(Ledger.class).recordThenAsk("bounded", "SELECT @@session.wait_timeout"))
			.as("the server timeout, in the transaction").isEqualTo(6);
		assertThat(jdbc.queryForObject("SELECT @@session.wait_timeout", Long.class)).as("the same connection, after")
			.isEqualTo(before);
	}

}
