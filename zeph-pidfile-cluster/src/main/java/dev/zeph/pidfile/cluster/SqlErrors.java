package dev.zeph.pidfile.cluster;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a driver's failure says, for messages, and what a session that failed comes to.
 */
final class SqlErrors {

	private SqlErrors() {
	}

	/**
	 * The driver's message, its SQLState and what caused it: "The connection attempt failed."
	 * alone does not say whether the server refused, reset or never answered.
	 */
	static String describe(SQLException ex) {
		StringBuilder text = new StringBuilder(String.valueOf(ex.getMessage()));
		if (ex.getSQLState() != null) {
			text.append(" (SQLState ").append(ex.getSQLState()).append(')');
		}
		Throwable cause = ex.getCause();
		for (int depth = 0; cause != null && cause != ex && depth < 4; depth++, cause = cause.getCause()) {
			String message = cause.getMessage();
			if (message != null && !text.toString().contains(message)) {
				text.append("; caused by ").append(cause.getClass().getName()).append(": ").append(message);
			}
		}
		return text.toString();
	}

	/**
	 * The session is lost: an operation on it failed.
	 */
	static SessionLostException lost(String operation, SQLException ex) {
		return new SessionLostException(operation + " failed: " + describe(ex), ex);
	}

	/**
	 * Close a connection whose session is over either way: with its socket.
	 */
	static void closeQuietly(Connection connection) {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// the session ends with the socket either way
		}
	}

}
