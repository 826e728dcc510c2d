package dev.zeph.pidfile;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A second JVM running one of the test mains with this JVM's class path and backend choice:
 * a real other process, so that locks are tested between processes and not only threads.
 */
final class ChildJvm {

	private ChildJvm() {
	}

	static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
		return command(jvmOptions, System.getProperty("java.class.path"), main, args);
	}

	static List<String> command(List<String> jvmOptions, String classPath, Class<?> main, String... args) {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		if (Runtime.version().feature() >= 22) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		String backend = System.getProperty(NativeAccessLoader.BACKEND_PROPERTY);
		if (backend != null) {
			command.add("-D" + NativeAccessLoader.BACKEND_PROPERTY + "=" + backend);
		}
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath);
		command.add(main.getName());
		command.addAll(List.of(args));
		return command;
	}

	static Process start(Class<?> main, String... args) throws IOException {
		return new ProcessBuilder(command(List.of(), main, args)).redirectErrorStream(true).start();
	}

	/**
	 * Read the child's output until a line starts with {@code prefix}; fail if it ends first.
	 */
	static String awaitLine(Process process, String prefix) throws IOException {
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		StringBuilder seen = new StringBuilder();
		for (String line = reader.readLine(); line != null; line = reader.readLine()) {
			if (line.startsWith(prefix)) {
				return line;
			}
			seen.append(line).append('\n');
		}
		throw new IllegalStateException("child ended without printing '" + prefix + "':\n" + seen);
	}

	/**
	 * SIGKILL the process and its descendants: {@code flock(1)}'s command inherits the lock.
	 */
	static void stop(Process process) throws InterruptedException {
		List<ProcessHandle> descendants = process.descendants().toList();
		descendants.forEach(ProcessHandle::destroyForcibly);
		process.destroyForcibly();
		process.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS);
		for (ProcessHandle descendant : descendants) {
			descendant.onExit().orTimeout(30, TimeUnit.SECONDS).join();
		}
	}

}
