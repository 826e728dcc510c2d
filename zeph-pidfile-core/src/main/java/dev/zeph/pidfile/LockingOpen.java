package dev.zeph.pidfile;

import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.PidFileException.Operation;
import org.jspecify.annotations.Nullable;

/**
 * Opens the file at a path and locks it, as FreeBSD's {@code flopen(3)} does: open, check,
 * lock, then compare what the path names with what was locked, and start again whenever
 * another process changed the path in between. Every race of the protocol is met in the one
 * loop of {@link #lock}, each with a short comment where it can happen. An exclusive lock is
 * an acquire's: the file is created when missing and held to the safety rules of
 * {@link PathSafety}. A shared lock is a probe's: nothing is created, and a lock taken shows
 * that nobody holds the file.
 * <p>
 * What it ends with is read from the instance: the open and locked descriptor, or the holder
 * that refused the lock, or nothing at the path.
 */
final class LockingOpen {

	/**
	 * How often to start again when the path changes under us: contenders that take turns
	 * remove and create the file all the time, and a retry costs microseconds; the bound only
	 * stops a process that churns the path on purpose from holding us forever.
	 */
	private static final int MAX_ATTEMPTS = 1000;

	/** How long to wait out a holder that may be about to let go, before trying again. */
	private static final long PAUSE_MILLIS = 5;

	private static final int FILE_MODE = 0644;

	private final NativeAccess nativeAccess;

	private final Path path;

	private final String file;

	private int fd = -1;

	private @Nullable FileStatus locked;

	private boolean created;

	private @Nullable PidFileHolder holder;

	LockingOpen(NativeAccess nativeAccess, Path path) {
		this.nativeAccess = nativeAccess;
		this.path = path;
		this.file = path.toString();
	}

	/**
	 * Take the exclusive lock, creating the file when it is missing.
	 * @param safety the rules the file must meet
	 * @return {@code true} if the lock is ours, {@code false} if {@link #holder()} holds it
	 */
	boolean exclusive(PathSafety safety) throws PidFileException {
		return lock(safety);
	}

	/**
	 * Take a shared lock on the file there, if any: a probe that creates and writes nothing.
	 * @return {@code true} if the lock is ours (nobody holds the file), {@code false} if
	 * {@link #holder()} holds it or nothing is there
	 */
	boolean shared() throws PidFileException {
		return lock(null);
	}

	private boolean lock(@Nullable PathSafety safety) throws PidFileException {
		boolean exclusive = safety != null;
		HolderLookup lookup = null;
		for (int attempt = 1, look = 1;; attempt++) {
			if (attempt > MAX_ATTEMPTS) {
				throw new PidFileException("Cannot acquire pid file " + this.path + ": other processes removed or"
						+ " replaced it " + MAX_ATTEMPTS + " times while we tried to lock it", this.path,
						Operation.LOCK, null, null);
			}
			this.created = false;
			this.fd = (safety != null) ? createOrOpen(safety) : openToProbe();
			if (this.fd == -1) {
				if (exclusive) {
					// removed between our look and our open
					continue;
				}
				// nothing there: nobody holds it
				return false;
			}
			boolean ours = false;
			try {
				FileStatus opened = this.nativeAccess.fstat(this.fd);
				// the look before the open saw a path; this is the file the descriptor has
				check(opened, safety);
				if (!this.nativeAccess.tryLock(this.fd, exclusive)) {
					lookup = (lookup != null) ? lookup : new HolderLookup(this.nativeAccess, new ProcLocks());
					this.holder = lookup.holder(this.fd, opened, look++);
					if (this.holder != null) {
						return false;
					}
					// a probe's shared lock, or a holder yet to write: wait it out
					pause();
					continue;
				}
				FileStatus current = lstat(exclusive);
				if (current == null || !current.isSameFile(opened)) {
					// unlinked or replaced while we locked: a lock on it guards nothing
					continue;
				}
				this.locked = current;
				ours = true;
				return true;
			}
			catch (ErrnoException ex) {
				throw new PidFileException(this.path, exclusive ? Operation.LOCK : Operation.INSPECT, ex.error());
			}
			finally {
				if (!ours) {
					this.nativeAccess.close(this.fd);
					this.fd = -1;
				}
			}
		}
	}

