package dev.zeph.pidfile.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;

/**
 * The fencing table's definition as each engine's script in the jar gives it, in one line and
 * for a table of the user's name: what a refusal tells the operator to run.
 */
final class FencingSchema {

	private FencingSchema() {
	}

	/**
	 * The script's {@code CREATE TABLE} for the given table, in one line, without its comments.
	 * @param resource the script, beside this class
	 * @param table the table to name in it
	 * @return the statement
	 */
	static String createTable(String resource, String table) {
		StringJoiner sql = new StringJoiner(" ");
		for (String line : read(resource).split("\n")) {
			String code = line.strip();
			if (!code.isEmpty() && !code.startsWith("--")) {
				sql.add(code);
			}
		}
		String statement = sql.toString().replace(" ( ", " (").replace(" )", ")");
		statement = statement.endsWith(";") ? statement.substring(0, statement.length() - 1) : statement;
		return statement.replace(" " + ClusterLockSettings.Fencing.DEFAULT_TABLE + " ", " " + table + " ");
	}

	private static String read(String resource) {
		try (InputStream in = FencingSchema.class.getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("The jar has no " + resource + " beside " + FencingSchema.class.getName());
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
