package dev.zeph.pidfile;

import java.nio.file.Path;

/**
 * The regular file at the path holds something other than a process id. A mistyped path must
 * never cost a user a file, so its content was left unchanged.
 */
public final class NotAPidFileException extends PidFileException {

	private static final long serialVersionUID = 1L;

	NotAPidFileException(Path path) {
		super("Refusing to use " + path + " as a pid file: it does not look like a pid file (a pid file is empty or "
				+ "holds a process id of up to 10 digits and a newline); it was left unchanged", path, Operation.READ,
				null, null);
	}

}
