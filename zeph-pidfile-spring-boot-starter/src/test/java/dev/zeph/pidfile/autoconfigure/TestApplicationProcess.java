package dev.zeph.pidfile.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.zeph.pidfile.autoconfigure.testapp.PidFileTestApplication;
import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.LoggedProcess;

/**
 * {@link PidFileTestApplication} started in a child JVM with this JVM's class path, its
 * output going to a file that the test can read while it runs.
 */
public final class TestApplicationProcess {

	private TestApplicationProcess() {
	}

	public static LoggedProcess start(Path output, List<String> jvmOptions, String... args) throws IOException {
		return start(output, Path.of("").toAbsolutePath(), System.getProperty("java.class.path"), List.of(),
				jvmOptions, args);
	}

	public static LoggedProcess start(Path output, Path workDirectory, List<String> jvmOptions, String... args)
			throws IOException {
		return start(output, workDirectory, System.getProperty("java.class.path"), List.of(), jvmOptions, args);
	}

	public static LoggedProcess start(Path output, String classPath, List<String> jvmOptions, String... args)
			throws IOException {
		return start(output, Path.of("").toAbsolutePath(), classPath, List.of(), jvmOptions, args);
	}

	/**
	 * Start the application through a launcher, such as {@code unshare}, that runs the
	 * command after it.
	 */
	public static LoggedProcess start(Path output, List<String> launcher, List<String> jvmOptions, String... args)
			throws IOException {
		return start(output, Path.of("").toAbsolutePath(), System.getProperty("java.class.path"), launcher,
				jvmOptions, args);
	}

	public static LoggedProcess start(Path output, Path workDirectory, String classPath, List<String> launcher,
			List<String> jvmOptions, String... args) throws IOException {
		List<String> options = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
		options.addAll(jvmOptions);
		List<String> command = new ArrayList<>(launcher);
		command.addAll(ChildJvm.command(options, classPath, PidFileTestApplication.class,
				"--spring.main.banner-mode=off"));
		command.addAll(List.of(args));
		return LoggedProcess.start(command, workDirectory, output);
	}

}
