package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * This platform has {@code flock(2)}, but the native layer that calls it could not be loaded:
 * typically jffi, on Java 17 to 21, which unpacks its JNI library into a directory and loads
 * it from there, and cannot when that directory is mounted {@code noexec}. Not an unsupported
 * platform: the fix is in how the JVM is run, not where. The message keeps the loader's own
 * words but no stack trace, which stays in the cause.
 */
public final class NativeLoadException extends PidFileException {

	private static final long serialVersionUID = 1L;

	/** The native backend that could not be loaded. */
	private final String backend;

	NativeLoadException(Path path, String backend, Throwable cause) {
		super("Cannot lock pid file " + path + ": " + backend + " could not load its native library: "
				+ summary(cause), path, Operation.LOAD_NATIVE_ACCESS, null, cause);
		this.backend = backend;
	}

	/**
	 * The native backend that could not be loaded.
	 * @return {@code jffi}
	 */
	public String getBackend() {
		return this.backend;
	}

	/**
	 * The lines of the failure's message without the stack traces that jffi folds into it, and
	 * without the exception class names it repeats.
	 */
	private static String summary(Throwable failure) {
		String message = (failure.getMessage() != null) ? failure.getMessage() : failure.toString();
		List<String> lines = new ArrayList<>();
		for (String line : message.split("\\R")) {
			String text = line.strip();
			if (line.isBlank() || Character.isWhitespace(line.charAt(0)) || text.startsWith("Caused by:")
					|| text.startsWith("Suppressed:")) {
				continue;
			}
			String prefix = UnsatisfiedLinkError.class.getName() + ": ";
			while (text.startsWith(prefix)) {
				text = text.substring(prefix.length());
			}
			if (!lines.contains(text)) {
				lines.add(text);
			}
		}
		return String.join(" ", lines);
	}

}
