package dev.zeph.pidfile;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * What sits at the path, or the directory it sits in, is not safe to use as a pid file: a
 * symbolic link, something other than a regular file, a hard-linked file, a file owned by
 * another user or writable by others, or a directory that others can write to without the
 * sticky bit. Nothing at the path was modified.
 */
public final class UnsafePidFileException extends PidFileException {

	private static final long serialVersionUID = 1L;

	private final String reason;

	UnsafePidFileException(Path path, String operation, String reason, @Nullable String errno) {
		super("Refusing to use " + path + " as a pid file: " + reason + " (" + operation + (errno != null ? ": " + errno : "")
				+ "); it was left unchanged", path, operation, errno, null);
		this.reason = reason;
	}

	/**
	 * Why the path was refused, such as "it is a symbolic link".
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

}
