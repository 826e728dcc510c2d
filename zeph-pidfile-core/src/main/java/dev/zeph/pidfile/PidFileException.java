package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A refusal to use a pid file. Every refusal names the path, the operation that failed and,
 * where the system gave one, the errno, so that the message alone is enough to act on; code
 * decides on {@link #getOperationType()} and {@link #getErrnoType()}, never on the message.
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

	/** What was being done to the file. */
	private final Operation operation;

	/** That operation as the message names it. */
	private final String operationName;

	/** The system call's error, if one failed. */
	private final @Nullable Errno errno;

	/** The name of that error, such as {@code EACCES}. */
	private final @Nullable String errnoName;

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
		this(message, path, Operation.of(operation), operation, errnoOf(errno), errno, cause);
	}

	/**
	 * Create a new instance.
	 * @param message the full message
	 * @param path the pid file's path
	 * @param operation the operation that failed
	 * @param errno the errno the system reported, or {@code null}
	 * @param cause the cause, or {@code null}
	 */
	public PidFileException(String message, Path path, Operation operation, @Nullable Errno errno,
			@Nullable Throwable cause) {
		this(message, path, operation, operation.toString(), errno, (errno != null) ? errno.name() : null, cause);
	}

	PidFileException(Path path, Operation operation, SystemError error) {
		this("Cannot " + operation + " pid file " + path + ": " + error.describe(), path, operation, error);
	}

	PidFileException(String message, Path path, Operation operation, SystemError error) {
		this(message, path, operation, operation.toString(), error.errno(), error.name(), null);
	}

	private PidFileException(String message, Path path, Operation operation, String operationName,
			@Nullable Errno errno, @Nullable String errnoName, @Nullable Throwable cause) {
		super(message, cause);
		this.path = path;
		this.operation = operation;
		this.operationName = operationName;
		this.errno = errno;
		this.errnoName = errnoName;
	}

	private static @Nullable Errno errnoOf(@Nullable String name) {
		for (Errno errno : Errno.values()) {
			if (errno.name().equals(name)) {
				return errno;
			}
		}
		return null;
	}

	/**
	 * The pid file's path.
	 * @return the path
	 */
	public Path getPath() {
		return this.path;
	}

	/**
	 * The operation that failed, such as {@code open}, {@code lock} or {@code write}: the text
	 * of {@link #getOperationType()}.
	 * @return the operation
	 */
	public String getOperation() {
		return this.operationName;
	}

	/**
	 * The operation that failed.
	 * @return the operation
	 */
	public Operation getOperationType() {
		return this.operation;
	}

	/**
	 * The symbolic errno the system reported, such as {@code EACCES}, {@code ELOOP} or
	 * {@code EROFS}: the name of {@link #getErrnoType()}, or {@code errno 134} for a number
	 * this platform has no name for.
	 * @return the errno, if the system reported one
	 */
	public Optional<String> getErrno() {
		return Optional.ofNullable(this.errnoName);
	}

	/**
	 * The errno the system reported.
	 * @return the errno, if the system reported one that this platform names
	 */
	public Optional<Errno> getErrnoType() {
		return Optional.ofNullable(this.errno);
	}

	/**
	 * What was being done to the pid file when it was refused.
	 */
	public enum Operation {

		/** Load the native layer that calls {@code flock(2)}. */
		LOAD_NATIVE_ACCESS("load native access"),

		/** Create a missing directory above the file. */
		CREATE_DIRECTORY("create directory"),

		/** Look at a directory above the file, or at what the path names. */
		STAT("stat"),

		/** Look at what the path names, without following a link. */
		LSTAT("lstat"),

		/** Look at the file that was opened. */
		FSTAT("fstat"),

		/** Create the file. */
		CREATE("create"),

		/** Open the file that is there. */
		OPEN("open"),

		/** Lock the file. */
		LOCK("lock"),

		/** Read the pid in the file. */
		READ("read"),

		/** Write this process's pid into the file. */
		WRITE("write"),

		/** Probe a file this process does not hold. */
		INSPECT("inspect"),

		/** Remove the file on release. */
		REMOVE("remove"),

		/** An operation named by code outside this library. */
		OTHER("other");

		private final String text;

		Operation(String text) {
			this.text = text;
		}

		/**
		 * The operation that a text names, for exceptions made with a text; an unknown text
		 * is {@link #OTHER}, and {@link PidFileException#getOperation()} still returns the text.
		 */
		static Operation of(String text) {
			for (Operation operation : values()) {
				if (operation.text.equals(text)) {
					return operation;
				}
			}
			return OTHER;
		}

		@Override
		public String toString() {
			return this.text;
		}

	}

}
