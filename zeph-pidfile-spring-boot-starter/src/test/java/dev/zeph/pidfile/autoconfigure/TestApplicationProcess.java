package dev.zeph.pidfile.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.autoconfigure.testapp.PidFileTestApplication;

/**
 * {@link PidFileTestApplication} running in a child JVM with this JVM's class path, its
 * output going to a file that the test can read while it runs.
 */
final class TestApplicationProcess implements AutoCloseable {

	private final Process process;

	private final Path output;

	private TestApplicationProcess(Process process, Path output) {
		this.process = process;
		this.output = output;
	}

	static TestApplicationProcess start(Path output, List<String> jvmOptions, String... args) throws IOException {
		return start(output, Path.of("").toAbsolutePath(), System.getProperty("java.class.path"), List.of(),
				jvmOptions, args);
	}

	static TestApplicationProcess start(Path output, Path workDirectory, List<String> jvmOptions, String... args)
			throws IOException {
		return start(output, workDirectory, System.getProperty("java.class.path"), List.of(), jvmOptions, args);
	}

	static TestApplicationProcess start(Path output, String classPath, List<String> jvmOptions, String... args)
			throws IOException {
		return start(output, Path.of("").toAbsolutePath(), classPath, List.of(), jvmOptions, args);
	}

	/**
	 * Start the application through a launcher, such as {@code unshare}, that runs the
	 * command after it.
	 */
	static TestApplicationProcess start(Path output, List<String> launcher, List<String> jvmOptions, String... args)
			throws IOException {
		return start(output, Path.of("").toAbsolutePath(), System.getProperty("java.class.path"), launcher,
				jvmOptions, args);
	}

	static TestApplicationProcess start(Path output, Path workDirectory, String classPath, List<String> launcher,
			List<String> jvmOptions, String... args) throws IOException {
		List<String> command = new ArrayList<>(launcher);
		command.add(ProcessHandle.current().info().command().orElse("java"));
		if (Runtime.version().feature() >= 22) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		String backend = System.getProperty("zeph.pidfile.native");
		if (backend != null) {
			command.add("-Dzeph.pidfile.native=" + backend);
		}
		command.add("-XX:TieredStopAtLevel=1");
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath);
		command.add(PidFileTestApplication.class.getName());
		command.add("--spring.main.banner-mode=off");
		command.addAll(List.of(args));
		Process process = new ProcessBuilder(command).directory(workDirectory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		return new TestApplicationProcess(process, output);
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
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Wait until the application has started; fail with its output if it exits first.
	 */
	TestApplicationProcess awaitStarted() throws InterruptedException {
		// through a launcher, the pid the application prints is not ours to know
		String started = PidFileTestApplication.STARTED;
		Polling.await(() -> output().contains(started) || !isAlive(), "the application to start");
		if (!output().contains(started)) {
			throw new AssertionError("The application exited with " + this.process.exitValue()
					+ " before it started:\n" + output());
		}
		return this;
	}

	/**
	 * Wait until the output contains the text; fail with the output if the application exits
	 * first.
	 */
	TestApplicationProcess awaitOutput(String text) throws InterruptedException {
		Polling.await(() -> output().contains(text) || !isAlive(), "'" + text + "' in the output");
		if (!output().contains(text)) {
			throw new AssertionError("The application exited with " + this.process.exitValue() + " without printing '"
					+ text + "':\n" + output());
		}
		return this;
	}

	int awaitExit() throws InterruptedException {
		if (!this.process.waitFor(Polling.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
			throw new AssertionError("The application did not exit:\n" + output());
		}
		return this.process.exitValue();
	}

	/** SIGTERM: the JVM runs its shutdown hooks, so the application context is closed. */
	void terminate() {
		this.process.destroy();
	}

	/** SIGKILL: nothing of the application runs any more. */
	void kill() {
		this.process.destroyForcibly();
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			this.process.waitFor(Polling.DEADLINE.toSeconds(), TimeUnit.SECONDS);
		}
	}

}
