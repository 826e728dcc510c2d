package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A refusal to use a pid file. Every refusal names the path, the operation that failed and,
 * where the system gave one, the errno, so that the message alone is enough to act on.
 *
 * @see AlreadyRunningException
 * @see UnsafePidFileException
 * @see NotAPidFileException
 * @see UnsupportedPlatformException
 * @see NativeLoadException
 */
public class PidFileException extends IOException {

	private static final long serialVersionUID = 1L;

	private final transient Path path;

	private final String operation;

	private final @Nullable String errno;

	/**
	 * Create a new instance.
	 * @param message the full message
	 * @param path the pid file's path
	 * @param operation the operation that failed, such as {@code open} or {@code lock}
	 * @param errno the symbolic errno, such as {@code EACCES}, or {@code null}
	 * @param cause the cause, or {@code null}
	 */
	public PidFileException(String message, Path path, String operation, @Nullable String errno,
			@Nullable Throwable cause) {
		super(message, cause);
		this.path = path;
		this.operation = operation;
		this.errno = errno;
	}

	PidFileException(Path path, String operation, SystemError error) {
		this("Cannot " + operation + " pid file " + path + ": " + error.describe(), path, operation, error.name(),
				null);
	}

	/**
	 * The pid file's path.
	 * @return the path
	 */
	public Path getPath() {
		return this.path;
	}

	/**
	 * The operation that failed, such as {@code open}, {@code lock} or {@code write}.
	 * @return the operation
	 */
	public String getOperation() {
		return this.operation;
	}

	/**
	 * The symbolic errno the system reported, such as {@code EACCES}, {@code ELOOP} or
	 * {@code EROFS}.
	 * @return the errno, if the system reported one
	 */
	public Optional<String> getErrno() {
		return Optional.ofNullable(this.errno);
	}

}
