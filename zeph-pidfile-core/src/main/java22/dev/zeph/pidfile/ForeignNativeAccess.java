package dev.zeph.pidfile;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import org.jspecify.annotations.Nullable;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@link NativeAccess} through {@code java.lang.foreign} (final since Java 22), on Linux
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
 * Only variadic {@code open} keeps its own, exact descriptor, so the whole binding needs two
 * stubs.
 */
final class ForeignNativeAccess implements NativeAccess {

	/** {@code struct stat} as the kernel fills it in; {@link LinuxAbi} reads it. */
	private static final long STAT_SIZE = LinuxAbi.STAT_SIZE;

	private static final Linker LINKER = Linker.nativeLinker();

	private static final SymbolLookup LIBC = LINKER.defaultLookup();

	private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

	private static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(MemoryLayout.PathElement.groupElement("errno"));

	private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

	/** {@code long f(long, long, long, long)}, errno captured: the one shape of every fixed-arity call. */
	private static final FunctionDescriptor WORDS = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
			JAVA_LONG);

	private static final MethodHandle OPEN = LINKER.downcallHandle(symbol("open"),
			FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2),
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
	public String name() {
		return "java.lang.foreign";
	}

	@Override
	public int open(String path, boolean write) throws ErrnoException {
		return openWith(path, LinuxAbi.openFlags(write), 0);
	}

	@Override
	public int create(String path, int mode) throws ErrnoException {
		return openWith(path, LinuxAbi.createFlags(), mode);
	}

	private static int openWith(String path, int flags, int mode) throws ErrnoException {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			int fd;
			try {
				fd = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags, mode);
			}
			catch (Throwable ex) {
				throw failedDowncall("open", ex);
			}
			if (fd < 0) {
				throw failure("open", state);
			}
			return fd;
		}
	}

	@Override
	public boolean tryLock(int fd, boolean exclusive) throws ErrnoException {
		int operation = (exclusive ? LinuxAbi.LOCK_EX : LinuxAbi.LOCK_SH) | LinuxAbi.LOCK_NB;
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			if ((int) call(FLOCK, "flock", state, fd, operation, 0, 0) == 0) {
				return true;
			}
			if (errno(state) == LinuxAbi.EWOULDBLOCK) {
				return false;
			}
			throw failure("flock", state);
		}
	}

	@Override
	public FileStatus fstat(int fd) throws ErrnoException {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			MemorySegment stat = arena.allocate(STAT_SIZE, 8);
			if ((int) call(FSTAT, "fstat", state, fd, stat.address(), 0, 0) != 0) {
				throw failure("fstat", state);
			}
			return LinuxAbi.status(stat.asByteBuffer());
		}
	}

	@Override
	public @Nullable FileStatus lstat(String path) throws ErrnoException {
		return pathStat(LSTAT, "lstat", path);
	}

	@Override
	public @Nullable FileStatus stat(String path) throws ErrnoException {
		return pathStat(STAT, "stat", path);
	}

	private static @Nullable FileStatus pathStat(MethodHandle handle, String name, String path)
			throws ErrnoException {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			MemorySegment stat = arena.allocate(STAT_SIZE, 8);
			if ((int) call(handle, name, state, arena.allocateFrom(path).address(), stat.address(), 0, 0) == 0) {
				return LinuxAbi.status(stat.asByteBuffer());
			}
			if (errno(state) == LinuxAbi.ENOENT) {
				return null;
			}
			throw failure(name, state);
		}
	}

	@Override
	public int pread(int fd, byte[] buffer, long offset) throws ErrnoException {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			MemorySegment target = arena.allocate(Math.max(buffer.length, 1));
			long read = call(PREAD, "pread", state, fd, target.address(), buffer.length, offset);
			if (read < 0) {
				throw failure("pread", state);
			}
			MemorySegment.copy(target, JAVA_BYTE, 0, buffer, 0, (int) read);
			return (int) read;
		}
	}

	@Override
	public void pwrite(int fd, byte[] bytes, long offset) throws ErrnoException {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			MemorySegment source = arena.allocate(Math.max(bytes.length, 1));
			MemorySegment.copy(bytes, 0, source, JAVA_BYTE, 0, bytes.length);
			long written = call(PWRITE, "pwrite", state, fd, source.address(), bytes.length, offset);
			if (written < 0) {
				throw failure("pwrite", state);
			}
			if (written != bytes.length) {
				throw new ErrnoException("pwrite", error(LinuxAbi.EIO));
			}
		}
	}

	@Override
	public void ftruncate(int fd, long length) throws ErrnoException {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			if ((int) call(FTRUNCATE, "ftruncate", state, fd, length, 0, 0) != 0) {
				throw failure("ftruncate", state);
			}
		}
	}

	@Override
	public void unlink(String path) throws ErrnoException {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			if ((int) call(UNLINK, "unlink", state, arena.allocateFrom(path).address(), 0, 0, 0) != 0) {
				throw failure("unlink", state);
			}
		}
	}

	@Override
	public void mkdir(String path, int mode) throws ErrnoException {
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			if ((int) call(MKDIR, "mkdir", state, arena.allocateFrom(path).address(), mode, 0, 0) != 0) {
				throw failure("mkdir", state);
			}
		}
	}

	@Override
	public void close(int fd) {
		try (Arena arena = Arena.ofConfined()) {
			call(CLOSE, "close", arena.allocate(CAPTURE_LAYOUT), fd, 0, 0, 0);
		}
	}

	@Override
	public int geteuid() {
		try (Arena arena = Arena.ofConfined()) {
			return (int) call(GETEUID, "geteuid", arena.allocate(CAPTURE_LAYOUT), 0, 0, 0, 0);
		}
	}

	@Override
	public boolean isAlive(long pid) {
		if (pid <= 0 || pid > Integer.MAX_VALUE) {
			return false;
		}
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(CAPTURE_LAYOUT);
			return (int) call(KILL, "kill", state, pid, 0, 0, 0) == 0 || errno(state) == LinuxAbi.EPERM;
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

	private static int errno(MemorySegment state) {
		return state.get(JAVA_INT, ERRNO_OFFSET);
	}

	private static ErrnoException failure(String call, MemorySegment state) {
		return new ErrnoException(call, error(errno(state)));
	}

	private static SystemError error(int errno) {
		return new SystemError(errno, LinuxAbi.errnoName(errno), strerror(errno));
	}

	private static String strerror(int errno) {
		try (Arena arena = Arena.ofConfined()) {
			long text = call(STRERROR, "strerror", arena.allocate(CAPTURE_LAYOUT), errno, 0, 0, 0);
			return (text == 0) ? "Unknown error " + errno : MemorySegment.ofAddress(text).reinterpret(256).getString(0);
		}
	}

	private static MethodHandle words(String name) {
		return LINKER.downcallHandle(symbol(name), WORDS, CAPTURE_ERRNO);
	}

	private static MemorySegment symbol(String name) {
		return LIBC.find(name).orElseThrow(() -> new UnsupportedOperationException("libc has no symbol '" + name + "'"));
	}

}
