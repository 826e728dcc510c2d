package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.zeph.pidfile.PidFileException.Operation;
import org.jspecify.annotations.Nullable;

/**
 * The checks that keep a pid file from becoming a weapon or a casualty: a planted symbolic
 * link, a hard link to someone else's file, a device, a file another user controls, or a
 * directory where others can swap the file underneath us. FreeBSD's pidfile(3), Python's
 * filelock (CVE-2025-68146) and Nagios (CVE-2016-9566) learned each of these the hard way.
 */
final class PathSafety {

	private static final int DIRECTORY_MODE = 0755;

	/** {@code geteuid()} not asked yet: no uid is {@code (uid_t) -1}. */
	private static final int UNKNOWN_UID = -1;

	/** This process's effective uid, once asked: see {@link #euid(NativeAccess)}. */
	private static volatile int effectiveUid = UNKNOWN_UID;

	/** The last directory chain that passed {@link #prepareParent()}: see there. */
	private static volatile @Nullable CheckedChain lastChecked;

	private final NativeAccess nativeAccess;

	private final Path path;

	private final int euid;

	/** The directories this acquire created, outermost first. */
	private final List<Path> created = new ArrayList<>(0);

	PathSafety(NativeAccess nativeAccess, Path path) {
		this.nativeAccess = nativeAccess;
		this.path = path;
		this.euid = euid(nativeAccess);
	}

	/**
	 * This process's effective uid, asked of the kernel once: nothing in Java changes it, and
	 * a library that drops root with {@code setuid(2)} afterwards only makes the checks
	 * stricter, since uid 0 is trusted either way.
	 */
	static int euid(NativeAccess nativeAccess) {
		int euid = effectiveUid;
		if (euid == UNKNOWN_UID) {
			euid = nativeAccess.geteuid();
			effectiveUid = euid;
		}
		return euid;
	}

	/**
	 * Check the directories above the file from the root down, as systemd does for
	 * {@code PIDFile=}, then create the missing ones (0755, less the umask). Each directory
	 * must keep others from replacing what is inside it: not writable by others unless
	 * sticky, and, below a directory of root or of our own user, owned by root or by our own
	 * user, since another user could swap anything in a directory of theirs.
	 * <p>
	 * A chain that passed is remembered, and the next acquire in the same directory checks
	 * again only what someone other than root and this user could have changed since: every
	 * directory below the first one that others may write to (group or others: a sticky
	 * {@code /tmp}, say; or from the first one another user owns), and always the parent.
	 * Every directory above is root's or ours and writable by its owner alone, so only root or
	 * this very user could replace, move or chmod it.
	 */
	void prepareParent() throws PidFileException {
		Path parent = this.path.getParent();
		if (parent == null) {
			return;
		}
		CheckedChain checked = lastChecked;
		if (checked != null && checked.parent().equals(parent) && recheck(checked)) {
			return;
		}
		Deque<Path> chain = new ArrayDeque<>();
		for (Path directory = parent; directory != null; directory = directory.getParent()) {
			chain.push(directory);
		}
		List<Path> directories = new ArrayList<>(chain.size());
		List<FileStatus> statuses = new ArrayList<>(chain.size());
		int from = -1;
		for (Path directory : chain) {
			FileStatus status = stat(directory);
			if (status == null) {
				createDirectories(parent);
				checkIsDirectory(parent, stat(parent));
				return;
			}
			checkIsDirectory(directory, status);
			checkDirectory(directory, status, statuses.isEmpty() ? null : statuses.get(statuses.size() - 1));
			if (from < 0 && !isTrusted(status.uid())) {
				from = directories.size();
			}
			else if (from < 0 && status.isWritableByGroupOrOthers()) {
				from = directories.size() + 1;
			}
			directories.add(directory);
			statuses.add(status);
		}
		int parentIndex = directories.size() - 1;
		from = (from < 0) ? parentIndex : Math.min(from, parentIndex);
		lastChecked = new CheckedChain(parent, List.copyOf(directories.subList(from, directories.size())),
				(from > 0) ? statuses.get(from - 1) : null);
	}

	/**
	 * Check again the directories of a chain that others could have changed since it passed.
	 * @return {@code false} if one of them is gone: the whole chain is checked and created
	 * again
	 */
	private boolean recheck(CheckedChain checked) throws PidFileException {
		FileStatus above = checked.above();
		for (Path directory : checked.recheck()) {
			FileStatus status = stat(directory);
			if (status == null) {
				return false;
			}
			checkIsDirectory(directory, status);
			checkDirectory(directory, status, above);
			above = status;
		}
		return true;
	}

