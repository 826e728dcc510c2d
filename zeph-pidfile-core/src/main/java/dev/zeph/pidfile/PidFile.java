package dev.zeph.pidfile;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.zeph.pidfile.PidFileException.Operation;

/**
 * A held pid file: an {@code flock(2)} {@code LOCK_EX} on the file, which holds this
 * process's pid. The lock, not the pid, says who is running: it dies with its process, so a
 * crash leaves no false "already running", and pid reuse cannot fool it. {@code flock(1)},
 * {@code lslocks} and every other flock user see the same lock.
 * <p>
 * {@link #acquire(Path)} takes the lock without ever truncating or following what it did
 * not create; {@link #close()} removes the file only while the path still names the file we
 * locked, then releases the lock.
 * <pre class="code">
 * try (PidFile pidFile = PidFile.acquire(Path.of("/run/myapp/myapp.pid"))) {
 *     // the only instance
 * }
 * catch (AlreadyRunningException ex) {
 *     System.exit(75);
 * }
 * </pre>
 */
public final class PidFile implements AutoCloseable {

	/**
	 * The files this JVM's pid files hold, by device and inode: the one record that tells
	 * "this process holds it" apart from a pid in the file that merely equals ours, as two
	 * containers' pid 1 do. An inode stays ours while its descriptor is open, so it cannot be
	 * reused while it is listed here.
	 */
	private static final Set<FileKey> HELD_HERE = ConcurrentHashMap.newKeySet();

	private final Path path;

	private final NativeAccess nativeAccess;

	private final int fd;

	private final FileStatus locked;

	private final FileKey key;

	private final long pid;

	private final Instant acquiredAt;

	private final OptionalLong previousPid;

	private boolean closed;

	private PidFile(Path path, NativeAccess nativeAccess, int fd, FileStatus locked, long pid,
			OptionalLong previousPid) {
		this.path = path;
		this.nativeAccess = nativeAccess;
		this.fd = fd;
		this.locked = locked;
		this.pid = pid;
		this.acquiredAt = Instant.now();
		this.previousPid = previousPid;
		this.key = new FileKey(locked.device(), locked.inode());
		HELD_HERE.add(this.key);
	}

	/**
	 * Take the lock on the pid file at {@code path} and write this process's pid into it,
	 * creating the file (mode 0644) and its missing parent directories (0755) as needed.
	 * @param path the pid file
	 * @return the held pid file; close it to release
	 * @throws AlreadyRunningException if another open file description holds the lock
	 * @throws UnsafePidFileException if the path or its directory is not safe to use
	 * @throws NotAPidFileException if the file at the path holds something other than a pid
	 * @throws UnsupportedPlatformException if this platform has no usable {@code flock(2)}
	 * @throws NativeLoadException if the native layer that calls {@code flock(2)} could not be
	 * loaded here, as jffi cannot from a temporary directory mounted {@code noexec}
	 * @throws PidFileException if a system call failed, with its errno
	 */
	public static PidFile acquire(Path path) throws PidFileException {
		Path absolute = path.toAbsolutePath();
		NativeAccess nativeAccess = NativeAccessLoader.get(absolute);
		PathSafety safety = new PathSafety(nativeAccess, absolute);
		try {
			return acquire(absolute, nativeAccess, safety);
		}
		catch (PidFileException ex) {
			// leave behind no directory this acquire made: a full disk fails the write after them
			safety.removeCreatedDirectories();
			throw ex;
		}
	}

	private static PidFile acquire(Path absolute, NativeAccess nativeAccess, PathSafety safety)
			throws PidFileException {
		LockingOpen open = new LockingOpen(nativeAccess, absolute);
		try {
			safety.prepareParent();
		}
		catch (UnsafePidFileException ex) {
			throw open.heldOrUnsafe(ex);
		}
		if (!open.exclusive(safety)) {
			throw new AlreadyRunningException(absolute, Objects.requireNonNull(open.holder()), null);
		}
		int fd = open.fd();
		FileStatus locked = open.locked();
		long pid = ProcessHandle.current().pid();
		Operation operation = Operation.READ;
		try {
			OptionalLong previous = PidContent.read(nativeAccess, fd, locked.size(), absolute);
			operation = Operation.WRITE;
			byte[] bytes = PidContent.format(pid);
			// write, then cut: a reader never sees our pid followed by a longer stale pid's digits;
			// what was no longer than our pid leaves nothing to cut
			nativeAccess.pwrite(fd, bytes, 0);
			if (locked.size() > bytes.length) {
				nativeAccess.ftruncate(fd, bytes.length);
			}
			return new PidFile(absolute, nativeAccess, fd, locked, pid, previous);
		}
		catch (ErrnoException | NotAPidFileException ex) {
			if (open.created()) {
				removeQuietly(nativeAccess, absolute);
			}
			open.release();
			throw (ex instanceof NotAPidFileException notAPidFile) ? notAPidFile
					: failure(absolute, operation, (ErrnoException) ex);
		}
	}

