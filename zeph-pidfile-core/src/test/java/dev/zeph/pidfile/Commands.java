package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Runs the real peers the pid file must get along with: {@code flock(1)}, {@code mkfifo},
 * {@code mknod}, {@code mount}.
 */
final class Commands {

	private Commands() {
	}

	static Result run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(List.of(command) + " did not finish");
		}
		return new Result(process.exitValue(), output);
	}

	static boolean available(String command) {
		try {
			return run("sh", "-c", "command -v " + command).exitCode() == 0;
		}
		catch (IOException | InterruptedException ex) {
			return false;
		}
	}

	/**
	 * Poll until the condition holds; a bounded wait for another process to get somewhere, not
	 * a timing assertion.
	 */
	static void await(BooleanSupplier condition, String what) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("gave up waiting: " + what);
			}
			Thread.sleep(10);
		}
	}

	record Result(int exitCode, String output) {
	}

}
