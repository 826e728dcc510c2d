package dev.zeph.pidfile.benchmarks.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The classes a JVM loaded, from its {@code -Xlog:class+load=info:file=...} log. Hidden and
 * generated classes are folded to one name per kind (lambda forms, lambdas, proxies), because
 * their numbered names differ from run to run and would make two runs of the same code look
 * different.
 *
 * @param names the loaded classes' names, folded, sorted, without repeats
 * @param fromSharedArchive the log lines of classes loaded from the JDK's CDS archive
 */
record ClassLoadLog(SortedSet<String> names, long fromSharedArchive) {

	/** Reads a log written by {@code -Xlog:class+load=info:file=<log>}. */
	static ClassLoadLog read(Path log) throws IOException {
		SortedSet<String> names = new TreeSet<>();
		long shared = 0;
		for (String line : Files.readAllLines(log)) {
			if (!line.contains("][class,load]")) {
				continue;
			}
			String[] fields = line.split(" ");
			for (int k = 1; k < fields.length; k++) {
				if (fields[k].equals("source:")) {
					names.add(fold(fields[k - 1]));
					break;
				}
			}
			if (line.contains("shared objects file")) {
				shared++;
			}
		}
		return new ClassLoadLog(names, shared);
	}

	private static String fold(String name) {
		return name.replaceAll("/0x[0-9a-f]+$", "")
			.replaceAll("\\$\\$Lambda\\S*", "\\$\\$Lambda")
			.replaceAll("\\$Proxy[0-9]+", "\\$Proxy");
	}

	/** The classes loaded here and not in the other run. */
	SortedSet<String> without(ClassLoadLog other) {
		SortedSet<String> extra = new TreeSet<>(this.names);
		extra.removeAll(other.names);
		return extra;
	}

	/**
	 * The packages of the given classes, cut to their first three segments, with their counts,
	 * the largest first and at most {@code limit}: {@code "    42  org.springframework.boot"}.
	 */
	static List<String> byPackage(SortedSet<String> classes, int limit) {
		Map<String, Long> counts = new TreeMap<>(classes.stream().collect(Collectors.groupingBy((name) -> {
			String[] parts = name.split("\\.");
			StringBuilder pkg = new StringBuilder(parts[0]);
			for (int k = 1; k < parts.length - 1 && k < 3; k++) {
				pkg.append('.').append(parts[k]);
			}
			return pkg.toString();
		}, Collectors.counting())));
		return counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Long>comparingByValue().reversed())
			.limit(limit)
			.map((entry) -> String.format(java.util.Locale.ROOT, "%6d  %s", entry.getValue(), entry.getKey()))
			.toList();
	}

}
