package dev.zeph.pidfile;

import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

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
	 * How often to reopen when the path changes under us: each retry means that another
	 * process removed, replaced or created the file in the meantime, which contenders do all
	 * the time when they take turns. A retry costs microseconds; the bound only stops a
	 * process that churns the path on purpose from holding us forever.
	 */
	private static final int MAX_ATTEMPTS = 1000;

	private static final int FILE_MODE = 0644;

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
		HELD_HERE.add(new FileKey(locked.device(), locked.inode()));
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
			safety.prepareParent();
		}
		catch (UnsafePidFileException ex) {
			throw heldOrUnsafe(nativeAccess, absolute, ex);
		}
		String file = absolute.toString();
		long pid = ProcessHandle.current().pid();
		for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
			int fd;
			boolean created;
			// The usual case first: no file, so O_CREAT|O_EXCL makes it. Only when that fails do we
			// look at the path; O_EXCL never follows a link, so whatever is there (a link, a
			// directory, someone's file) is refused, or opened, exactly as if we had looked first,
			// and an error that the look would have met first is reported as the look's.
			try {
				fd = nativeAccess.create(file, FILE_MODE);
				created = true;
			}
			catch (ErrnoException createFailure) {
				FileStatus existing = lstat(nativeAccess, absolute);
				if (existing == null) {
					if (createFailure.is("EEXIST")) {
						continue;
					}
					throw (createFailure.is("ELOOP")) ? safety.symbolicLink("create", "ELOOP")
							: failure(absolute, "create", createFailure);
				}
				try {
					safety.checkFile(existing, "lstat");
				}
				catch (UnsafePidFileException ex) {
					throw heldOrUnsafe(nativeAccess, absolute, ex);
				}
				try {
					fd = nativeAccess.open(file, true);
				}
				catch (ErrnoException ex) {
					if (ex.is("ENOENT")) {
						continue;
					}
					throw (ex.is("ELOOP")) ? safety.symbolicLink("open", "ELOOP") : failure(absolute, "open", ex);
				}
				created = false;
			}
			PidFile acquired = null;
			try {
				acquired = lockAndWrite(absolute, nativeAccess, safety, fd, pid, created);
				if (acquired != null) {
					return acquired;
				}
			}
			finally {
				if (acquired == null) {
					nativeAccess.close(fd);
				}
			}
		}
		throw new PidFileException("Cannot acquire pid file " + absolute + ": other processes removed or replaced it "
				+ MAX_ATTEMPTS + " times while we tried to lock it", absolute, "lock", null, null);
	}

	/**
	 * Lock the opened file and write our pid, or return {@code null} when the path no longer
	 * names the file we locked: we then won a lock on a file that someone unlinked, and a
	 * process that creates a new file at the path would hold a lock too.
	 */
	private static @Nullable PidFile lockAndWrite(Path path, NativeAccess nativeAccess, PathSafety safety, int fd,
			long pid, boolean created) throws PidFileException {
		FileStatus opened;
		try {
			opened = nativeAccess.fstat(fd);
			try {
				safety.checkFile(opened, "fstat");
			}
			catch (UnsafePidFileException ex) {
				throw heldOrUnsafe(nativeAccess, path, ex);
			}
			if (!nativeAccess.tryLock(fd, true)) {
				PidFileHolder holder = new HolderLookup(nativeAccess, new ProcLocks()).find(fd, opened, true).holder();
				if (holder != null) {
					throw new AlreadyRunningException(path, holder, null);
				}
			}
		}
		catch (ErrnoException ex) {
			throw failure(path, "lock", ex);
		}
		FileStatus current = lstat(nativeAccess, path);
		if (current == null || !current.isSameFile(opened)) {
			return null;
		}
		byte[] content = new byte[PidContent.MAX_LENGTH + 1];
		try {
			// the lstat, made under our lock, already tells an empty file: nothing to read then
			int length = (current.size() == 0) ? 0 : nativeAccess.pread(fd, content, 0);
			if (length > PidContent.MAX_LENGTH || !PidContent.isValid(content, length)) {
				throw new NotAPidFileException(path, "read");
			}
			OptionalLong previous = PidContent.pid(content, length);
			byte[] bytes = PidContent.format(pid);
			// write, then cut: a reader never sees our pid followed by a longer stale pid's digits;
			// what was no longer than our pid leaves nothing to cut
			nativeAccess.pwrite(fd, bytes, 0);
			if (Math.max(length, current.size()) > bytes.length) {
				nativeAccess.ftruncate(fd, bytes.length);
			}
			return new PidFile(path, nativeAccess, fd, opened, pid, previous);
		}
		catch (ErrnoException ex) {
			if (created) {
				removeQuietly(nativeAccess, path);
			}
			throw failure(path, ex.getMessage().startsWith("pread") ? "read" : "write", ex);
		}
	}

	/**
	 * The refusal for a path we must not use. While a process holds the lock of the regular
	 * file there, another instance is running, whoever owns the file or its directory; only an
	 * unlocked file is unsafe. The probe opens the file read-only and takes a shared lock for
	 * the moment of the look: nothing is written, truncated or removed.
	 */
	private static PidFileException heldOrUnsafe(NativeAccess nativeAccess, Path path,
			UnsafePidFileException unsafe) {
		FileStatus status;
		int fd;
		try {
			status = nativeAccess.lstat(path.toString());
			if (status == null || !status.isRegularFile()) {
				return unsafe;
			}
		}
		catch (ErrnoException ex) {
			return unsafe;
		}
		String owner = (status.uid() != PathSafety.euid(nativeAccess))
				? PathSafety.owner(path, status.uid(), LinkOption.NOFOLLOW_LINKS) : null;
		try {
			fd = nativeAccess.open(path.toString(), false);
		}
		catch (ErrnoException ex) {
			// a file we may not even read: the kernel's lock table can still name its holder
			OptionalLong holder = new ProcLocks().holders(status).exclusive();
			return holder.isPresent() ? new AlreadyRunningException(path,
					new PidFileHolder((holder.getAsLong() == ProcessHandle.current().pid())
							? PidFileHolder.Kind.THIS_PROCESS : PidFileHolder.Kind.PROCESS, holder, OptionalLong.empty()),
					owner) : unsafe;
		}
		try {
			FileStatus opened = nativeAccess.fstat(fd);
			if (!opened.isSameFile(status)) {
				return unsafe;
			}
			PidFileHolder holder = new HolderLookup(nativeAccess, new ProcLocks()).find(fd, opened, false).holder();
			return (holder != null) ? new AlreadyRunningException(path, holder, owner) : unsafe;
		}
		catch (ErrnoException ex) {
			return unsafe;
		}
		finally {
			nativeAccess.close(fd);
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
		Path absolute = path.toAbsolutePath();
		NativeAccess nativeAccess = NativeAccessLoader.get(absolute);
		int fd;
		try {
			fd = nativeAccess.open(absolute.toString(), false);
		}
		catch (ErrnoException ex) {
			if (ex.is("ENOENT") || ex.is("ELOOP")) {
				// gone with its holder, or a link that acquire refuses
				return;
			}
			throw failure(absolute, "open", ex);
		}
		try {
			if (nativeAccess.fstat(fd).isRegularFile()) {
				nativeAccess.awaitShared(fd);
			}
		}
		catch (ErrnoException ex) {
			throw failure(absolute, "lock", ex);
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
		int fd;
		try {
			fd = nativeAccess.open(absolute.toString(), false);
		}
		catch (ErrnoException ex) {
			if (ex.is("ENOENT")) {
				return new PidFileStatus(absolute, PidFileStatus.State.NOT_RUNNING, OptionalLong.empty(), null);
			}
			throw (ex.is("ELOOP")) ? new PathSafety(nativeAccess, absolute).symbolicLink("open", "ELOOP")
					: failure(absolute, "open", ex);
		}
		try {
			FileStatus opened = nativeAccess.fstat(fd);
			if (!opened.isRegularFile()) {
				throw new UnsafePidFileException(absolute, "fstat", "it is " + opened.typeName(), null);
			}
			PidFileHolder holder = new HolderLookup(nativeAccess, new ProcLocks()).find(fd, opened, false).holder();
			if (holder != null) {
				return new PidFileStatus(absolute, PidFileStatus.State.RUNNING, holder.pid(), holder);
			}
			byte[] content = new byte[PidContent.MAX_LENGTH + 1];
			int length = nativeAccess.pread(fd, content, 0);
			if (length > PidContent.MAX_LENGTH || !PidContent.isValid(content, length)) {
				throw new NotAPidFileException(absolute, "read");
			}
			OptionalLong pid = PidContent.pid(content, length);
			return new PidFileStatus(absolute,
					pid.isPresent() ? PidFileStatus.State.STALE : PidFileStatus.State.NOT_RUNNING, pid, null);
		}
		catch (ErrnoException ex) {
			throw failure(absolute, "inspect", ex);
		}
		finally {
			nativeAccess.close(fd);
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
	 * The native backend in use: {@code java.lang.foreign}, {@code jffi} or {@code jnr-posix}.
	 * @return the backend's name
	 */
	public String nativeBackend() {
		return this.nativeAccess.name();
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
		if (this.closed) {
			return;
		}
		this.closed = true;
		try {
			FileStatus current = this.nativeAccess.lstat(this.path.toString());
			if (current != null && current.isSameFile(this.locked)) {
				this.nativeAccess.unlink(this.path.toString());
			}
		}
		catch (ErrnoException ex) {
			throw failure(this.path, "remove", ex);
		}
		finally {
			HELD_HERE.remove(new FileKey(this.locked.device(), this.locked.inode()));
			this.nativeAccess.close(this.fd);
		}
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

	private static @Nullable FileStatus lstat(NativeAccess nativeAccess, Path path) throws PidFileException {
		try {
			return nativeAccess.lstat(path.toString());
		}
		catch (ErrnoException ex) {
			throw failure(path, "stat", ex);
		}
	}

	private static void removeQuietly(NativeAccess nativeAccess, Path path) {
		try {
			nativeAccess.unlink(path.toString());
		}
		catch (ErrnoException ex) {
			// the failure being reported is the one that matters
		}
	}

	private static PidFileException failure(Path path, String operation, ErrnoException ex) {
		return new PidFileException(path, operation, ex.error());
	}

	private record FileKey(long device, long inode) {

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
