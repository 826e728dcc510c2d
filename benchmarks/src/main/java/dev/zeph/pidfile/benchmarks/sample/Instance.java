package dev.zeph.pidfile.benchmarks.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A web sample left running for the benchmarks to work against: the holder of a pid file a
 * refused start meets, or the server of health requests. Closing it stops the process (SIGTERM,
 * then SIGKILL after 30 s), so that no instance outlives the driver's step.
 */
public final class Instance implements AutoCloseable {

	private static final Pattern PORT = Pattern.compile("started on port (\\d+)");

	private final Process process;

	private final Path log;

	private final int port;

	private Instance(Process process, Path log, int port) {
		this.process = process;
		this.log = log;
		this.port = port;
	}

	/**
	 * Starts {@code java <jvmArgs> -jar <jar> --server.port=0 --server.address=127.0.0.1 <appArgs>}
	 * and waits up to three minutes for Boot's {@code Started ...} line.
	 */
	public static Instance start(Jdk jdk, List<String> jvmArgs, Path jar, List<String> appArgs, Path log)
			throws IOException, InterruptedException {
		List<String> command = new ArrayList<>();
		command.add(jdk.java().toString());
		command.addAll(jvmArgs);
		command.addAll(List.of("-jar", jar.toString(), "--server.port=0", "--server.address=127.0.0.1"));
		command.addAll(appArgs);
		Files.createDirectories(log.toAbsolutePath().getParent());
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
		while (true) {
			String output = Files.readString(log);
			if (output.contains("Started SampleWebApplication")) {
				Matcher port = PORT.matcher(output);
				if (!port.find()) {
					process.destroyForcibly().waitFor();
					throw new IllegalStateException("no port in " + log);
				}
				return new Instance(process, log, Integer.parseInt(port.group(1)));
			}
			if (!process.isAlive() || System.nanoTime() > deadline) {
				process.destroyForcibly().waitFor();
				throw new IllegalStateException("the instance did not start: see " + log);
			}
			Thread.sleep(100);
		}
	}

	public long pid() {
		return this.process.pid();
	}

	public int port() {
		return this.port;
	}

	public Path log() {
		return this.log;
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly().waitFor();
		}
	}

}
