package dev.zeph.pidfile;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.jspecify.annotations.Nullable;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@link Libc} through {@code java.lang.foreign} (final since Java 22), on Linux
 * x86_64 and aarch64: no third-party code and no native library of our own. Lives in
 * {@code META-INF/versions/22} of the multi-release jar, so Java 17 never sees it. The kernel
 * ABI it needs (open flags, {@code struct stat}, errno names) is spelled out once in
 * {@link LinuxAbi}, shared with the jffi binding.
 * <p>
 * Linking a downcall generates a stub class for its {@link FunctionDescriptor}, and the first
 * one also sets up the linker: most of this backend's cost on every start of the application
 * (BENCHMARKS.md). Stubs are shared between handles of one descriptor, so every fixed-arity
 * call here goes through one shape, four 64-bit integers in and one out: on both
 * architectures an {@code int}, {@code off_t}, {@code size_t} or pointer argument travels in
 * a general-purpose register either way, unused argument registers are ignored by the
 * callee, and an {@code int} result is read as the low 32 bits (the cast to {@code int}).
 * Only variadic {@code open} keeps its own descriptor, the path passed as a word too, so the
 * whole binding needs two stubs.
 * <p>
 * Every call works in one native buffer per thread, reused: errno, {@code struct stat}, and a
 * path or the bytes read or written, so that a call allocates no native memory of its own.
 */
final class ForeignNativeAccess extends LinuxLibc {

	/** {@code struct stat} as the kernel fills it in; {@link LinuxAbi} knows its layout. */
	private static final long STAT_SIZE = LinuxAbi.STAT_SIZE;

	private static final Linker LINKER = Linker.nativeLinker();

	private static final SymbolLookup LIBC = LINKER.defaultLookup();

	private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

	private static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

	private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

	/** Where a thread's buffer holds {@code struct stat}: after the call state, 16-byte aligned. */
	private static final long STAT_OFFSET = (CAPTURE_LAYOUT.byteSize() + 15) & ~15L;

	/** Where it holds a path, or the bytes of a {@code pread} or {@code pwrite}. */
	private static final long DATA_OFFSET = STAT_OFFSET + STAT_SIZE;

	private static final long DATA_SIZE = 1024;

	/** Longest path that surely fits in the data part with its NUL, at 3 UTF-8 bytes a char. */
	private static final int DATA_PATH_CHARS = (int) (DATA_SIZE - 1) / 3;

	/** Each thread's buffer; freed by the collector once its thread is gone. */
	private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

