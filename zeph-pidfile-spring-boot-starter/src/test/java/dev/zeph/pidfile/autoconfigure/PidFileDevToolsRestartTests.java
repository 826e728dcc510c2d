package dev.zeph.pidfile.autoconfigure;

import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import dev.zeph.pidfile.autoconfigure.testapp.PidFileTestApplication;
import dev.zeph.pidfile.testsupport.Flock;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard under Spring Boot DevTools, restarted for real: a class file changes in a
 * directory on the class path, DevTools closes the context and starts a new one in the same
 * JVM, and the new context takes the lock that the old one released.
 */
class PidFileDevToolsRestartTests {

	private static final Pattern STARTED = Pattern.compile(Pattern.quote(PidFileTestApplication.STARTED));

	@TempDir
	Path temp;

	@Test
	void restartShouldReleaseTheLockAndTheNewContextShouldTakeItAgain() throws Exception {
		Path devtools = Path.of(System.getProperty("devtools.jar"));
		assertThat(devtools).as("copied by the build").isRegularFile();
		Path classes = Files.createDirectories(this.temp.resolve("classes"));
		Path pidFile = this.temp.resolve("app.pid");
		String classPath = classes + File.pathSeparator + System.getProperty("java.class.path") + File.pathSeparator
				+ devtools;
		try (LoggedProcess app = TestApplicationProcess.start(this.temp.resolve("app.log"), classPath,
				List.of(), "--zeph.pidfile.path=" + pidFile, "--spring.devtools.livereload.enabled=false")) {
			app.awaitOutput(PidFileTestApplication.STARTED);
			assertThat(app.output()).as("DevTools runs the application in its restart thread")
				.contains("restartedMain");
			assertThat(pidFile).hasContent(app.pid() + "\n");
			assertThat(Flock.isFree(pidFile)).isFalse();

			changeClassFile(classes, PidFileTestApplication.class);
			Polling.await(() -> count(STARTED, app.output()) == 2 || !app.isAlive(), "DevTools to restart");

			String output = app.output();
			assertThat(count(STARTED, output)).as(output).isEqualTo(2);
			assertThat(count(Pattern.compile("Released pid file " + Pattern.quote(pidFile.toString())), output))
				.isEqualTo(1);
			assertThat(count(Pattern.compile("Locked pid file " + Pattern.quote(pidFile.toString())), output))
				.isEqualTo(2);
			assertThat(output).doesNotContain("APPLICATION FAILED TO START").doesNotContain("stale");
			assertThat(output.lines()).noneMatch((line) -> line.contains(" WARN ") && line.contains("pid file"));
			assertThat(pidFile).hasContent(app.pid() + "\n");
			assertThat(Flock.isFree(pidFile)).isFalse();
		}
	}

	/**
	 * Write a class file into a class-path directory that DevTools watches, as an IDE does
	 * when it recompiles: the same bytes, so the restarted application is unchanged.
	 */
	private static void changeClassFile(Path classes, Class<?> type) throws Exception {
		String name = type.getName().replace('.', '/') + ".class";
		Path target = classes.resolve(name);
		Files.createDirectories(target.getParent());
		try (InputStream in = type.getClassLoader().getResourceAsStream(name)) {
			assertThat(in).isNotNull();
			Files.write(target, in.readAllBytes());
		}
	}

	private static int count(Pattern pattern, String text) {
		return (int) pattern.matcher(text).results().count();
	}

}
