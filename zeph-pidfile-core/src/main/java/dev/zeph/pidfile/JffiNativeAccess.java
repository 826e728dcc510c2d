package dev.zeph.pidfile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * {@link Libc} for Java 17 to 21 on Linux x86_64 and aarch64, calling libc through
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
final class JffiNativeAccess extends LinuxLibc {

	/** Where a thread's buffer holds {@code struct stat}, then a path or the bytes read or written. */
	private static final int STAT_OFFSET = 0;

	private static final int DATA_OFFSET = LinuxAbi.STAT_SIZE;

	private static final int DATA_SIZE = 1024;

	/** Each thread's buffer, a direct one so that the collector frees it once its thread is gone. */
	private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

	/** {@code int f(const char *, int, mode_t)}, and {@code int f(const char *, mode_t)}. */
	private final CallContext pathIntInt = signature(Type.SINT, Type.POINTER, Type.SINT, Type.UINT);

	private final CallContext pathInt = signature(Type.SINT, Type.POINTER, Type.UINT);

	/** {@code int f(int, int)}, {@code int f(int, off_t)}, {@code int f(int, struct stat *)}. */
	private final CallContext intInt = signature(Type.SINT, Type.SINT, Type.SINT);

	private final CallContext intLong = signature(Type.SINT, Type.SINT, Type.SLONG);

	private final CallContext intPointer = signature(Type.SINT, Type.SINT, Type.POINTER);

	/** {@code int f(const char *, struct stat *)} and {@code int f(const char *)}. */
	private final CallContext pathPointer = signature(Type.SINT, Type.POINTER, Type.POINTER);

	private final CallContext pathOnly = signature(Type.SINT, Type.POINTER);

	/** {@code ssize_t f(int, void *, size_t, off_t)}. */
	private final CallContext readWrite = signature(Type.SLONG, Type.SINT, Type.POINTER, Type.ULONG,
			Type.SLONG);

	private final CallContext oneInt = signature(Type.SINT, Type.SINT);

	private final CallContext noArguments = signature(Type.UINT);

	private final CallContext errorText = signature(Type.POINTER, Type.SINT);

	private final Invoker invoker = Invoker.getInstance();

	private final MemoryIO memory = MemoryIO.getInstance();

	private final LastError lastError = LastError.getInstance();

	private final Library libc = libc();

	private final long open = symbol("open");

	private final long flock = symbol("flock");

	private final long fstat = symbol("fstat");

	private final long lstat = symbol("lstat");

	private final long stat = symbol("stat");

	private final long pread = symbol("pread");

	private final long pwrite = symbol("pwrite");

	private final long ftruncate = symbol("ftruncate");

	private final long unlink = symbol("unlink");

	private final long mkdir = symbol("mkdir");

	private final long close = symbol("close");

	private final long geteuid = symbol("geteuid");

	private final long kill = symbol("kill");

	private final long strerror = symbol("strerror");

