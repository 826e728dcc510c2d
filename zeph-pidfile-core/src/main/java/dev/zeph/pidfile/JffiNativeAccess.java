package dev.zeph.pidfile;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.LastError;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import org.jspecify.annotations.Nullable;

/**
 * {@link NativeAccess} for Java 17 to 21 on Linux x86_64 and aarch64, calling libc through
 * jffi, the JNI layer that jnr-ffi and jnr-posix are built on. jffi's {@code Invoker} calls a
 * function address with a {@code CallContext} (the signature) and nothing else: no generated
 * stub classes, no ASM. A pid file is taken on every start of the application, so this
 * backend is built for a cheap first call in a fresh JVM: it loads far fewer classes and jars
 * than a jnr-ffi binding or jnr-posix's {@code POSIX} would (BENCHMARKS.md).
 * <p>
 * Every argument is a machine word: file descriptors and flags as integers, paths and buffers
 * as addresses in one native buffer per thread, reused by every call rather than a
 * {@code malloc} and {@code free} per path and buffer.
 */
final class JffiNativeAccess implements NativeAccess {

	/** Where a thread's buffer holds {@code struct stat}, then a path or the bytes read or written. */
	private static final int STAT_OFFSET = 0;

	private static final int DATA_OFFSET = LinuxAbi.STAT_SIZE;

	private static final int DATA_SIZE = 1024;

	/** Each thread's buffer, a direct one so that the collector frees it once its thread is gone. */
	private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

	private final Invoker invoker = Invoker.getInstance();

	private final MemoryIO memory = MemoryIO.getInstance();

	private final LastError lastError = LastError.getInstance();

	private final Library libc;

	private final long open;

	private final long flock;

	private final long fstat;

	private final long lstat;

	private final long stat;

	private final long pread;

	private final long pwrite;

	private final long ftruncate;

	private final long unlink;

	private final long mkdir;

	private final long close;

	private final long geteuid;

	private final long kill;

	private final long strerror;

	/** {@code int f(const char *, int, mode_t)}, and {@code int f(const char *, mode_t)}. */
	private final CallContext pathIntInt;

	private final CallContext pathInt;

	/** {@code int f(int, int)}, {@code int f(int, off_t)}, {@code int f(int, struct stat *)}. */
	private final CallContext intInt;

	private final CallContext intLong;

	private final CallContext intPointer;

	/** {@code int f(const char *, struct stat *)} and {@code int f(const char *)}. */
	private final CallContext pathPointer;

	private final CallContext path;

	/** {@code ssize_t f(int, void *, size_t, off_t)}. */
	private final CallContext readWrite;

	private final CallContext oneInt;

	private final CallContext noArguments;

	private final CallContext errorText;

	JffiNativeAccess() {
		Library library = Library.getCachedInstance("libc.so.6", Library.LAZY | Library.LOCAL);
		if (library == null) {
			throw new IllegalStateException("cannot load libc.so.6: " + Library.getLastError());
		}
		this.libc = library;
		this.open = symbol("open");
		this.flock = symbol("flock");
		this.fstat = symbol("fstat");
		this.lstat = symbol("lstat");
		this.stat = symbol("stat");
		this.pread = symbol("pread");
		this.pwrite = symbol("pwrite");
		this.ftruncate = symbol("ftruncate");
		this.unlink = symbol("unlink");
		this.mkdir = symbol("mkdir");
		this.close = symbol("close");
		this.geteuid = symbol("geteuid");
		this.kill = symbol("kill");
		this.strerror = symbol("strerror");
		this.pathIntInt = signature(Type.SINT, Type.POINTER, Type.SINT, Type.UINT);
		this.pathInt = signature(Type.SINT, Type.POINTER, Type.UINT);
		this.intInt = signature(Type.SINT, Type.SINT, Type.SINT);
		this.intLong = signature(Type.SINT, Type.SINT, Type.SLONG);
		this.intPointer = signature(Type.SINT, Type.SINT, Type.POINTER);
		this.pathPointer = signature(Type.SINT, Type.POINTER, Type.POINTER);
		this.path = signature(Type.SINT, Type.POINTER);
		this.readWrite = signature(Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG, Type.SLONG);
		this.oneInt = signature(Type.SINT, Type.SINT);
		this.noArguments = signature(Type.UINT);
		this.errorText = signature(Type.POINTER, Type.SINT);
	}

