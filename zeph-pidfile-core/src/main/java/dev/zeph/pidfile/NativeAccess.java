package dev.zeph.pidfile;

import org.jspecify.annotations.Nullable;

/**
 * The few system calls a pid file needs, behind one interface so that Java 22+ can call them
 * through {@code java.lang.foreign} while Java 17 to 21 use jffi (and macOS jnr-posix). Every open is
 * {@code O_CLOEXEC | O_NOFOLLOW}: a child process must not inherit the lock, and a planted
 * symbolic link must not be followed.
 */
interface NativeAccess {

	/**
	 * The backend's name, for logs and health details.
	 * @return the name
	 */
	String name();

	/**
	 * {@code open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)}, or {@code O_RDONLY | O_NONBLOCK} when not
	 * {@code write}: a read-only open of a FIFO would otherwise wait for a writer, and a probe
	 * must never hang. Neither flag changes {@code flock} or {@code pread} on a regular file.
	 */
	int open(String path, boolean write) throws ErrnoException;

	/** {@code open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)}: never an existing file. */
	int create(String path, int mode) throws ErrnoException;

	/**
	 * {@code flock(fd, LOCK_EX | LOCK_NB)} or {@code LOCK_SH | LOCK_NB}.
	 * @return {@code false} if another open file description holds a conflicting lock
	 */
	boolean tryLock(int fd, boolean exclusive) throws ErrnoException;

	/**
	 * {@code flock(fd, LOCK_SH)}: block until no other open file description holds the
	 * exclusive lock, and take a shared one; tried again when a signal interrupts it.
	 */
	void awaitShared(int fd) throws ErrnoException;

	FileStatus fstat(int fd) throws ErrnoException;

	/** {@code lstat(path)}, or {@code null} if nothing is there. */
	@Nullable FileStatus lstat(String path) throws ErrnoException;

	/** {@code stat(path)}, following links, or {@code null} if nothing is there. */
	@Nullable FileStatus stat(String path) throws ErrnoException;

	int pread(int fd, byte[] buffer, long offset) throws ErrnoException;

	void pwrite(int fd, byte[] bytes, long offset) throws ErrnoException;

	void ftruncate(int fd, long length) throws ErrnoException;

	void unlink(String path) throws ErrnoException;

	void mkdir(String path, int mode) throws ErrnoException;

	void close(int fd);

	int geteuid();

	/**
	 * {@code kill(pid, 0)}: whether a process with that pid exists (EPERM counts: it exists,
	 * it is only not ours to signal). Diagnostics only: a lock, never this, says who runs.
	 */
	boolean isAlive(long pid);

}
