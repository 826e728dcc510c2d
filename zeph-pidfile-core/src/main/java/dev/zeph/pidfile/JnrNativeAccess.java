package dev.zeph.pidfile;

import jnr.constants.platform.Errno;
import jnr.constants.platform.OpenFlags;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.util.DefaultPOSIXHandler;
import org.jspecify.annotations.Nullable;

/**
 * {@link NativeAccess} through jnr-posix, for Java 17 to 21 (and for any JDK when asked for).
 * jnr-posix quietly falls back to a pure-Java emulation when it cannot load its native
 * library; that emulation has no {@code flock(2)}, so it is refused here rather than
 * allowed to lock nothing.
 */
final class JnrNativeAccess implements NativeAccess {

	private static final int LOCK_SH = 1;

	private static final int LOCK_EX = 2;

	private static final int LOCK_NB = 4;

	private static final int OPEN_FLAGS = OpenFlags.O_CLOEXEC.intValue() | OpenFlags.O_NOFOLLOW.intValue();

	private static final int CREATE_FLAGS = OPEN_FLAGS | OpenFlags.O_RDWR.intValue() | OpenFlags.O_CREAT.intValue()
			| OpenFlags.O_EXCL.intValue();

	private final POSIX posix;

	JnrNativeAccess() {
		this(POSIXFactory.getNativePOSIX(new ErrnoReturningHandler()));
	}

	JnrNativeAccess(POSIX posix) {
		if (!posix.isNative()) {
			throw new IllegalStateException("jnr-posix loaded its pure-Java fallback (" + posix.getClass().getName()
					+ "), which has no flock(2); a pid file locked by it would guard nothing");
		}
		this.posix = posix;
	}

	@Override
	public String name() {
		return "jnr-posix";
	}

	@Override
	public int open(String path, boolean write) throws ErrnoException {
		int flags = OPEN_FLAGS | (write ? OpenFlags.O_RDWR.intValue()
				: OpenFlags.O_RDONLY.intValue() | OpenFlags.O_NONBLOCK.intValue());
		return check("open", this.posix.open(path, flags, 0));
	}

	@Override
	public int create(String path, int mode) throws ErrnoException {
		return check("open", this.posix.open(path, CREATE_FLAGS, mode));
	}

	@Override
	public boolean tryLock(int fd, boolean exclusive) throws ErrnoException {
		if (this.posix.flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) {
			return true;
		}
		int errno = this.posix.errno();
		if (errno == Errno.EWOULDBLOCK.intValue() || errno == Errno.EAGAIN.intValue()) {
			return false;
		}
		throw failure("flock", errno);
	}

	@Override
	public void awaitShared(int fd) throws ErrnoException {
		while (this.posix.flock(fd, LOCK_SH) != 0) {
			int errno = this.posix.errno();
			if (errno != Errno.EINTR.intValue()) {
				throw failure("flock", errno);
			}
		}
	}

	@Override
	public FileStatus fstat(int fd) throws ErrnoException {
		FileStat stat = this.posix.allocateStat();
		check("fstat", this.posix.fstat(fd, stat));
		return status(stat);
	}

	@Override
	public @Nullable FileStatus lstat(String path) throws ErrnoException {
		FileStat stat = this.posix.allocateStat();
		return (exists("lstat", this.posix.lstat(path, stat))) ? status(stat) : null;
	}

	@Override
	public @Nullable FileStatus stat(String path) throws ErrnoException {
		FileStat stat = this.posix.allocateStat();
		return (exists("stat", this.posix.stat(path, stat))) ? status(stat) : null;
	}

	@Override
	public int pread(int fd, byte[] buffer, long offset) throws ErrnoException {
		return (int) check("pread", this.posix.pread(fd, buffer, buffer.length, offset));
	}

	@Override
	public void pwrite(int fd, byte[] bytes, long offset) throws ErrnoException {
		long written = check("pwrite", this.posix.pwrite(fd, bytes, bytes.length, offset));
		if (written != bytes.length) {
			throw new ErrnoException("pwrite", errorOf(Errno.EIO.intValue()));
		}
	}

	@Override
	public void ftruncate(int fd, long length) throws ErrnoException {
		check("ftruncate", this.posix.ftruncate(fd, length));
	}

	@Override
	public void unlink(String path) throws ErrnoException {
		check("unlink", this.posix.unlink(path));
	}

	@Override
	public void mkdir(String path, int mode) throws ErrnoException {
		check("mkdir", this.posix.mkdir(path, mode));
	}

	@Override
	public void close(int fd) {
		this.posix.close(fd);
	}

	@Override
	public int geteuid() {
		return this.posix.geteuid();
	}

	@Override
	public boolean isAlive(long pid) {
		return pid > 0 && pid <= Integer.MAX_VALUE
				&& (this.posix.kill((int) pid, 0) == 0 || this.posix.errno() == Errno.EPERM.intValue());
	}

	private boolean exists(String call, int result) throws ErrnoException {
		if (result == 0) {
			return true;
		}
		int errno = this.posix.errno();
		if (errno == Errno.ENOENT.intValue()) {
			return false;
		}
		throw failure(call, errno);
	}

	private int check(String call, int result) throws ErrnoException {
		if (result < 0) {
			throw failure(call, this.posix.errno());
		}
		return result;
	}

	private long check(String call, long result) throws ErrnoException {
		if (result < 0) {
			throw failure(call, this.posix.errno());
		}
		return result;
	}

	private ErrnoException failure(String call, int errno) {
		return new ErrnoException(call, errorOf(errno));
	}

	private static SystemError errorOf(int errno) {
		Errno known = Errno.valueOf(errno);
		if (known == null || !known.defined()) {
			return new SystemError(errno, "errno " + errno, "Unknown error " + errno);
		}
		String name = (known == Errno.EAGAIN) ? "EWOULDBLOCK" : known.name();
		return new SystemError(errno, name, known.description());
	}

	private static FileStatus status(FileStat stat) {
		return new FileStatus(stat.dev(), stat.ino(), stat.mode(), stat.nlink(), stat.uid(), stat.st_size());
	}

	/**
	 * Some jnr-posix calls (mkdir among them) report a failure to the handler, whose default
	 * throws a bare RuntimeException; we want the result and errno, to name them ourselves.
	 */
	private static final class ErrnoReturningHandler extends DefaultPOSIXHandler {

		@Override
		public void error(Errno error, String extraData) {
		}

		@Override
		public void error(Errno error, String methodName, String extraData) {
		}

	}

}