	/**
	 * Block until no process holds the lock of the pid file at {@code path}, as
	 * {@code flock -w} waits: a shared lock, taken once the holder lets go and dropped at
	 * once; nothing is created or written. Returns at once when nothing or no regular file
	 * is there, for the caller's next acquire to take or refuse. A native call that a Java
	 * interrupt cannot end: run it on a thread that may be abandoned, whose shared lock then
	 * lasts only the moment between the holder letting go and this returning.
	 * @param path the pid file
	 * @throws PidFileException if the file cannot be opened or locked, with its errno
	 */
	public static void awaitRelease(Path path) throws PidFileException {
		awaitRelease(path, (key) -> {
		});
	}

	/**
	 * Block as {@link #awaitRelease(Path)} does, saying first which file is waited on: the one
	 * the path named when it was opened. A caller that then locks that same file, still at the
	 * path, knows that the file was there all the while it waited.
	 * @param path the pid file
	 * @param waitingOn told of the file before the wait begins, if there is one to wait on
	 * @throws PidFileException if the file cannot be opened or locked, with its errno
	 */
	public static void awaitRelease(Path path, Consumer<FileKey> waitingOn) throws PidFileException {
		Path absolute = path.toAbsolutePath();
		NativeAccess nativeAccess = NativeAccessLoader.get(absolute);
		int fd;
		try {
			fd = nativeAccess.open(absolute.toString(), false);
		}
		catch (ErrnoException ex) {
			if (ex.errno() == Errno.ENOENT || ex.errno() == Errno.ELOOP) {
				// gone with its holder, or a link that acquire refuses
				return;
			}
			throw failure(absolute, Operation.OPEN, ex);
		}
		try {
			FileStatus file = nativeAccess.fstat(fd);
			if (file.isRegularFile()) {
				waitingOn.accept(new FileKey(file.device(), file.inode()));
				nativeAccess.awaitShared(fd);
			}
		}
		catch (ErrnoException ex) {
			throw failure(absolute, Operation.LOCK, ex);
		}
		finally {
			nativeAccess.close(fd);
		}
	}

	/**
	 * Tell what a pid file this process does not hold says, by probing its lock with a
	 * shared {@code flock}: never by asking whether the pid in it is alive, since pids are
	 * reused. Nothing is created or written.
	 * @param path the pid file
	 * @return what was found
	 * @throws UnsafePidFileException if the path is a symbolic link or not a regular file
	 * @throws NotAPidFileException if an unlocked file holds something other than a pid
	 * @throws PidFileException if a system call failed, with its errno
	 */
	public static PidFileStatus inspect(Path path) throws PidFileException {
		Path absolute = path.toAbsolutePath();
		NativeAccess nativeAccess = NativeAccessLoader.get(absolute);
		LockingOpen probe = new LockingOpen(nativeAccess, absolute);
		if (!probe.shared()) {
			PidFileHolder holder = probe.holder();
			return (holder != null) ? new PidFileStatus(absolute, PidFileStatus.State.RUNNING, holder.pid(), holder)
					: new PidFileStatus(absolute, PidFileStatus.State.NOT_RUNNING, OptionalLong.empty(), null);
		}
		try {
			OptionalLong pid = PidContent.read(nativeAccess, probe.fd(), probe.locked().size(), absolute);
			return new PidFileStatus(absolute,
					pid.isPresent() ? PidFileStatus.State.STALE : PidFileStatus.State.NOT_RUNNING, pid, null);
		}
		catch (ErrnoException ex) {
			throw failure(absolute, Operation.INSPECT, ex);
		}
		finally {
			probe.release();
		}
	}

	/**
	 * Whether the path still names the file we locked: one {@code lstat}, no file read, cheap
	 * enough for every health check. An open descriptor keeps its inode alive, so an inode
	 * number cannot be reused while we hold it.
	 * @return the ownership
	 */
	public synchronized Ownership ownership() {
		if (this.closed) {
			return Ownership.RELEASED;
		}
		try {
			FileStatus current = this.nativeAccess.lstat(this.path.toString());
			if (current == null) {
				return Ownership.DELETED;
			}
			return current.isSameFile(this.locked) ? Ownership.OWNED : Ownership.REPLACED;
		}
		catch (ErrnoException ex) {
			// EACCES on a parent made unsearchable, say: we can no longer show that the path is ours
			return Ownership.REPLACED;
		}
	}

