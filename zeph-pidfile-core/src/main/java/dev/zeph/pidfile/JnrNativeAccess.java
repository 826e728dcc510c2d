package dev.zeph.pidfile;

import java.util.HashMap;
import java.util.Map;

import jnr.constants.platform.OpenFlags;
import jnr.posix.FileStat;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.util.DefaultPOSIXHandler;
import org.jspecify.annotations.Nullable;

/**
 * {@link Libc} through jnr-posix, for macOS and the architectures whose kernel ABI
 * {@link LinuxAbi} does not spell out (and for any JDK when asked for): jnr-posix knows each
 * platform's open flags, errno numbers and {@code struct stat}. jnr-posix quietly falls back to
 * a pure-Java emulation when it cannot load its native library; that emulation has no
 * {@code flock(2)}, so it is refused here rather than allowed to lock nothing.
 */
final class JnrNativeAccess implements Libc {

	private static final int OPEN_FLAGS = OpenFlags.O_CLOEXEC.intValue() | OpenFlags.O_NOFOLLOW.intValue();

	private static final int READ_FLAGS = OPEN_FLAGS | OpenFlags.O_RDONLY.intValue() | OpenFlags.O_NONBLOCK.intValue();

	private static final int WRITE_FLAGS = OPEN_FLAGS | OpenFlags.O_RDWR.intValue();

	private static final int CREATE_FLAGS = WRITE_FLAGS | OpenFlags.O_CREAT.intValue() | OpenFlags.O_EXCL.intValue();

	/** This platform's errno numbers, as jnr-constants knows them. */
	private static final Map<Integer, Errno> ERRNOS = errnos();

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

	private static Map<Integer, Errno> errnos() {
		Map<Integer, Errno> errnos = new HashMap<>();
		for (Errno errno : Errno.values()) {
			try {
				jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(errno.name());
				if (known.defined()) {
					errnos.put(known.intValue(), errno);
				}
			}
			catch (IllegalArgumentException ex) {
				// a name jnr-constants does not know: such a failure is named by its number
			}
		}
		return Map.copyOf(errnos);
	}

	@Override
	public NativeBackend backend() {
		return NativeBackend.JNR_POSIX;
	}

	@Override
	public int open(String path, boolean write) {
		return this.posix.open(path, write ? WRITE_FLAGS : READ_FLAGS, 0);
	}

	@Override
	public int create(String path, int mode) {
		return this.posix.open(path, CREATE_FLAGS, mode);
	}

	@Override
	public int flock(int fd, int operation) {
		return this.posix.flock(fd, operation);
	}

	@Override
	public @Nullable FileStatus fstat(int fd) {
		FileStat stat = this.posix.allocateStat();
		return (this.posix.fstat(fd, stat) == 0) ? status(stat) : null;
	}

	@Override
	public @Nullable FileStatus lstat(String path) {
		FileStat stat = this.posix.allocateStat();
		return (this.posix.lstat(path, stat) == 0) ? status(stat) : null;
	}

	@Override
	public @Nullable FileStatus stat(String path) {
		FileStat stat = this.posix.allocateStat();
		return (this.posix.stat(path, stat) == 0) ? status(stat) : null;
	}

	@Override
	public long pread(int fd, byte[] buffer, long offset) {
		return this.posix.pread(fd, buffer, buffer.length, offset);
	}

	@Override
	public long pwrite(int fd, byte[] bytes, long offset) {
		return this.posix.pwrite(fd, bytes, bytes.length, offset);
	}

	@Override
	public int ftruncate(int fd, long length) {
		return this.posix.ftruncate(fd, length);
	}

	@Override
	public int unlink(String path) {
		return this.posix.unlink(path);
	}

	@Override
	public int mkdir(String path, int mode) {
		return this.posix.mkdir(path, mode);
	}

	@Override
	public int close(int fd) {
		return this.posix.close(fd);
	}

	@Override
	public int geteuid() {
		return this.posix.geteuid();
	}

	@Override
	public int kill(int pid, int signal) {
		return this.posix.kill(pid, signal);
	}

	@Override
	public int lastErrno() {
		return this.posix.errno();
	}

	@Override
	public @Nullable Errno errnoOf(int number) {
		return ERRNOS.get(number);
	}

	@Override
	public String strerror(int number) {
		jnr.constants.platform.Errno known = jnr.constants.platform.Errno.valueOf(number);
		return (known != null && known.defined()) ? known.description() : "Unknown error " + number;
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
		public void error(jnr.constants.platform.Errno error, String extraData) {
		}

		@Override
		public void error(jnr.constants.platform.Errno error, String methodName, String extraData) {
		}

	}

}
