package dev.zeph.pidfile.benchmarks.startup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.zeph.pidfile.benchmarks.sample.AppRun;
import dev.zeph.pidfile.benchmarks.sample.Command;
import dev.zeph.pidfile.benchmarks.sample.Jdk;

/**
 * One jar extracted and trained the way Spring Boot 4.0's documentation tells users to: on JDK
 * 17 Boot's CDS support ({@code -XX:ArchiveClassesAtExit}, then
 * {@code -XX:SharedArchiveFile}), on JDK 25 the AOT cache ({@code -XX:AOTCacheOutput}, then
 * {@code -XX:AOTCache}, JEP 483/514). The training run stops right after the refresh
 * ({@code -Dspring.context.exit=onRefresh}) with a pid file of its own, because the starter's
 * initializer takes a lock in it too.
 *
 * @param jdk the JDK that made the archive and must run it
 * @param app the extracted jar, to start with {@code -jar}
 * @param archive the CDS archive or AOT cache
 * @param trainingLog the training run's output
 */
record TrainedArchive(Jdk jdk, Path app, Path archive, Path trainingLog) {

	/** What the JVM prints about classes it leaves out of an archive. */
	private static final Pattern LEFT_OUT = Pattern.compile("cannot be archived|not supported by CDS|Skipping");

	/** Extracts the jar into {@code directory} and makes the archive there with one training run. */
	static TrainedArchive train(Jdk jdk, Path jar, Path directory, Path pidFile, Path logs) throws Exception {
		return train(jdk, jar, directory, pidFile, logs, List.of());
	}

	/**
	 * The same, with more arguments for the training run: what it does is what the archive
	 * holds.
	 */
	static TrainedArchive train(Jdk jdk, Path jar, Path directory, Path pidFile, Path logs, List<String> args)
			throws Exception {
		String name = jdk.version() + "-" + directory.getFileName();
		Path app = Command.extract(jdk, jar, directory, logs.resolve("cds-" + name + "-extract.log"));
		boolean cds = jdk.version() < 25;
		Path archive = directory.resolve(cds ? "app.jsa" : "app.aot");
		Files.deleteIfExists(archive);
		Path log = logs.resolve("cds-" + name + "-training.log");
		String output = cds ? "-XX:ArchiveClassesAtExit=" : "-XX:AOTCacheOutput=";
		List<String> command = new ArrayList<>(List.of(jdk.java().toString(), output + archive,
				"-Dspring.context.exit=onRefresh", "-jar", app.toString(), "--server.port=0", "--server.address=127.0.0.1",
				"--zeph.pidfile.path=" + pidFile));
		command.addAll(args);
		Command.run(command, log);
		if (!Files.isRegularFile(archive)) {
			throw new IllegalStateException("the training run made no " + archive + ": see " + log);
		}
		return new TrainedArchive(jdk, app, archive, log);
	}

	/**
	 * The JVM options of a start from the archive. {@code strict} makes a start without it an
	 * error ({@code -Xshare:on}, {@code -XX:AOTMode=on}) where the JVM would otherwise start
	 * silently without it: for a check, not for the measured starts, which run as users'.
	 */
	List<String> jvmArgs(boolean strict) {
		boolean cds = this.jdk.version() < 25;
		String use = (cds ? "-XX:SharedArchiveFile=" : "-XX:AOTCache=") + this.archive;
		return strict ? List.of(cds ? "-Xshare:on" : "-XX:AOTMode=on", use) : List.of(use);
	}

	/** The command after the JVM options of a start from the archive that exits when ready. */
	List<String> toReady(Path pidFile) {
		return AppRun.toReady(this.app, pidFile);
	}

	/** The training log's lines about classes the JVM left out of the archive. */
	long leftOutLines() throws Exception {
		return Files.readAllLines(this.trainingLog).stream().filter((line) -> LEFT_OUT.matcher(line).find()).count();
	}

}
