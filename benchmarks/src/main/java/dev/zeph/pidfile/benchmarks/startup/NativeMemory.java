package dev.zeph.pidfile.benchmarks.startup;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The native memory a JVM had committed at exit, by category, from the summary that
 * {@code -XX:NativeMemoryTracking=summary -XX:+UnlockDiagnosticVMOptions -XX:+PrintNMTStatistics}
 * prints to standard output. JDK 17 gives the amounts in KB, JDK 25 in bytes; both are
 * returned in KiB. Only a category's first line counts, because later lines of the same name
 * are its sub-totals.
 */
final class NativeMemory {

	/** The categories that grow with loaded code; the heap, GC, arena and compiler swing with timing. */
	static final String[] CODE_CATEGORIES = { "Class", "Metaspace", "Shared class space", "Code", "Symbol", "Thread",
			"Internal", "Other" };

	private static final Pattern CATEGORY = Pattern.compile(
			"^-\\s+([A-Za-z][^(]*?)\\s+\\(reserved=\\d+(?:KB)?, committed=(\\d+)(KB)?", Pattern.MULTILINE);

	private NativeMemory() {
	}

	/** Committed KiB by category name, in the order printed. */
	static Map<String, Double> committedKib(String output) {
		Map<String, Double> committed = new LinkedHashMap<>();
		Matcher matcher = CATEGORY.matcher(output);
		while (matcher.find()) {
			double amount = Double.parseDouble(matcher.group(2));
			committed.putIfAbsent(matcher.group(1), (matcher.group(3) != null) ? amount : amount / 1024);
		}
		return committed;
	}

}