	/** {@code long f(long, long, long, long)}, errno captured: the one shape of every fixed-arity call. */
	private static final FunctionDescriptor WORDS = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
			JAVA_LONG);

	/** {@code int open(const char *, int, ...)}, the path as a word like everywhere else. */
	private static final MethodHandle OPEN = LINKER.downcallHandle(symbol("open"),
			FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2),
			CAPTURE_ERRNO);

	private static final MethodHandle FLOCK = words("flock");

	private static final MethodHandle FSTAT = words("fstat");

	private static final MethodHandle LSTAT = words("lstat");

	private static final MethodHandle STAT = words("stat");

	private static final MethodHandle PREAD = words("pread");

	private static final MethodHandle PWRITE = words("pwrite");

	private static final MethodHandle FTRUNCATE = words("ftruncate");

	private static final MethodHandle UNLINK = words("unlink");

	private static final MethodHandle MKDIR = words("mkdir");

	private static final MethodHandle CLOSE = words("close");

	private static final MethodHandle GETEUID = words("geteuid");

	private static final MethodHandle KILL = words("kill");

	private static final MethodHandle STRERROR = words("strerror");

	@Override
	public NativeBackend backend() {
		return NativeBackend.FOREIGN;
	}

	@Override
	int open(String path, int flags, int mode) {
		MemorySegment scratch = SCRATCH.get().segment;
		if (path.length() <= DATA_PATH_CHARS) {
			scratch.setString(DATA_OFFSET, path);
			return open(scratch, scratch.address() + DATA_OFFSET, flags, mode);
		}
		try (Arena arena = Arena.ofConfined()) {
			return open(scratch, arena.allocateFrom(path).address(), flags, mode);
		}
	}

	private static int open(MemorySegment state, long path, int flags, int mode) {
		try {
			return (int) OPEN.invokeExact(state, path, flags, mode);
		}
		catch (Throwable ex) {
			throw failedDowncall("open", ex);
		}
	}

	@Override
	public int flock(int fd, int operation) {
		return (int) call(FLOCK, "flock", SCRATCH.get().segment, fd, operation, 0, 0);
	}

	@Override
	public @Nullable FileStatus fstat(int fd) {
		Scratch scratch = SCRATCH.get();
		return ((int) call(FSTAT, "fstat", scratch.segment, fd, scratch.segment.address() + STAT_OFFSET, 0, 0) == 0)
				? scratch.status() : null;
	}

	@Override
	public @Nullable FileStatus lstat(String path) {
		return pathStat(LSTAT, "lstat", path);
	}

	@Override
	public @Nullable FileStatus stat(String path) {
		return pathStat(STAT, "stat", path);
	}

	private static @Nullable FileStatus pathStat(MethodHandle handle, String name, String path) {
		Scratch scratch = SCRATCH.get();
		return ((int) pathCall(handle, name, scratch.segment, path, scratch.segment.address() + STAT_OFFSET) == 0)
				? scratch.status() : null;
	}

	@Override
	public long pread(int fd, byte[] buffer, long offset) {
		MemorySegment scratch = SCRATCH.get().segment;
		if (buffer.length > DATA_SIZE) {
			try (Arena arena = Arena.ofConfined()) {
				MemorySegment target = arena.allocate(buffer.length);
				return copyRead(target, 0, buffer,
						call(PREAD, "pread", scratch, fd, target.address(), buffer.length, offset));
			}
		}
		return copyRead(scratch, DATA_OFFSET, buffer,
				call(PREAD, "pread", scratch, fd, scratch.address() + DATA_OFFSET, buffer.length, offset));
	}

	private static long copyRead(MemorySegment source, long sourceOffset, byte[] buffer, long read) {
		if (read > 0) {
			MemorySegment.copy(source, JAVA_BYTE, sourceOffset, buffer, 0, (int) read);
		}
		return read;
	}

	@Override
	public long pwrite(int fd, byte[] bytes, long offset) {
		MemorySegment scratch = SCRATCH.get().segment;
		if (bytes.length > DATA_SIZE) {
			try (Arena arena = Arena.ofConfined()) {
				MemorySegment source = arena.allocate(bytes.length);
				MemorySegment.copy(bytes, 0, source, JAVA_BYTE, 0, bytes.length);
				return call(PWRITE, "pwrite", scratch, fd, source.address(), bytes.length, offset);
			}
		}
		MemorySegment.copy(bytes, 0, scratch, JAVA_BYTE, DATA_OFFSET, bytes.length);
		return call(PWRITE, "pwrite", scratch, fd, scratch.address() + DATA_OFFSET, bytes.length, offset);
	}

	@Override
	public int ftruncate(int fd, long length) {
		return (int) call(FTRUNCATE, "ftruncate", SCRATCH.get().segment, fd, length, 0, 0);
	}

	@Override
	public int unlink(String path) {
		return (int) pathCall(UNLINK, "unlink", SCRATCH.get().segment, path, 0);
	}

	@Override
	public int mkdir(String path, int mode) {
		return (int) pathCall(MKDIR, "mkdir", SCRATCH.get().segment, path, mode);
	}

	@Override
	public int close(int fd) {
		return (int) call(CLOSE, "close", SCRATCH.get().segment, fd, 0, 0, 0);
	}

	@Override
	public int geteuid() {
		return (int) call(GETEUID, "geteuid", SCRATCH.get().segment, 0, 0, 0, 0);
	}

	@Override
	public int kill(int pid, int signal) {
		return (int) call(KILL, "kill", SCRATCH.get().segment, pid, signal, 0, 0);
	}

	@Override
	public int lastErrno() {
		return SCRATCH.get().segment.get(JAVA_INT, ERRNO_OFFSET);
	}

	@Override
	public String strerror(int number) {
		long text = call(STRERROR, "strerror", SCRATCH.get().segment, number, 0, 0, 0);
		return (text == 0) ? "Unknown error " + number : MemorySegment.ofAddress(text).reinterpret(256).getString(0);
	}

	/** {@code f(path, b)}: the path copied into the thread's buffer when it fits, else into an arena of its own. */
	private static long pathCall(MethodHandle handle, String name, MemorySegment scratch, String path, long b) {
		if (path.length() <= DATA_PATH_CHARS) {
			scratch.setString(DATA_OFFSET, path);
			return call(handle, name, scratch, scratch.address() + DATA_OFFSET, b, 0, 0);
		}
		try (Arena arena = Arena.ofConfined()) {
			return call(handle, name, scratch, arena.allocateFrom(path).address(), b, 0, 0);
		}
	}

	/** One downcall of the shared shape; errno lands in {@code state}. */
	private static long call(MethodHandle handle, String name, MemorySegment state, long a, long b, long c, long d) {
		try {
			return (long) handle.invokeExact(state, a, b, c, d);
		}
		catch (Throwable ex) {
			throw failedDowncall(name, ex);
		}
	}

	private static RuntimeException failedDowncall(String name, Throwable ex) {
		if (ex instanceof RuntimeException runtime) {
			return runtime;
		}
		if (ex instanceof Error error) {
			throw error;
		}
		return new IllegalStateException(name + " downcall failed", ex);
	}

	private static MethodHandle words(String name) {
		return LINKER.downcallHandle(symbol(name), WORDS, CAPTURE_ERRNO);
	}

	private static MemorySegment symbol(String name) {
		return LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException("libc has no symbol '" + name + "'"));
	}

	/** A thread's buffer, and a view of it that {@link LinuxAbi} reads {@code struct stat} from. */
	private static final class Scratch {

		private final MemorySegment segment = Arena.ofAuto().allocate(DATA_OFFSET + DATA_SIZE, 16);

		private final ByteBuffer buffer = this.segment.asByteBuffer().order(ByteOrder.nativeOrder());

		FileStatus status() {
			return LinuxAbi.status(this.buffer, (int) STAT_OFFSET);
		}

	}

}
