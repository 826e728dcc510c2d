package dev.zeph.pidfile.testsupport;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A real database server that a cluster lock can stand on, as the tests that hold for every
 * engine see it: where its application's database is, and the faults an operator can make.
 * Its application's user is {@value #USER}, with password {@value #PASSWORD}, on every engine.
 */
public interface LockDatabase extends AutoCloseable {

	/** The application's user: no superuser, as an application's. */
	String USER = "app";

	/** Its password. */
	String PASSWORD = "app-secret";

	/**
	 * The port the server listens on, on the loopback address.
	 * @return the port
	 */
	int port();

	/**
	 * The JDBC URL of the application's database.
	 * @return the URL
	 */
	default String url() {
		return url(port());
	}

	/**
	 * The JDBC URL of the application's database, reached on another port of the loopback
	 * address: a {@link TcpRelay} in between.
	 * @param port the port
	 * @return the URL
	 */
	String url(int port);

	/**
	 * A superuser's connection, for what a test does to the server from outside.
	 * @return the connection
	 * @throws SQLException if the server refused
	 */
	Connection admin() throws SQLException;

	/**
	 * End a session from outside, as an administrator or a watchdog would.
	 * @param session the server's id of the session (backend PID, connection id)
	 * @throws SQLException if the server refused
	 */
	void terminate(long session) throws SQLException;

	/**
	 * Restart the server: every session is ended, every lock freed.
	 * @throws Exception if it did not come back
	 */
	void restart() throws Exception;

}