	/**
	 * Create the file; only when that fails, look at what is there and open it. O_EXCL never
	 * follows a link, so whatever is there is refused, or opened, exactly as if we had looked
	 * first, and an error that the look would have met first is reported as the look's.
	 * @return the descriptor, or {@code -1} to start again
	 */
	private int createOrOpen(PathSafety safety) throws PidFileException {
		try {
			int fd = this.nativeAccess.create(this.file, FILE_MODE);
			this.created = true;
			return fd;
		}
		catch (ErrnoException createFailure) {
			FileStatus existing = lstat(true);
			if (existing == null) {
				if (createFailure.errno() == Errno.EEXIST) {
					// removed between our create and our look
					return -1;
				}
				throw (createFailure.errno() == Errno.ELOOP) ? safety.symbolicLink(Operation.CREATE, Errno.ELOOP)
						: new PidFileException(this.path, Operation.CREATE, createFailure.error());
			}
			check(existing, Operation.LSTAT, safety);
		}
		try {
			return this.nativeAccess.open(this.file, true);
		}
		catch (ErrnoException ex) {
			if (ex.errno() == Errno.ENOENT) {
				// removed between our look and our open
				return -1;
			}
			throw (ex.errno() == Errno.ELOOP) ? safety.symbolicLink(Operation.OPEN, Errno.ELOOP)
					: new PidFileException(this.path, Operation.OPEN, ex.error());
		}
	}

	/**
	 * Open read-only, without following a link: a probe never needs more.
	 * @return the descriptor, or {@code -1} if nothing is there
	 */
	private int openToProbe() throws PidFileException {
		try {
			return this.nativeAccess.open(this.file, false);
		}
		catch (ErrnoException ex) {
			if (ex.errno() == Errno.ENOENT) {
				return -1;
			}
			throw (ex.errno() == Errno.ELOOP)
					? new UnsafePidFileException(this.path, Operation.OPEN, "it is a symbolic link", Errno.ELOOP)
					: new PidFileException(this.path, Operation.OPEN, ex.error());
		}
	}

	private void check(FileStatus opened, @Nullable PathSafety safety) throws PidFileException {
		if (safety != null) {
			check(opened, Operation.FSTAT, safety);
		}
		else if (!opened.isRegularFile()) {
			throw new UnsafePidFileException(this.path, Operation.FSTAT, "it is " + opened.typeName(), null);
		}
	}

	private void check(FileStatus status, Operation operation, PathSafety safety) throws PidFileException {
		try {
			safety.checkFile(status, operation);
		}
		catch (UnsafePidFileException ex) {
			throw heldOrUnsafe(ex);
		}
	}

	/**
	 * The refusal for a path we must not use. While a process holds the lock of the regular
	 * file there, another instance is running, whoever owns the file or its directory; only an
	 * unlocked file is unsafe. The probe opens the file read-only and takes a shared lock for
	 * the moment of the look: nothing is written, truncated or removed.
	 */
	PidFileException heldOrUnsafe(UnsafePidFileException unsafe) {
		FileStatus status;
		try {
			status = this.nativeAccess.lstat(this.file);
		}
		catch (ErrnoException ex) {
			return unsafe;
		}
		if (status == null || !status.isRegularFile()) {
			return unsafe;
		}
		String owner = (status.uid() != PathSafety.euid(this.nativeAccess))
				? PathSafety.owner(this.path, status.uid(), LinkOption.NOFOLLOW_LINKS) : null;
		LockingOpen probe = new LockingOpen(this.nativeAccess, this.path);
		PidFileHolder holder;
		try {
			if (probe.shared()) {
				probe.release();
			}
			holder = probe.holder();
		}
		catch (PidFileException ex) {
			// a file we may not even read: the kernel's lock table can still name its holder
			holder = (ex.getOperationType() == Operation.OPEN)
					? new HolderLookup(this.nativeAccess, new ProcLocks()).unreadable(status) : null;
		}
		return (holder != null) ? new AlreadyRunningException(this.path, holder, owner) : unsafe;
	}

	/**
	 * Close the descriptor of a lock taken, which releases it.
	 */
	void release() {
		this.nativeAccess.close(this.fd);
		this.fd = -1;
	}

	private @Nullable FileStatus lstat(boolean exclusive) throws PidFileException {
		try {
			return this.nativeAccess.lstat(this.file);
		}
		catch (ErrnoException ex) {
			throw new PidFileException(this.path, exclusive ? Operation.STAT : Operation.INSPECT, ex.error());
		}
	}

	private static void pause() {
		try {
			TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The open descriptor, once a lock is ours.
	 * @return the descriptor
	 */
	int fd() {
		return this.fd;
	}

	/**
	 * The file locked, as the path named it under the lock.
	 * @return the status
	 */
	FileStatus locked() {
		if (this.locked == null) {
			throw new IllegalStateException("not locked");
		}
		return this.locked;
	}

	/**
	 * Whether the file locked was created by this open.
	 * @return {@code true} if it was
	 */
	boolean created() {
		return this.created;
	}

	/**
	 * Who holds the lock, when it was refused.
	 * @return the holder, or {@code null}
	 */
	@Nullable PidFileHolder holder() {
		return this.holder;
	}

}
