package dev.zeph.pidfile.sample.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a program nobody here wrote: {@code flock}, {@code lslocks},
 * {@code start-stop-daemon}, {@code curl}.
 */
record Command(int exitCode, String output) {

	static Command run(String... command) throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (!process.waitFor(1, TimeUnit.MINUTES)) {
			process.destroyForcibly();
			throw new IllegalStateException(List.of(command) + " did not finish");
		}
		return new Command(process.exitValue(), output);
	}

	static boolean available(String command) {
		try {
			return run("sh", "-c", "command -v " + command).exitCode() == 0;
		}
		catch (IOException | InterruptedException ex) {
			return false;
		}
	}

}
