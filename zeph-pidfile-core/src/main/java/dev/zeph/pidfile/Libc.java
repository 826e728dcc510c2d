package dev.zeph.pidfile;

import org.jspecify.annotations.Nullable;

/**
 * The C library functions a pid file calls, bound by one native backend: each method makes
 * its call and returns what the call returned, {@code -1} (or {@code null}) on failure, with
 * the errno left for {@link #lastErrno()}. What a result means (an absent file, a held lock,
 * a short write) is decided once, in {@link NativeAccess}, for every backend. Every open is
 * {@code O_CLOEXEC | O_NOFOLLOW}: a child process must not inherit the lock, and a planted
 * symbolic link must not be followed.
 */
interface Libc {

	NativeBackend backend();

	/**
	 * {@code open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW)}, or {@code O_RDONLY | O_NONBLOCK} when not
	 * {@code write}: a read-only open of a FIFO would otherwise wait for a writer, and a probe
	 * must never hang. Neither flag changes {@code flock} or {@code pread} on a regular file.
	 */
	int open(String path, boolean write);

	/** {@code open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)}: never an existing file. */
	int create(String path, int mode);

	int flock(int fd, int operation);

	@Nullable FileStatus fstat(int fd);

	@Nullable FileStatus lstat(String path);

	@Nullable FileStatus stat(String path);

	long pread(int fd, byte[] buffer, long offset);

	long pwrite(int fd, byte[] bytes, long offset);

	int ftruncate(int fd, long length);

	int unlink(String path);

	int mkdir(String path, int mode);

	int close(int fd);

	int geteuid();

	int kill(int pid, int signal);

	/**
	 * The errno of this thread's last call through this binding: read it before any other call.
	 */
	int lastErrno();

	/**
	 * The name of an errno number in this platform's ABI.
	 * @return the errno, or {@code null} for a number it has no name for here
	 */
	@Nullable Errno errnoOf(int number);

	/** The system's text for an errno number, as {@code strerror(3)} gives it. */
	String strerror(int number);

}
