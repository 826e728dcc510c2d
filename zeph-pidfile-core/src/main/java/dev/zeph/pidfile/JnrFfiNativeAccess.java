package dev.zeph.pidfile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.LibraryOption;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import org.jspecify.annotations.Nullable;

/**
 * {@link NativeAccess} through a narrow jnr-ffi binding of the fourteen libc functions a pid
 * file needs, for Java 17 to 21 on Linux. jnr-posix's full {@code POSIX} binds hundreds of
 * functions and loads about 800 classes at start-up; a pid file, taken on every start of the
 * application, cannot afford that (about +450 ms on JDK 17 measured here).
 */
final class JnrFfiNativeAccess implements NativeAccess {

	private final LibC libc;

	private final Runtime runtime;

	JnrFfiNativeAccess() {
		this.libc = LibraryLoader.create(LibC.class).option(LibraryOption.SaveError, Boolean.TRUE).load("c");
		this.runtime = Runtime.getRuntime(this.libc);
	}

	@Override
	public String name() {
		return "jnr-ffi";
	}

	@Override
	public int open(String path, boolean write) throws ErrnoException {
		return check("open", this.libc.open(path, LinuxAbi.openFlags(write), 0));
	}

	@Override
	public int create(String path, int mode) throws ErrnoException {
		return check("open", this.libc.open(path, LinuxAbi.createFlags(), mode));
	}

	@Override
	public boolean tryLock(int fd, boolean exclusive) throws ErrnoException {
		if (this.libc.flock(fd, (exclusive ? LinuxAbi.LOCK_EX : LinuxAbi.LOCK_SH) | LinuxAbi.LOCK_NB) == 0) {
			return true;
		}
		int errno = LastError.getLastError(this.runtime);
		if (errno == LinuxAbi.EWOULDBLOCK) {
			return false;
		}
		throw failure("flock", errno);
	}

	@Override
	public FileStatus fstat(int fd) throws ErrnoException {
		ByteBuffer stat = statBuffer();
		check("fstat", this.libc.fstat(fd, stat));
		return LinuxAbi.status(stat);
	}

	@Override
	public @Nullable FileStatus lstat(String path) throws ErrnoException {
		ByteBuffer stat = statBuffer();
		return exists("lstat", this.libc.lstat(path, stat)) ? LinuxAbi.status(stat) : null;
	}

	@Override
	public @Nullable FileStatus stat(String path) throws ErrnoException {
		ByteBuffer stat = statBuffer();
		return exists("stat", this.libc.stat(path, stat)) ? LinuxAbi.status(stat) : null;
	}

	@Override
	public int pread(int fd, byte[] buffer, long offset) throws ErrnoException {
		return (int) check("pread", this.libc.pread(fd, buffer, buffer.length, offset));
	}

	@Override
	public void pwrite(int fd, byte[] bytes, long offset) throws ErrnoException {
		long written = check("pwrite", this.libc.pwrite(fd, bytes, bytes.length, offset));
		if (written != bytes.length) {
			throw failure("pwrite", LinuxAbi.EIO);
		}
	}

	@Override
	public void ftruncate(int fd, long length) throws ErrnoException {
		check("ftruncate", this.libc.ftruncate(fd, length));
	}

	@Override
	public void unlink(String path) throws ErrnoException {
		check("unlink", this.libc.unlink(path));
	}

	@Override
	public void mkdir(String path, int mode) throws ErrnoException {
		check("mkdir", this.libc.mkdir(path, mode));
	}

	@Override
	public void close(int fd) {
		this.libc.close(fd);
	}

	@Override
	public int geteuid() {
		return this.libc.geteuid();
	}

	@Override
	public boolean isAlive(long pid) {
		return pid > 0 && pid <= Integer.MAX_VALUE
				&& (this.libc.kill((int) pid, 0) == 0 || LastError.getLastError(this.runtime) == LinuxAbi.EPERM);
	}

	private static ByteBuffer statBuffer() {
		return ByteBuffer.allocate(LinuxAbi.STAT_SIZE).order(ByteOrder.nativeOrder());
	}

	private boolean exists(String call, int result) throws ErrnoException {
		if (result == 0) {
			return true;
		}
		int errno = LastError.getLastError(this.runtime);
		if (errno == LinuxAbi.ENOENT) {
			return false;
		}
		throw failure(call, errno);
	}

	private int check(String call, int result) throws ErrnoException {
		if (result < 0) {
			throw failure(call, LastError.getLastError(this.runtime));
		}
		return result;
	}

	private long check(String call, long result) throws ErrnoException {
		if (result < 0) {
			throw failure(call, LastError.getLastError(this.runtime));
		}
		return result;
	}

	private ErrnoException failure(String call, int errno) {
		String description = this.libc.strerror(errno);
		return new ErrnoException(call, new SystemError(errno, LinuxAbi.errnoName(errno),
				(description != null) ? description : "Unknown error " + errno));
	}

	/**
	 * The libc functions, as jnr-ffi binds them; {@code size_t}, {@code ssize_t} and
	 * {@code off_t} are 64 bits on the platforms this binding serves.
	 */
	public interface LibC {

		int open(CharSequence path, int flags, int mode);

		int flock(int fd, int operation);

		int fstat(int fd, @Out ByteBuffer stat);

		int lstat(CharSequence path, @Out ByteBuffer stat);

		int stat(CharSequence path, @Out ByteBuffer stat);

		long pread(int fd, @Out byte[] buffer, long count, long offset);

		long pwrite(int fd, @In byte[] buffer, long count, long offset);

		int ftruncate(int fd, long length);

		int unlink(CharSequence path);

		int mkdir(CharSequence path, int mode);

		int close(int fd);

		int geteuid();

		int kill(int pid, int signal);

		String strerror(int errno);

	}

}
