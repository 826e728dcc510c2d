package dev.zeph.pidfile.sample.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A sample jar running as a real process, on the JDK that runs the tests, its output captured
 * to a file so that it can be read while the process runs.
 */
final class SampleProcess implements AutoCloseable {

	private static final Pattern PORT = Pattern.compile("started on port (\\d+)");

	private final Process process;

	private final Path output;

	private SampleProcess(Process process, Path output) {
		this.process = process;
		this.output = output;
	}

	static SampleProcess start(String jarProperty, Path workDirectory, String... args) throws IOException {
		Path jar = Path.of(System.getProperty(jarProperty));
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("no sample jar at " + jar + ": build it with ./mvnw package first");
		}
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		command.add("-jar");
		command.add(jar.toString());
		command.addAll(List.of(args));
		Path output = Files.createTempFile(workDirectory, "sample-", ".log");
		Process process = new ProcessBuilder(command).directory(workDirectory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		return new SampleProcess(process, output);
	}

	static SampleProcess web(Path workDirectory, String... args) throws IOException {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1"));
		all.addAll(List.of(args));
		return start("sample.web.jar", workDirectory, all.toArray(String[]::new));
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	String output() {
		try {
			return Files.readString(this.output, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Wait until the output contains the text; fail with the output if the process ends first.
	 */
	SampleProcess awaitOutput(String text) throws InterruptedException {
		try {
			await(() -> output().contains(text) || !isAlive(), "'" + text + "' in the output");
		}
		catch (IllegalStateException ex) {
			throw new IllegalStateException(ex.getMessage() + ", which so far is:\n" + output(), ex);
		}
		if (!output().contains(text)) {
			throw new IllegalStateException("process ended (exit " + this.process.exitValue() + ") without printing '"
					+ text + "':\n" + output());
		}
		return this;
	}

	int port() throws InterruptedException {
		awaitOutput("started on port");
		Matcher matcher = PORT.matcher(output());
		if (!matcher.find()) {
			throw new IllegalStateException("no port in:\n" + output());
		}
		return Integer.parseInt(matcher.group(1));
	}

	int awaitExit() throws InterruptedException {
		if (!this.process.waitFor(3, TimeUnit.MINUTES)) {
			throw new IllegalStateException("process did not exit:\n" + output());
		}
		return this.process.exitValue();
	}

	/** SIGTERM, as systemd and {@code kill} send it. */
	int terminate() throws InterruptedException {
		this.process.destroy();
		return awaitExit();
	}

	/** SIGKILL: no shutdown hook runs. */
	void kill() throws InterruptedException {
		this.process.destroyForcibly();
		awaitExit();
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

	/**
	 * Poll until the condition holds: a bounded wait for another process, not a timing
	 * assertion.
	 */
	static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("gave up waiting for " + what);
			}
			Thread.sleep(20);
		}
	}

}