	/**
	 * Whether the lock is still ours and the path still names our file.
	 * @return {@code true} if {@link #ownership()} is {@link Ownership#OWNED}
	 */
	public boolean isOwned() {
		return ownership() == Ownership.OWNED;
	}

	/**
	 * The pid file's absolute path.
	 * @return the path
	 */
	public Path path() {
		return this.path;
	}

	/**
	 * The pid written into the file: this process's.
	 * @return the pid
	 */
	public long pid() {
		return this.pid;
	}

	/**
	 * When the lock was taken.
	 * @return the instant
	 */
	public Instant acquiredAt() {
		return this.acquiredAt;
	}

	/**
	 * The pid in the stale file that {@link #acquire(Path)} took over, so that callers can log
	 * "replaced stale pid file of PID n". It may be this process's own pid: in a container,
	 * the application is often pid 1 in every run.
	 * @return the previous pid, or empty if the file was new or empty
	 */
	public OptionalLong previousPid() {
		return this.previousPid;
	}

	/**
	 * The native backend in use: {@code java.lang.foreign}, {@code jffi} or {@code jnr-posix},
	 * the names that {@code -Dzeph.pidfile.native} takes.
	 * @return the backend's name
	 */
	public String nativeBackend() {
		return this.nativeAccess.name();
	}

	/**
	 * The locked file's identity.
	 * @return its device and inode
	 */
	public FileKey fileKey() {
		return this.key;
	}

	int fd() {
		return this.fd;
	}

	/**
	 * Remove the file, but only while the path still names the file we locked (a file someone
	 * else put there is not ours to delete), then release the lock. Unlinking before closing
	 * means no waiter can win a lock on a file that is about to disappear. Calling it again does
	 * nothing.
	 * @throws PidFileException if the file could not be removed; the lock is released anyway
	 */
	@Override
	public synchronized void close() throws PidFileException {
		release(false);
	}

	/**
	 * Release the lock for a process that waits for it: while one does (as the kernel's lock
	 * list shows), leave the file in place, holding this pid until the waiter writes its own,
	 * so that the waiter locks the very file it waited on; otherwise remove it as
	 * {@link #close()} does. Calling it again does nothing.
	 * @return whether the file was left for a waiter
	 * @throws PidFileException if the file could not be removed; the lock is released anyway
	 */
	public synchronized boolean handOver() throws PidFileException {
		return release(true);
	}

	private boolean release(boolean toWaiter) throws PidFileException {
		if (this.closed) {
			return false;
		}
		this.closed = true;
		boolean left = false;
		try {
			FileStatus current = this.nativeAccess.lstat(this.path.toString());
			if (current != null && current.isSameFile(this.locked)) {
				left = toWaiter && new ProcLocks().holders(this.locked).waiting();
				if (!left) {
					this.nativeAccess.unlink(this.path.toString());
				}
			}
		}
		catch (ErrnoException ex) {
			throw failure(this.path, Operation.REMOVE, ex);
		}
		finally {
			HELD_HERE.remove(this.key);
			this.nativeAccess.close(this.fd);
		}
		return left;
	}

	/**
	 * Whether one of this JVM's pid files holds the lock of the file.
	 */
	static boolean isHeldHere(FileStatus file) {
		return !HELD_HERE.isEmpty() && HELD_HERE.contains(new FileKey(file.device(), file.inode()));
	}

	@Override
	public String toString() {
		return "PidFile[" + this.path + ", pid " + this.pid + (this.closed ? ", released" : "") + "]";
	}

	private static void removeQuietly(NativeAccess nativeAccess, Path path) {
		try {
			nativeAccess.unlink(path.toString());
		}
		catch (ErrnoException ex) {
			// the failure being reported is the one that matters
		}
	}

	private static PidFileException failure(Path path, Operation operation, ErrnoException ex) {
		return new PidFileException(path, operation, ex.error());
	}

	/**
	 * A file's identity while it exists: its device and inode. An open descriptor keeps its
	 * inode from being reused, so a key seen while holding or waiting on a file names that
	 * file alone.
	 *
	 * @param device the device, as {@code stat()} gives it
	 * @param inode the inode number
	 */
	public record FileKey(long device, long inode) {

	}

	/**
	 * What the path names, as seen by the holder.
	 */
	public enum Ownership {

		/** The path names the file we locked. */
		OWNED,

		/** Nothing is at the path: an administrator or a tmp cleaner removed the file. */
		DELETED,

		/** The path names another file now: someone replaced ours. */
		REPLACED,

		/** {@link PidFile#close()} released the lock. */
		RELEASED

	}

}