	private void checkIsDirectory(Path directory, @Nullable FileStatus status) throws PidFileException {
		if (status == null) {
			throw new PidFileException("Cannot create directory " + directory + " for pid file " + this.path
					+ ": it vanished right after it was created", this.path, Operation.CREATE_DIRECTORY, Errno.ENOENT,
					null);
		}
		if (!status.isDirectory()) {
			throw new PidFileException("Cannot use pid file " + this.path + ": " + directory + " is "
					+ status.typeName() + ", not a directory (ENOTDIR)", this.path, Operation.STAT, Errno.ENOTDIR, null);
		}
	}

	private void checkDirectory(Path directory, FileStatus status, @Nullable FileStatus above)
			throws UnsafePidFileException {
		if (status.isWritableByOthers() && !status.isSticky()) {
			throw new UnsafePidFileException(this.path, Operation.STAT, "its directory " + describe(directory, status)
					+ " is writable by others and not sticky, so anyone could replace the file", null, directory);
		}
		if (above != null && isTrusted(above.uid()) && !isTrusted(status.uid())) {
			throw new UnsafePidFileException(this.path, Operation.STAT, "its directory " + describe(directory, status)
					+ " belongs to another user than this process's effective uid " + this.euid
					+ ", who could replace the file (an unsafe path transition)", null, directory);
		}
	}

	private boolean isTrusted(int uid) {
		return uid == 0 || uid == this.euid;
	}

	private static String describe(Path directory, FileStatus status) {
		return directory + " (owner " + owner(directory, status.uid()) + ", mode "
				+ Integer.toOctalString(status.mode() & 07777) + ")";
	}

	/**
	 * A file's owner for a message: {@code uid 1001 (alice)}, or only the uid where it has no
	 * name.
	 */
	static String owner(Path file, int uid, LinkOption... options) {
		try {
			String name = Files.getOwner(file, options).getName();
			return name.equals(Integer.toString(uid)) ? "uid " + uid : "uid " + uid + " (" + name + ")";
		}
		catch (IOException | UnsupportedOperationException | SecurityException ex) {
			return "uid " + uid;
		}
	}

	/**
	 * Refuse anything but a regular file with one link, owned by us and not writable by others.
	 * Called on {@code lstat} before opening, and again on {@code fstat} of what was opened.
	 */
	void checkFile(FileStatus status, Operation operation) throws UnsafePidFileException {
		if (status.isSymbolicLink()) {
			throw symbolicLink(operation, Errno.ELOOP);
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
					"it is owned by " + owner(this.path, status.uid(), LinkOption.NOFOLLOW_LINKS)
							+ ", not by this process's effective uid " + this.euid,
					null);
		}
		if (status.isWritableByOthers()) {
			throw new UnsafePidFileException(this.path, operation,
					"it is writable by others (mode " + Integer.toOctalString(status.mode() & 07777)
							+ "), so anyone could point its pid at another process",
					null);
		}
	}

	UnsafePidFileException symbolicLink(Operation operation, @Nullable Errno errno) {
		return new UnsafePidFileException(this.path, operation, "it is a symbolic link", errno);
	}

	private @Nullable FileStatus stat(Path directory) throws PidFileException {
		try {
			return this.nativeAccess.stat(directory.toString());
		}
		catch (ErrnoException ex) {
			throw new PidFileException("Cannot stat directory " + directory + " of pid file " + this.path + ": "
					+ ex.error().describe(), this.path, Operation.STAT, ex.error());
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
				this.created.add(each);
			}
			catch (ErrnoException ex) {
				// made meanwhile by another process: as good as made here
				if (ex.errno() != Errno.EEXIST) {
					throw new PidFileException("Cannot create directory " + each + " for pid file " + this.path + ": "
							+ ex.error().describe(), this.path, Operation.CREATE_DIRECTORY, ex.error());
				}
			}
		}
	}

	/**
	 * Remove again, innermost first, the directories this acquire created, while they are
	 * empty: an acquire that fails (a full disk) leaves nothing behind, and a directory that
	 * another process has meanwhile put a file in stays, with those above it.
	 */
	void removeCreatedDirectories() {
		for (int i = this.created.size() - 1; i >= 0; i--) {
			try {
				Files.delete(this.created.get(i));
			}
			catch (IOException ex) {
				break;
			}
		}
		this.created.clear();
	}

	/**
	 * A directory chain that passed, and what the next acquire in its last directory checks
	 * again.
	 *
	 * @param parent the pid file's directory
	 * @param recheck the directories that someone other than root and this user could have
	 * changed since, and the parent
	 * @param above the status, when the chain passed, of the directory above the first of
	 * them; {@code null} if that is the root
	 */
	private record CheckedChain(Path parent, List<Path> recheck, @Nullable FileStatus above) {

	}

}
