package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Path;

/**
 * {@code zeph.pidfile.path} and Spring Boot's own {@code spring.pid.file} name the same file.
 * Boot's {@code ApplicationPidFileWriter} writes that file without a lock and deletes it at
 * exit, after this lock was released: the two would fight over one file, and the writer could
 * delete a file that the next instance has just locked.
 */
public final class PidFilePathConflictException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final transient Path path;

	private final String springPidFile;

	PidFilePathConflictException(Path path, String springPidFile) {
		super("zeph.pidfile.path and spring.pid.file (" + springPidFile + ") both name the pid file " + path);
		this.path = path;
		this.springPidFile = springPidFile;
	}

	/**
	 * The pid file both properties name.
	 * @return the path
	 */
	public Path getPath() {
		return this.path;
	}

	/**
	 * The value of {@code spring.pid.file}, as it was set.
	 * @return the value
	 */
	public String getSpringPidFile() {
		return this.springPidFile;
	}

}
