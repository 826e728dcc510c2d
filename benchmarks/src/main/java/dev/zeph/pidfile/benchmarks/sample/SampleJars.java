package dev.zeph.pidfile.benchmarks.sample;

import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.ZipFile;

/**
 * The web sample's two executable jars: with the starter ({@code zeph-pidfile-sample-web.jar})
 * and the baseline without it ({@code zeph-pidfile-sample-web-baseline.jar}, built with
 * {@code -Dsample.baseline}). Checked before anything is measured, because a baseline that
 * carried the starter would make every comparison say the starter costs nothing.
 *
 * @param starter the jar with the starter
 * @param baseline the same application without it
 */
public record SampleJars(Path starter, Path baseline) {

	/** The jars in a directory (usually {@code samples/web/target}), checked. */
	public static SampleJars in(Path directory) throws IOException {
		SampleJars jars = new SampleJars(directory.resolve("zeph-pidfile-sample-web.jar"),
				directory.resolve("zeph-pidfile-sample-web-baseline.jar"));
		if (!hasEntry(jars.starter(), "BOOT-INF/lib/zeph-pidfile-spring-boot-starter")) {
			throw new IllegalStateException(jars.starter() + " lacks the starter");
		}
		if (hasEntry(jars.baseline(), "BOOT-INF/lib/zeph") || hasEntry(jars.baseline(), "BOOT-INF/lib/jnr")
				|| hasEntry(jars.baseline(), "BOOT-INF/lib/jffi")) {
			throw new IllegalStateException(jars.baseline() + " contains the starter or its native libraries");
		}
		return jars;
	}

	private static boolean hasEntry(Path jar, String prefix) throws IOException {
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			return zip.stream().anyMatch((entry) -> entry.getName().startsWith(prefix));
		}
	}

}
