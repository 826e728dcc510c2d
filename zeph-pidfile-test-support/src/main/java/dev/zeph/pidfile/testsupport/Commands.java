package dev.zeph.pidfile.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

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
	 * Run a command to its end and fail, naming it and with its output, unless it succeeds: as
	 * the given user when this JVM runs as root, since a database server refuses to run as
	 * root, and as this JVM's user otherwise.
	 * @param user the user to run it as when this is root, or {@code null} to run it as root
	 * @param command the command and its arguments
	 * @throws IOException if it cannot be started
	 * @throws InterruptedException if interrupted while waiting
	 */
	public static void runAs(@Nullable String user, String... command) throws IOException, InterruptedException {
		List<String> all = new ArrayList<>();
		if (user != null && isRoot()) {
			all.addAll(List.of("runuser", "-u", user, "--"));
		}
		all.addAll(List.of(command));
		Process process = new ProcessBuilder(all).redirectErrorStream(true).start();
		byte[] output = process.getInputStream().readAllBytes();
		if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
			throw new IllegalStateException(String.join(" ", all) + " failed:\n"
					+ new String(output, StandardCharsets.UTF_8));
		}
	}

	/**
	 * Whether this JVM runs as root.
	 * @return whether it does
	 */
	public static boolean isRoot() {
		return "root".equals(System.getProperty("user.name"));
	}

	/**
	 * A TCP port that nothing listens on now.
	 * @return the port
	 * @throws IOException if no socket can be opened
	 */
	public static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
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
