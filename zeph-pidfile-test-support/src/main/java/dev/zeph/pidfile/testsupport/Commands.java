package dev.zeph.pidfile.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the programs nobody here wrote that the guards must get along with: {@code flock},
 * {@code lslocks}, {@code start-stop-daemon}, {@code mount}, {@code curl}.
 */
public final class Commands {

	private Commands() {
	}

	/**
	 * Run a command to its end, its standard error merged into its output.
	 * @param command the command and its arguments
	 * @return its exit code and output
	 * @throws IOException if it cannot be started
	 * @throws InterruptedException if interrupted while waiting
	 */
	public static Result run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(Polling.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException(List.of(command) + " did not finish");
		}
		return new Result(process.exitValue(), output);
	}

	/**
	 * Whether the shell finds the command.
	 * @param command the command's name
	 * @return whether it is installed
	 */
	public static boolean available(String command) {
		try {
			return run("sh", "-c", "command -v " + command).exitCode() == 0;
		}
		catch (IOException | InterruptedException ex) {
			return false;
		}
	}

	/**
	 * SIGKILL a process and its descendants, and wait for all of them: a command such as
	 * {@code flock(1)} passes its open file description, and so its lock, to its child.
	 * @param process the process
	 */
	public static void killTree(Process process) {
		List<ProcessHandle> descendants = process.descendants().toList();
		descendants.forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		process.onExit().orTimeout(Polling.DEADLINE.toSeconds(), TimeUnit.SECONDS).join();
		descendants.forEach((descendant) -> descendant.onExit()
			.orTimeout(Polling.DEADLINE.toSeconds(), TimeUnit.SECONDS)
			.join());
	}

	/**
	 * A command's exit code and output.
	 *
	 * @param exitCode the exit code
	 * @param output standard output and error, merged
	 */
	public record Result(int exitCode, String output) {
	}

}
