package dev.zeph.pidfile.benchmarks.sample;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A driver's {@code key=value} arguments, each with a default in the driver, so that a run
 * says on its command line everything that differs from the documented defaults. An unknown
 * key stops the driver rather than being ignored.
 */
public final class Settings {

	private final Map<String, String> values = new HashMap<>();

	private Settings(String[] args, Set<String> known) {
		for (String arg : args) {
			int equals = arg.indexOf('=');
			if (equals < 1 || !known.contains(arg.substring(0, equals))) {
				throw new IllegalArgumentException("unknown argument '" + arg + "'; known: " + known);
			}
			this.values.put(arg.substring(0, equals), arg.substring(equals + 1));
		}
	}

	public static Settings parse(String[] args, String... known) {
		return new Settings(args, Set.of(known));
	}

	public int integer(String key, int fallback) {
		String value = this.values.get(key);
		return (value != null) ? Integer.parseInt(value) : fallback;
	}

	public String string(String key, String fallback) {
		return this.values.getOrDefault(key, fallback);
	}

	/**
	 * The path made absolute against the working directory: a relative pid-file path would
	 * make the starter log a warning in every start, which the baseline does not pay for.
	 */
	public Path path(String key, String fallback) {
		return Path.of(string(key, fallback)).toAbsolutePath();
	}

}
