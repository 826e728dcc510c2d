package dev.zeph.pidfile.benchmarks.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A helper process that must succeed for a benchmark to go on (an extraction, a training run,
 * a compilation, a probe): its output goes to a log, and a failure, a non-zero exit or ten
 * minutes without an end stop the driver with the log's name, because a figure measured
 * after a failed step would be about something else.
 */
public final class Command {

	private Command() {
	}

	/** Runs the command to completion, its output in {@code log}, and returns that output. */
	public static String run(List<String> command, Path log) throws IOException, InterruptedException {
		Files.createDirectories(log.toAbsolutePath().getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		if (!process.waitFor(10, TimeUnit.MINUTES)) {
			process.destroyForcibly().waitFor();
			throw new IllegalStateException("no end in ten minutes: see " + log + " (" + command + ")");
		}
		if (process.exitValue() != 0) {
			throw new IllegalStateException("exit " + process.exitValue() + ": see " + log + " (" + command + ")");
		}
		return Files.readString(log);
	}

	/**
	 * Extracts an executable jar with Spring Boot's {@code tools} jar mode
	 * ({@code <destination>/<jar name>} and {@code <destination>/lib/}, replacing what was
	 * there) and returns the extracted jar: the layout that CDS and the AOT cache need.
	 */
	public static Path extract(Jdk jdk, Path jar, Path destination, Path log) throws IOException, InterruptedException {
		run(List.of(jdk.java().toString(), "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination",
				destination.toString(), "--force"), log);
		Path extracted = destination.resolve(jar.getFileName());
		if (!Files.isRegularFile(extracted)) {
			throw new IllegalStateException("the extraction made no " + extracted + ": see " + log);
		}
		return extracted;
	}

}