	private long symbol(String name) {
		long address = this.libc.getSymbolAddress(name);
		if (address == 0) {
			throw new IllegalStateException("libc.so.6 has no " + name + ": " + Library.getLastError());
		}
		return address;
	}

	private static CallContext signature(Type result, Type... parameters) {
		return CallContext.getCallContext(result, parameters, CallingConvention.DEFAULT, true);
	}

	@Override
	public String name() {
		return "jffi";
	}

	@Override
	public int open(String path, boolean write) throws ErrnoException {
		return openWith(path, LinuxAbi.openFlags(write), 0);
	}

	@Override
	public int create(String path, int mode) throws ErrnoException {
		return openWith(path, LinuxAbi.createFlags(), mode);
	}

	private int openWith(String path, int flags, int mode) throws ErrnoException {
		long scratch = scratch();
		long cPath = cString(scratch, path);
		try {
			return check("open", (int) this.invoker.invokeN3(this.pathIntInt, this.open, cPath, flags, mode));
		}
		finally {
			free(scratch, cPath);
		}
	}

	@Override
	public boolean tryLock(int fd, boolean exclusive) throws ErrnoException {
		int operation = (exclusive ? LinuxAbi.LOCK_EX : LinuxAbi.LOCK_SH) | LinuxAbi.LOCK_NB;
		if ((int) this.invoker.invokeN2(this.intInt, this.flock, fd, operation) == 0) {
			return true;
		}
		int errno = this.lastError.get();
		if (errno == LinuxAbi.EWOULDBLOCK) {
			return false;
		}
		throw failure("flock", errno);
	}

	@Override
	public void awaitShared(int fd) throws ErrnoException {
		while ((int) this.invoker.invokeN2(this.intInt, this.flock, fd, LinuxAbi.LOCK_SH) != 0) {
			int errno = this.lastError.get();
			if (errno != LinuxAbi.EINTR) {
				throw failure("flock", errno);
			}
		}
	}

	@Override
	public FileStatus fstat(int fd) throws ErrnoException {
		long buffer = scratch() + STAT_OFFSET;
		check("fstat", (int) this.invoker.invokeN2(this.intPointer, this.fstat, fd, buffer));
		return status(buffer);
	}

	@Override
	public @Nullable FileStatus lstat(String path) throws ErrnoException {
		return pathStat(this.lstat, "lstat", path);
	}

	@Override
	public @Nullable FileStatus stat(String path) throws ErrnoException {
		return pathStat(this.stat, "stat", path);
	}

	private @Nullable FileStatus pathStat(long function, String name, String path)
			throws ErrnoException {
		long scratch = scratch();
		long cPath = cString(scratch, path);
		try {
			int result = (int) this.invoker.invokeN2(this.pathPointer, function, cPath, scratch + STAT_OFFSET);
			if (result == 0) {
				return status(scratch + STAT_OFFSET);
			}
			int errno = this.lastError.get();
			if (errno == LinuxAbi.ENOENT) {
				return null;
			}
			throw failure(name, errno);
		}
		finally {
			free(scratch, cPath);
		}
	}

	@Override
	public int pread(int fd, byte[] buffer, long offset) throws ErrnoException {
		long scratch = scratch();
		long data = (buffer.length <= DATA_SIZE) ? scratch + DATA_OFFSET
				: this.memory.allocateMemory(buffer.length, false);
		try {
			int read = (int) check("pread", this.invoker.invokeN4(this.readWrite, this.pread, fd, data, buffer.length,
					offset));
			this.memory.getByteArray(data, buffer, 0, read);
			return read;
		}
		finally {
			free(scratch, data);
		}
	}

	@Override
	public void pwrite(int fd, byte[] bytes, long offset) throws ErrnoException {
		long scratch = scratch();
		long data = (bytes.length <= DATA_SIZE) ? scratch + DATA_OFFSET : this.memory.allocateMemory(bytes.length, false);
		try {
			this.memory.putByteArray(data, bytes, 0, bytes.length);
			long written = check("pwrite", this.invoker.invokeN4(this.readWrite, this.pwrite, fd, data, bytes.length,
					offset));
			if (written != bytes.length) {
				throw failure("pwrite", LinuxAbi.EIO);
			}
		}
		finally {
			free(scratch, data);
		}
	}

