package dev.zeph.pidfile.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real process whose output goes to a file, so that a test can read it while the process
 * runs and still has all of it when the process is gone.
 */
public final class LoggedProcess implements AutoCloseable {

	private final Process process;

	private final Path output;

	private LoggedProcess(Process process, Path output) {
		this.process = process;
		this.output = output;
	}

	/**
	 * Start a command, its standard error merged into its output.
	 * @param command the command
	 * @param workDirectory its working directory
	 * @param output the file its output goes to
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	public static LoggedProcess start(List<String> command, Path workDirectory, Path output) throws IOException {
		Process process = new ProcessBuilder(command).directory(workDirectory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		return new LoggedProcess(process, output);
	}

	public long pid() {
		return this.process.pid();
	}

	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * All the process has written so far.
	 * @return the output
	 */
	public String output() {
		try {
			return Files.readString(this.output, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Wait until the output contains the text; fail with the output if the process ends first.
	 * @param text the text
	 * @return this process
	 * @throws InterruptedException if interrupted while waiting
	 */
	public LoggedProcess awaitOutput(String text) throws InterruptedException {
		Polling.await(() -> output().contains(text) || !isAlive(), "'" + text + "' in the output of " + pid());
		if (!output().contains(text)) {
			throw new AssertionError("Process " + pid() + " exited with " + this.process.exitValue()
					+ " without printing '" + text + "':\n" + output());
		}
		return this;
	}

	/**
	 * Wait for the process to end.
	 * @return its exit code
	 * @throws InterruptedException if interrupted while waiting
	 */
	public int awaitExit() throws InterruptedException {
		if (!this.process.waitFor(Polling.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
			throw new AssertionError("Process " + pid() + " did not exit:\n" + output());
		}
		return this.process.exitValue();
	}

	/**
	 * SIGTERM, as systemd and {@code kill} send it, and wait for the end: the JVM runs its
	 * shutdown hooks.
	 * @return the exit code
	 * @throws InterruptedException if interrupted while waiting
	 */
	public int terminate() throws InterruptedException {
		this.process.destroy();
		return awaitExit();
	}

	/**
	 * SIGKILL, and wait for the end: nothing of the process runs any more.
	 * @throws InterruptedException if interrupted while waiting
	 */
	public void kill() throws InterruptedException {
		this.process.destroyForcibly();
		awaitExit();
	}

	@Override
	public void close() throws InterruptedException {
		if (this.process.isAlive()) {
			kill();
		}
	}

}