	private static Library libc() {
		Library library = Library.getCachedInstance("libc.so.6", Library.LAZY | Library.LOCAL);
		if (library == null) {
			throw new IllegalStateException("cannot load libc.so.6: " + Library.getLastError());
		}
		return library;
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
	public NativeBackend backend() {
		return NativeBackend.JFFI;
	}

	@Override
	int open(String path, int flags, int mode) {
		Scratch scratch = SCRATCH.get();
		long cPath = cString(scratch, path);
		try {
			return (int) this.invoker.invokeN3(this.pathIntInt, this.open, cPath, flags, mode);
		}
		finally {
			free(scratch, cPath);
		}
	}

	@Override
	public int flock(int fd, int operation) {
		return (int) this.invoker.invokeN2(this.intInt, this.flock, fd, operation);
	}

	@Override
	public @Nullable FileStatus fstat(int fd) {
		Scratch scratch = SCRATCH.get();
		return ((int) this.invoker.invokeN2(this.intPointer, this.fstat, fd, scratch.address + STAT_OFFSET) == 0)
				? scratch.status() : null;
	}

	@Override
	public @Nullable FileStatus lstat(String path) {
		return pathStat(this.lstat, path);
	}

	@Override
	public @Nullable FileStatus stat(String path) {
		return pathStat(this.stat, path);
	}

	private @Nullable FileStatus pathStat(long function, String path) {
		Scratch scratch = SCRATCH.get();
		long cPath = cString(scratch, path);
		try {
			return ((int) this.invoker.invokeN2(this.pathPointer, function, cPath, scratch.address + STAT_OFFSET) == 0)
					? scratch.status() : null;
		}
		finally {
			free(scratch, cPath);
		}
	}

	@Override
	public long pread(int fd, byte[] buffer, long offset) {
		Scratch scratch = SCRATCH.get();
		long data = data(scratch, buffer.length);
		try {
			long read = this.invoker.invokeN4(this.readWrite, this.pread, fd, data, buffer.length, offset);
			if (read > 0) {
				this.memory.getByteArray(data, buffer, 0, (int) read);
			}
			return read;
		}
		finally {
			free(scratch, data);
		}
	}

	@Override
	public long pwrite(int fd, byte[] bytes, long offset) {
		Scratch scratch = SCRATCH.get();
		long data = data(scratch, bytes.length);
		try {
			this.memory.putByteArray(data, bytes, 0, bytes.length);
			return this.invoker.invokeN4(this.readWrite, this.pwrite, fd, data, bytes.length, offset);
		}
		finally {
			free(scratch, data);
		}
	}

	@Override
	public int ftruncate(int fd, long length) {
		return (int) this.invoker.invokeN2(this.intLong, this.ftruncate, fd, length);
	}

	@Override
	public int unlink(String path) {
		Scratch scratch = SCRATCH.get();
		long cPath = cString(scratch, path);
		try {
			return (int) this.invoker.invokeN1(this.pathOnly, this.unlink, cPath);
		}
		finally {
			free(scratch, cPath);
		}
	}

	@Override
	public int mkdir(String path, int mode) {
		Scratch scratch = SCRATCH.get();
		long cPath = cString(scratch, path);
		try {
			return (int) this.invoker.invokeN2(this.pathInt, this.mkdir, cPath, mode);
		}
		finally {
			free(scratch, cPath);
		}
	}

	@Override
	public int close(int fd) {
		return (int) this.invoker.invokeN1(this.oneInt, this.close, fd);
	}

	@Override
	public int geteuid() {
		return (int) this.invoker.invokeN0(this.noArguments, this.geteuid);
	}

	@Override
	public int kill(int pid, int signal) {
		return (int) this.invoker.invokeN2(this.intInt, this.kill, pid, signal);
	}

	@Override
	public int lastErrno() {
		return this.lastError.get();
	}

	@Override
	public String strerror(int number) {
		long text = this.invoker.invokeN1(this.errorText, this.strerror, number);
		return (text != 0) ? new String(this.memory.getZeroTerminatedByteArray(text), StandardCharsets.UTF_8)
				: "Unknown error " + number;
	}

	/**
	 * A NUL-terminated copy of the path in the thread's buffer when it fits, else in memory of
	 * its own; {@link #free} it.
	 */
	private long cString(Scratch scratch, String path) {
		byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
		long address = (bytes.length < DATA_SIZE) ? scratch.address + DATA_OFFSET
				: this.memory.allocateMemory(bytes.length + 1, false);
		this.memory.putZeroTerminatedByteArray(address, bytes, 0, bytes.length);
		return address;
	}

	/** Room for a read or write: the thread's buffer when it fits, else memory of its own; {@link #free} it. */
	private long data(Scratch scratch, int length) {
		return (length <= DATA_SIZE) ? scratch.address + DATA_OFFSET : this.memory.allocateMemory(length, false);
	}

	/** Free memory that {@link #cString} or {@link #data} allocated: not the thread's buffer. */
	private void free(Scratch scratch, long address) {
		if (address != scratch.address + DATA_OFFSET) {
			this.memory.freeMemory(address);
		}
	}

	/** A thread's buffer, and its address. */
	private static final class Scratch {

		/** Kept for its address: the memory lives as long as this reference. */
		private final ByteBuffer buffer = ByteBuffer.allocateDirect(DATA_OFFSET + DATA_SIZE)
			.order(ByteOrder.nativeOrder());

		private final long address = MemoryIO.getInstance().getDirectBufferAddress(this.buffer);

		FileStatus status() {
			return LinuxAbi.status(this.buffer, STAT_OFFSET);
		}

	}

}