	@Override
	public void ftruncate(int fd, long length) throws ErrnoException {
		check("ftruncate", (int) this.invoker.invokeN2(this.intLong, this.ftruncate, fd, length));
	}

	@Override
	public void unlink(String path) throws ErrnoException {
		long scratch = scratch();
		long cPath = cString(scratch, path);
		try {
			check("unlink", (int) this.invoker.invokeN1(this.path, this.unlink, cPath));
		}
		finally {
			free(scratch, cPath);
		}
	}

	@Override
	public void mkdir(String path, int mode) throws ErrnoException {
		long scratch = scratch();
		long cPath = cString(scratch, path);
		try {
			check("mkdir", (int) this.invoker.invokeN2(this.pathInt, this.mkdir, cPath, mode));
		}
		finally {
			free(scratch, cPath);
		}
	}

	@Override
	public void close(int fd) {
		this.invoker.invokeN1(this.oneInt, this.close, fd);
	}

	@Override
	public int geteuid() {
		return (int) this.invoker.invokeN0(this.noArguments, this.geteuid);
	}

	@Override
	public boolean isAlive(long pid) {
		return pid > 0 && pid <= Integer.MAX_VALUE
				&& ((int) this.invoker.invokeN2(this.intInt, this.kill, pid, 0) == 0
						|| this.lastError.get() == LinuxAbi.EPERM);
	}

	/** The address of this thread's buffer. */
	private static long scratch() {
		return SCRATCH.get().address;
	}

	/**
	 * A NUL-terminated copy of the path in the thread's buffer when it fits, else in memory of
	 * its own; {@link #free} it.
	 */
	private long cString(long scratch, String path) {
		byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
		long address = (bytes.length < DATA_SIZE) ? scratch + DATA_OFFSET
				: this.memory.allocateMemory(bytes.length + 1, false);
		this.memory.putZeroTerminatedByteArray(address, bytes, 0, bytes.length);
		return address;
	}

	/** Free memory that {@link #cString} or a large read or write allocated: not the thread's buffer. */
	private void free(long scratch, long address) {
		if (address != scratch + DATA_OFFSET) {
			this.memory.freeMemory(address);
		}
	}

	private FileStatus status(long buffer) {
		long links = LinuxAbi.AARCH64 ? Integer.toUnsignedLong(this.memory.getInt(buffer + LinuxAbi.ST_NLINK))
				: this.memory.getLong(buffer + LinuxAbi.ST_NLINK);
		return new FileStatus(this.memory.getLong(buffer + LinuxAbi.ST_DEV), this.memory.getLong(buffer + LinuxAbi.ST_INO),
				this.memory.getInt(buffer + LinuxAbi.ST_MODE), links, this.memory.getInt(buffer + LinuxAbi.ST_UID),
				this.memory.getLong(buffer + LinuxAbi.ST_SIZE));
	}

	private int check(String call, int result) throws ErrnoException {
		if (result < 0) {
			throw failure(call, this.lastError.get());
		}
		return result;
	}

	private long check(String call, long result) throws ErrnoException {
		if (result < 0) {
			throw failure(call, this.lastError.get());
		}
		return result;
	}

	private ErrnoException failure(String call, int errno) {
		long text = this.invoker.invokeN1(this.errorText, this.strerror, errno);
		String description = (text != 0)
				? new String(this.memory.getZeroTerminatedByteArray(text), StandardCharsets.UTF_8)
				: "Unknown error " + errno;
		return new ErrnoException(call, new SystemError(errno, LinuxAbi.errnoName(errno), description));
	}

	/** A thread's buffer, and its address. */
	private static final class Scratch {

		/** Kept for its address: the memory lives as long as this reference. */
		private final ByteBuffer buffer = ByteBuffer.allocateDirect(DATA_OFFSET + DATA_SIZE);

		private final long address = MemoryIO.getInstance().getDirectBufferAddress(this.buffer);

	}

}
