package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * What sits at the path, or the directory it sits in, is not safe to use as a pid file: a
 * symbolic link, something other than a regular file, a hard-linked file, a file owned by
 * another user or writable by others, or a directory above it that others can write to
 * without the sticky bit or that another user owns. A file is refused as unsafe only while
 * nobody holds its lock; a held one is {@link AlreadyRunningException another instance}.
 * Nothing at the path was modified.
 */
public final class UnsafePidFileException extends PidFileException {

	private static final long serialVersionUID = 1L;

	/** Why the file is not safe to use. */
	private final String reason;

	private final transient @Nullable Path directory;

	UnsafePidFileException(Path path, Operation operation, String reason, @Nullable Errno errno) {
		this(path, operation, reason, errno, null);
	}

	UnsafePidFileException(Path path, Operation operation, String reason, @Nullable Errno errno,
			@Nullable Path directory) {
		super("Refusing to use " + path + " as a pid file: " + reason + " (" + operation + (errno != null ? ": " + errno : "")
				+ "); it was left unchanged", path, operation, errno, null);
		this.reason = reason;
		this.directory = directory;
	}

	/**
	 * Why the path was refused, such as "it is a symbolic link".
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	/**
	 * The directory refused, when the refusal is about a directory above the file rather than
	 * about what is at the path.
	 * @return the directory, if a directory was refused
	 */
	public Optional<Path> getDirectory() {
		return Optional.ofNullable(this.directory);
	}

}
