package dev.zeph.pidfile;

import org.jspecify.annotations.Nullable;

/**
 * The system calls of a pid file as the rest of the library sees them, whichever backend
 * binds them: what a call's result means is decided here, once. A missing file is an answer
 * ({@code null}), not a failure; a lock held elsewhere is {@code false}; a write that wrote
 * less than asked is {@link Errno#EIO}; every other failure is an {@link ErrnoException}
 * that names the call and its errno.
 */
final class NativeAccess {

	/** {@code flock(2)} operations: the same numbers on Linux, macOS and the BSDs. */
	private static final int LOCK_SH = 1;

	private static final int LOCK_EX = 2;

	private static final int LOCK_NB = 4;

	private final Libc libc;

	NativeAccess(Libc libc) {
		this.libc = libc;
	}

	/**
	 * The backend's name, for logs and health details.
	 * @return the name
	 */
	String name() {
		return this.libc.backend().toString();
	}

	int open(String path, boolean write) throws ErrnoException {
		return check("open", this.libc.open(path, write));
	}

	int create(String path, int mode) throws ErrnoException {
		return check("open", this.libc.create(path, mode));
	}

	/**
	 * {@code flock(fd, LOCK_EX | LOCK_NB)} or {@code LOCK_SH | LOCK_NB}.
	 * @return {@code false} if another open file description holds a conflicting lock
	 */
	boolean tryLock(int fd, boolean exclusive) throws ErrnoException {
		if (this.libc.flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) {
			return true;
		}
		int errno = this.libc.lastErrno();
		if (this.libc.errnoOf(errno) == Errno.EWOULDBLOCK) {
			return false;
		}
		throw failure("flock", errno);
	}

	/**
	 * {@code flock(fd, LOCK_SH)}: block until no other open file description holds the
	 * exclusive lock, and take a shared one; tried again when a signal interrupts it.
	 */
	void awaitShared(int fd) throws ErrnoException {
		while (this.libc.flock(fd, LOCK_SH) != 0) {
			int errno = this.libc.lastErrno();
			if (this.libc.errnoOf(errno) != Errno.EINTR) {
				throw failure("flock", errno);
			}
		}
	}

	FileStatus fstat(int fd) throws ErrnoException {
		FileStatus status = this.libc.fstat(fd);
		if (status == null) {
			throw failure("fstat", this.libc.lastErrno());
		}
		return status;
	}

	/** {@code lstat(path)}, or {@code null} if nothing is there. */
	@Nullable FileStatus lstat(String path) throws ErrnoException {
		FileStatus status = this.libc.lstat(path);
		return (status != null) ? status : absent("lstat");
	}

	/** {@code stat(path)}, following links, or {@code null} if nothing is there. */
	@Nullable FileStatus stat(String path) throws ErrnoException {
		FileStatus status = this.libc.stat(path);
		return (status != null) ? status : absent("stat");
	}

	int pread(int fd, byte[] buffer, long offset) throws ErrnoException {
		return (int) check("pread", this.libc.pread(fd, buffer, offset));
	}

	void pwrite(int fd, byte[] bytes, long offset) throws ErrnoException {
		long written = check("pwrite", this.libc.pwrite(fd, bytes, offset));
		if (written != bytes.length) {
			throw new ErrnoException("pwrite",
					new SystemError(Errno.EIO, "EIO", "wrote " + written + " of " + bytes.length + " bytes"));
		}
	}

	void ftruncate(int fd, long length) throws ErrnoException {
		check("ftruncate", this.libc.ftruncate(fd, length));
	}

	void unlink(String path) throws ErrnoException {
		check("unlink", this.libc.unlink(path));
	}

	void mkdir(String path, int mode) throws ErrnoException {
		check("mkdir", this.libc.mkdir(path, mode));
	}

	void close(int fd) {
		this.libc.close(fd);
	}

	int geteuid() {
		return this.libc.geteuid();
	}

	/**
	 * {@code kill(pid, 0)}: whether a process with that pid exists (EPERM counts: it exists,
	 * it is only not ours to signal). Diagnostics only: a lock, never this, says who runs.
	 */
	boolean isAlive(long pid) {
		return pid > 0 && pid <= Integer.MAX_VALUE && (this.libc.kill((int) pid, 0) == 0
				|| this.libc.errnoOf(this.libc.lastErrno()) == Errno.EPERM);
	}

	private @Nullable FileStatus absent(String call) throws ErrnoException {
		int errno = this.libc.lastErrno();
		if (this.libc.errnoOf(errno) == Errno.ENOENT) {
			return null;
		}
		throw failure(call, errno);
	}

	private int check(String call, int result) throws ErrnoException {
		if (result < 0) {
			throw failure(call, this.libc.lastErrno());
		}
		return result;
	}

	private long check(String call, long result) throws ErrnoException {
		if (result < 0) {
			throw failure(call, this.libc.lastErrno());
		}
		return result;
	}

	private ErrnoException failure(String call, int errno) {
		return new ErrnoException(call, SystemError.of(this.libc.errnoOf(errno), errno, this.libc.strerror(errno)));
	}

}
