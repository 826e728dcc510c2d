package dev.zeph.pidfile.sample.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeph.pidfile.testsupport.LoggedProcess;

/**
 * A sample jar started as a real process, on the JDK that runs the tests, in the given
 * directory.
 */
final class SampleProcess {

	private static final Pattern PORT = Pattern.compile("started on port (\\d+)");

	private SampleProcess() {
	}

	static LoggedProcess start(String jarProperty, Path workDirectory, String... args) throws IOException {
		return start(List.of(), jar(jarProperty), workDirectory, args);
	}

	/**
	 * A jar started with JVM options of its own: an extracted sample, from its archive.
	 */
	static LoggedProcess start(List<String> jvmOptions, Path jar, Path workDirectory, String... args)
			throws IOException {
		List<String> command = new ArrayList<>();
		command.add(java());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(jar.toString());
		command.addAll(List.of(args));
		return LoggedProcess.start(command, workDirectory, Files.createTempFile(workDirectory, "sample-", ".log"));
	}

	/** The sample jar the build names in a system property. */
	static Path jar(String jarProperty) {
		Path jar = Path.of(System.getProperty(jarProperty));
		if (!Files.isRegularFile(jar)) {
			throw new IllegalStateException("no sample jar at " + jar + ": build it with ./mvnw package first");
		}
		return jar;
	}

	/** The JDK that runs the tests, which runs the samples too. */
	static String java() {
		return ProcessHandle.current().info().command().orElse("java");
	}

	static LoggedProcess web(Path workDirectory, String... args) throws IOException {
		List<String> all = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1"));
		all.addAll(List.of(args));
		return start("sample.web.jar", workDirectory, all.toArray(String[]::new));
	}

	/**
	 * The port the web sample says it listens on, once it has said so.
	 */
	static int port(LoggedProcess web) throws InterruptedException {
		web.awaitOutput("started on port");
		Matcher matcher = PORT.matcher(web.output());
		if (!matcher.find()) {
			throw new IllegalStateException("no port in:\n" + web.output());
		}
		return Integer.parseInt(matcher.group(1));
	}

}
