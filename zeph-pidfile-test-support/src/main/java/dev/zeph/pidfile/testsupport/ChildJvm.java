package dev.zeph.pidfile.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A second JVM on this JVM's launcher, with the native access and the pid-file backend this
 * one was given: a real other process, so that locks are tested between processes and not
 * only between threads.
 */
public final class ChildJvm {

	/** The system property that chooses the pid file's native backend. */
	public static final String BACKEND_PROPERTY = "zeph.pidfile.native";

	private ChildJvm() {
	}

	/**
	 * The command that runs a main class on this JVM's class path.
	 * @param jvmOptions options for the JVM
	 * @param main the main class
	 * @param args its arguments
	 * @return the command
	 */
	public static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
		return command(jvmOptions, System.getProperty("java.class.path"), main, args);
	}

	/**
	 * The command that runs a main class on the given class path.
	 * @param jvmOptions options for the JVM
	 * @param classPath the class path
	 * @param main the main class
	 * @param args its arguments
	 * @return the command
	 */
	public static List<String> command(List<String> jvmOptions, String classPath, Class<?> main, String... args) {
		List<String> command = new ArrayList<>(launcher());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(classPath);
		command.add(main.getName());
		command.addAll(List.of(args));
		return command;
	}

	/**
	 * This JVM's {@code java} with the options every child needs: native access on JDK 22+,
	 * where it would otherwise be warned about, and the backend this JVM was told to use.
	 * @return the start of a command
	 */
	public static List<String> launcher() {
		List<String> command = new ArrayList<>();
		command.add(ProcessHandle.current().info().command().orElse("java"));
		if (Runtime.version().feature() >= 22) {
			command.add("--enable-native-access=ALL-UNNAMED");
		}
		String backend = System.getProperty(BACKEND_PROPERTY);
		if (backend != null) {
			command.add("-D" + BACKEND_PROPERTY + "=" + backend);
		}
		return command;
	}

	/**
	 * Start a main class on this JVM's class path, its output read through the process.
	 * @param main the main class
	 * @param args its arguments
	 * @return the process
	 * @throws IOException if it cannot be started
	 */
	public static Process start(Class<?> main, String... args) throws IOException {
		return new ProcessBuilder(command(List.of(), main, args)).redirectErrorStream(true).start();
	}

	/**
	 * Read the child's output until a line starts with {@code prefix}; fail if it ends first.
	 * @param process the child
	 * @param prefix the start of the line
	 * @return the line
	 * @throws IOException if the output cannot be read
	 */
	public static String awaitLine(Process process, String prefix) throws IOException {
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

}
