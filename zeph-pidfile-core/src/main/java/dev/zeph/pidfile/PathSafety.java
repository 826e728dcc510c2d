package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

/**
 * The checks that keep a pid file from becoming a weapon or a casualty: a planted symbolic
 * link, a hard link to someone else's file, a device, a file another user controls, or a
 * directory where others can swap the file underneath us. FreeBSD's pidfile(3), Python's
 * filelock (CVE-2025-68146) and Nagios (CVE-2016-9566) learned each of these the hard way.
 */
final class PathSafety {

	private static final int DIRECTORY_MODE = 0755;

	private final NativeAccess nativeAccess;

	private final Path path;

	private final int euid;

	PathSafety(NativeAccess nativeAccess, Path path) {
		this.nativeAccess = nativeAccess;
		this.path = path;
		this.euid = nativeAccess.geteuid();
	}

	/**
	 * Create missing parent directories (0755, less the umask) and refuse a parent that others
	 * may write to without the sticky bit: there, anyone could replace the pid file.
	 */
	void prepareParent() throws PidFileException {
		Path parent = this.path.getParent();
		if (parent == null) {
			return;
		}
		FileStatus status = stat(parent);
		if (status == null) {
			createDirectories(parent);
			status = stat(parent);
			if (status == null) {
				throw new PidFileException("Cannot create directory " + parent + " for pid file " + this.path
						+ ": it vanished right after it was created", this.path, "create directory", "ENOENT", null);
			}
		}
		if (!status.isDirectory()) {
			throw new PidFileException("Cannot use pid file " + this.path + ": its parent " + parent + " is "
					+ status.typeName() + ", not a directory (ENOTDIR)", this.path, "stat", "ENOTDIR", null);
		}
		if (status.isWritableByOthers() && !status.isSticky()) {
			throw new UnsafePidFileException(this.path, "stat",
					"its directory " + parent + " is writable by others and not sticky (mode "
							+ Integer.toOctalString(status.mode() & 07777) + "), so anyone could replace the file",
					null);
		}
	}

	/**
	 * Refuse anything but a regular file with one link, owned by us and not writable by others.
	 * Called on {@code lstat} before opening, and again on {@code fstat} of what was opened.
	 */
	void checkFile(FileStatus status, String operation) throws UnsafePidFileException {
		if (status.isSymbolicLink()) {
			throw symbolicLink(operation, "ELOOP");
		}
		if (!status.isRegularFile()) {
			throw new UnsafePidFileException(this.path, operation, "it is " + status.typeName(), null);
		}
		if (status.links() > 1) {
			throw new UnsafePidFileException(this.path, operation,
					"it has " + status.links() + " hard links, so it is also another file", null);
		}
		if (status.uid() != this.euid) {
			throw new UnsafePidFileException(this.path, operation,
					"it is owned by uid " + status.uid() + ", not by this process's effective uid " + this.euid, null);
		}
		if (status.isWritableByOthers()) {
			throw new UnsafePidFileException(this.path, operation,
					"it is writable by others (mode " + Integer.toOctalString(status.mode() & 07777)
							+ "), so anyone could point its pid at another process",
					null);
		}
	}

	UnsafePidFileException symbolicLink(String operation, @Nullable String errno) {
		return new UnsafePidFileException(this.path, operation, "it is a symbolic link", errno);
	}

	private @Nullable FileStatus stat(Path directory) throws PidFileException {
		try {
			return this.nativeAccess.stat(directory.toString());
		}
		catch (ErrnoException ex) {
			throw new PidFileException("Cannot stat directory " + directory + " of pid file " + this.path + ": "
					+ ex.error().describe(), this.path, "stat", ex.error().name(), null);
		}
	}

	private void createDirectories(Path directory) throws PidFileException {
		Deque<Path> missing = new ArrayDeque<>();
		for (Path candidate = directory; candidate != null && stat(candidate) == null; candidate = candidate
			.getParent()) {
			missing.push(candidate);
		}
		for (Path each : missing) {
			try {
				this.nativeAccess.mkdir(each.toString(), DIRECTORY_MODE);
			}
			catch (ErrnoException ex) {
				if (!ex.is("EEXIST")) {
					throw new PidFileException("Cannot create directory " + each + " for pid file " + this.path + ": "
							+ ex.error().describe(), this.path, "create directory", ex.error().name(), null);
				}
			}
		}
	}

}
