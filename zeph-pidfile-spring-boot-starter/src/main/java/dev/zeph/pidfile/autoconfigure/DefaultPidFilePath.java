package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * The pid file used when {@code zeph.pidfile.path} is not set:
 * {@code <java.io.tmpdir>/<name>.pid}.
 * <p>
 * The temporary directory is the one place a non-root user can create a file on a fresh
 * machine, and it is the same for every launch of the same JVM configuration, so a second
 * start from cron, a shell or a service manager finds the first one's lock. A per-session
 * directory such as {@code $XDG_RUNTIME_DIR} would not: it exists only for some launches,
 * and two instances started from different sessions would lock different files.
 * <p>
 * The name is {@code spring.application.name}, else the main class's fully qualified name,
 * so that two unrelated applications that both leave the name unset do not refuse each
 * other; it is found the way {@code SpringApplication} finds its main class, by the stack
 * frame of the {@code main} method that is starting the application. Public for the cluster
 * lock, which takes the same name; not meant for applications.
 */
public final class DefaultPidFilePath {

	private static final String FALLBACK_NAME = "application";

	private static final AtomicInteger testContexts = new AtomicInteger();

	private DefaultPidFilePath() {
	}

	static Path resolve(Environment environment) {
		return Path.of(System.getProperty("java.io.tmpdir"), fileName(environment));
	}

	/**
	 * A path of its own for one test context that enabled the guard,
	 * {@code <java.io.tmpdir>/<name>-test-<pid>-<n>.pid}: unique among the contexts of this
	 * JVM and among test JVMs running at the same time.
	 */
	static Path resolveForTestContext(Environment environment) {
		return Path.of(System.getProperty("java.io.tmpdir"), baseName(environment) + "-test-"
				+ ProcessHandle.current().pid() + "-" + testContexts.incrementAndGet() + ".pid");
	}

	static String fileName(Environment environment) {
		return baseName(environment) + ".pid";
	}

	/**
	 * The application's name as the guards use it by default: {@code spring.application.name},
	 * else the main class's fully qualified name, kept to one plain path segment.
	 */
	static String baseName(Environment environment) {
		return sanitize(applicationName(environment).orElse(FALLBACK_NAME));
	}

	/**
	 * The application's name as it is given: {@code spring.application.name}, else the main
	 * class's fully qualified name, if a main method is starting the application.
	 */
	public static Optional<String> applicationName(Environment environment) {
		String name = environment.getProperty("spring.application.name");
		return StringUtils.hasText(name) ? Optional.of(name) : mainClassName();
	}

	/**
	 * Keep the name one plain path segment: a separator in an application name must not send
	 * the file into another directory, and a leading dot must not hide it.
	 */
	private static String sanitize(String name) {
		String sanitized = name.replaceAll("[^A-Za-z0-9._-]", "-").replaceFirst("^[.-]+", "");
		return sanitized.isEmpty() ? FALLBACK_NAME : sanitized;
	}

	private static Optional<String> mainClassName() {
		return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
			.walk((frames) -> frames.filter((frame) -> "main".equals(frame.getMethodName()))
				.findFirst())
			.map((frame) -> frame.getDeclaringClass().getName());
	}

}
