package dev.zeph.pidfile.benchmarks.sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JDK the benchmarks run the application on, named by its feature version: {@code 17} is
 * {@code JDK17_HOME} (default {@code /usr/lib/jvm/java-17-openjdk-amd64}), {@code 25} is
 * {@code JDK25_HOME} (default {@code /usr/lib/jvm/temurin-25-jdk-amd64}). The driver itself may
 * run on either.
 *
 * @param version the feature version, 17 or 25
 * @param home the JDK's home directory
 */
public record Jdk(int version, Path home) {

	/** The JDK of that feature version, which must be installed. */
	public static Jdk of(String version) {
		String variable = "JDK" + version + "_HOME";
		String fallback = switch (version) {
			case "17" -> "/usr/lib/jvm/java-17-openjdk-amd64";
			case "25" -> "/usr/lib/jvm/temurin-25-jdk-amd64";
			default -> throw new IllegalArgumentException("unknown JDK " + version + " (use 17 or 25)");
		};
		String home = System.getenv(variable);
		Jdk jdk = new Jdk(Integer.parseInt(version), Path.of((home != null) ? home : fallback));
		if (!Files.isExecutable(jdk.java())) {
			throw new IllegalStateException("no JDK " + version + " at " + jdk.home() + " (set " + variable + ")");
		}
		return jdk;
	}

	/** The JDK that runs this JVM. */
	public static Jdk current() {
		return new Jdk(Runtime.version().feature(), Path.of(System.getProperty("java.home")));
	}

	/** The JDKs of a comma-separated list of versions, in its order. */
	public static List<Jdk> list(String versions) {
		List<Jdk> jdks = new ArrayList<>();
		for (String version : versions.split(",")) {
			jdks.add(of(version.trim()));
		}
		return jdks;
	}

	/** The second line of {@code java -version}: the runtime's name and build. */
	public String describe() throws java.io.IOException, InterruptedException {
		Process process = new ProcessBuilder(java().toString(), "-version").redirectErrorStream(true).start();
		String[] lines = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
			.split("\n");
		process.waitFor();
		return (lines.length > 1) ? lines[1].trim() : lines[0].trim();
	}

	public Path java() {
		return this.home.resolve("bin/java");
	}

	public Path javac() {
		return this.home.resolve("bin/javac");
	}

	/**
	 * The options a JVM of this JDK needs to call native code without a warning: on 22+ the
	 * core's {@code java.lang.foreign} backend needs native access.
	 */
	public List<String> nativeAccess() {
		return (this.version >= 22) ? List.of("--enable-native-access=ALL-UNNAMED") : List.of();
	}

}
