package dev.zeph.pidfile.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.regex.Pattern;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * The fencing table in one engine's words: its definition as the engine's script in the jar
 * gives it, how the engine quotes a name, and what a refusal tells the operator to run. Each
 * engine says which {@link Problem} a failure is; the words for it are the same on both.
 */
final class FencingSchema {

	static final FencingSchema POSTGRESQL = new FencingSchema("schema-postgresql.sql",
			Pattern.compile("[a-z_][a-z0-9_$]*"), '"', "role", "schema",
			"name TEXT PRIMARY KEY, token BIGINT, holder TEXT, acquired_at TIMESTAMPTZ");

	static final FencingSchema MYSQL = new FencingSchema("schema-mysql.sql", Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*"),
			'`', "user", "database",
			"name VARCHAR(255) PRIMARY KEY, token BIGINT, holder VARCHAR(255), acquired_at DATETIME(6)");

	private final String resource;

	/** The names the engine takes without quotes, and keeps as written. */
	private final Pattern plain;

	private final char quote;

	/** Who logs in: a role or a user. */
	private final String principal;

	/** What holds a table: a schema or a database. */
	private final String container;

	private final String columns;

	private FencingSchema(String resource, Pattern plain, char quote, String principal, String container,
			String columns) {
		this.resource = resource;
		this.plain = plain;
		this.quote = quote;
		this.principal = principal;
		this.container = container;
		this.columns = columns;
	}

	/**
	 * The script's {@code CREATE TABLE} for the given table, in one line, without its comments.
	 * @param table the table to name in it
	 * @return the statement
	 */
	String createTable(String table) {
		StringJoiner sql = new StringJoiner(" ");
		for (String line : read(this.resource).split("\n")) {
			String code = line.strip();
			if (!code.isEmpty() && !code.startsWith("--")) {
				sql.add(code);
			}
		}
		String statement = sql.toString().replace(" ( ", " (").replace(" )", ")");
		statement = statement.endsWith(";") ? statement.substring(0, statement.length() - 1) : statement;
		return statement.replace(" " + ClusterLockSettings.Fencing.DEFAULT_TABLE + " ", " " + table + " ");
	}

	/**
	 * The table qualified with the given schema or database, so that statements and messages
	 * name it whole, where it is not qualified already.
	 * @param settings the lock's settings, for a refusal
	 * @param database the database, for a refusal
	 * @param table the table as configured
	 * @param container the schema or database an unqualified table is in; {@code null} if none
	 * @param whyNone why there is none, and what to do, for a refusal
	 * @return the qualified table
	 * @throws ClusterLockUnavailableException when the table is unqualified and there is none
	 */
	String qualify(ClusterLockSettings settings, String database, String table, @Nullable String container,
			String whyNone) throws ClusterLockUnavailableException {
		if (table.contains(".")) {
			return table;
		}
		if (container == null) {
			throw new ClusterLockUnavailableException(settings.name(), database, Reason.FENCING,
					"the fencing table " + table + " is in no " + this.container + ": " + whyNone, null);
		}
		return quote(container) + "." + table;
	}

	private String quote(String identifier) {
		String twice = String.valueOf(this.quote).repeat(2);
		return this.plain.matcher(identifier).matches() ? identifier
				: this.quote + identifier.replace(String.valueOf(this.quote), twice) + this.quote;
	}

	/**
	 * What to do about a table that cannot hold the tokens, with the statements to run: copied
	 * into a migration, or run by a role or user that may.
	 * @param problem what is wrong, or {@code null} for a failure this says nothing more of
	 * @param cause the operation that failed and the server's words
	 * @param table the qualified table
	 * @param who the role or user the lock logged in as, quoted as {@code GRANT} takes it
	 * @return the refusal
	 */
	String refusal(@Nullable Problem problem, String cause, String table, String who) {
		if (problem == null) {
			return cause;
		}
		String create = createTable(table) + "; " + grant(table, who);
		return cause + ". " + switch (problem) {
			case NO_TABLE -> "The fencing table " + table + " does not exist: create it (in a migration, or let the"
					+ " lock create it at start-up) with: " + create;
			case NO_CONTAINER -> "The " + this.container + " of the fencing table " + table + " does not exist: create"
					+ " it, then the table, with: " + create;
			case MAY_NOT_CREATE -> capitalized(this.principal) + " " + who + " may not create the fencing table " + table
					+ ": create it as a " + this.principal + " that may, with: " + create;
			case MAY_NOT_WRITE -> capitalized(this.principal) + " " + who + " may not write the fencing table " + table
					+ ": as a " + this.principal + " that may grant it, run " + grant(table, who);
			case NOT_AS_NEEDED -> "The fencing table " + table + " is not as the lock needs it (" + this.columns + "): "
					+ createTable(table);
		};
	}

	private static String grant(String table, String who) {
		return "GRANT SELECT, INSERT, UPDATE ON " + table + " TO " + who + ";";
	}

	private static String capitalized(String word) {
		return Character.toUpperCase(word.charAt(0)) + word.substring(1);
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

	/**
	 * Why a table cannot hold the tokens, as far as the operator can mend it.
	 */
	enum Problem {

		/** The table does not exist. */
		NO_TABLE,

		/** Its schema or database does not exist. */
		NO_CONTAINER,

		/** The lock's role or user may not create it. */
		MAY_NOT_CREATE,

		/** The lock's role or user may not read or write it. */
		MAY_NOT_WRITE,

		/** Its columns are not the lock's. */
		NOT_AS_NEEDED

	}

}
