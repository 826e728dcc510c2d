package dev.zeph.pidfile;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import org.jspecify.annotations.Nullable;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@link NativeAccess} through {@code java.lang.foreign} (final since Java 22), on Linux
 * x86_64 and aarch64: no third-party code, no native library of our own, and no start-up cost
 * worth measuring. Lives in {@code META-INF/versions/22} of the multi-release jar, so Java 17
 * never sees it. The kernel ABI it needs (open flags, {@code struct stat}, errno names) is
 * spelled out once in {@link LinuxAbi}, shared with the jffi binding.
 */
final class ForeignNativeAccess implements NativeAccess {

	/** {@code struct stat} as the kernel fills it in; {@link LinuxAbi} reads it. */
	private static final long STAT_SIZE = LinuxAbi.STAT_SIZE;

	private static final Linker LINKER = Linker.nativeLinker();

	private static final SymbolLookup LIBC = LINKER.defaultLookup();

	private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();

	private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

	private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

	private static final MethodHandle OPEN = downcall("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
			Linker.Option.firstVariadicArg(2), CAPTURE_ERRNO);

	private static final MethodHandle FLOCK = downcall("flock", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
			CAPTURE_ERRNO);

	private static final MethodHandle FSTAT = downcall("fstat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS),
			CAPTURE_ERRNO);

	private static final MethodHandle LSTAT = downcall("lstat", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
			CAPTURE_ERRNO);

	private static final MethodHandle STAT = downcall("stat", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS),
			CAPTURE_ERRNO);

	private static final MethodHandle PREAD = downcall("pread",
			FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);

	private static final MethodHandle PWRITE = downcall("pwrite",
			FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), CAPTURE_ERRNO);

	private static final MethodHandle FTRUNCATE = downcall("ftruncate",
			FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), CAPTURE_ERRNO);

	private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

	private static final MethodHandle GETEUID = downcall("geteuid", FunctionDescriptor.of(JAVA_INT));

	/**
	 * Calls that no start-up makes: release, a missing directory, a refusal's wording, a probe.
	 * Linking a downcall costs the first caller class generation and tens of kilobytes; these
	 * are linked when first used, not when the application starts.
	 */
	private static final class Rare {

		static final MethodHandle UNLINK = downcall("unlink", FunctionDescriptor.of(JAVA_INT, ADDRESS), CAPTURE_ERRNO);

		static final MethodHandle MKDIR = downcall("mkdir", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
				CAPTURE_ERRNO);

		static final MethodHandle KILL = downcall("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
				CAPTURE_ERRNO);

		static final MethodHandle STRERROR = downcall("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));

	}

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

	private int openWith(String path, int flags, int mode) throws ErrnoException {
		return invoke((state, arena) -> check("open", (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags,
				mode), state));
	}

	@Override
	public boolean tryLock(int fd, boolean exclusive) throws ErrnoException {
		return invoke((state, arena) -> {
			if ((int) FLOCK.invokeExact(state, fd, (exclusive ? LinuxAbi.LOCK_EX : LinuxAbi.LOCK_SH) | LinuxAbi.LOCK_NB) == 0) {
				return true;
			}
			if (errno(state) == LinuxAbi.EWOULDBLOCK) {
				return false;
			}
			throw new ErrnoException("flock", error(errno(state)));
		});
	}

	@Override
	public FileStatus fstat(int fd) throws ErrnoException {
		return invoke((state, arena) -> {
			MemorySegment stat = arena.allocate(STAT_SIZE, 8);
			check("fstat", (int) FSTAT.invokeExact(state, fd, stat), state);
			return status(stat);
		});
	}

	@Override
	public @Nullable FileStatus lstat(String path) throws ErrnoException {
		return pathStat(LSTAT, "lstat", path);
	}

	@Override
	public @Nullable FileStatus stat(String path) throws ErrnoException {
		return pathStat(STAT, "stat", path);
	}

	private static @Nullable FileStatus pathStat(MethodHandle call, String name, String path) throws ErrnoException {
		return invoke((state, arena) -> {
			MemorySegment stat = arena.allocate(STAT_SIZE, 8);
			return exists(name, (int) call.invokeExact(state, arena.allocateFrom(path), stat), state) ? status(stat)
					: null;
		});
	}

	@Override
	public int pread(int fd, byte[] buffer, long offset) throws ErrnoException {
		return invoke((state, arena) -> {
			MemorySegment target = arena.allocate(buffer.length);
			long read = (long) PREAD.invokeExact(state, fd, target, (long) buffer.length, offset);
			if (read < 0) {
				throw new ErrnoException("pread", error(errno(state)));
			}
			MemorySegment.copy(target, JAVA_BYTE, 0, buffer, 0, (int) read);
			return (int) read;
		});
	}

	@Override
	public void pwrite(int fd, byte[] bytes, long offset) throws ErrnoException {
		invoke((state, arena) -> {
			long written = (long) PWRITE.invokeExact(state, fd, arena.allocateFrom(JAVA_BYTE, bytes),
					(long) bytes.length, offset);
			if (written != bytes.length) {
				throw new ErrnoException("pwrite", error((written < 0) ? errno(state) : LinuxAbi.EIO));
			}
			return null;
		});
	}

	@Override
	public void ftruncate(int fd, long length) throws ErrnoException {
		invoke((state, arena) -> check("ftruncate", (int) FTRUNCATE.invokeExact(state, fd, length), state));
	}

	@Override
	public void unlink(String path) throws ErrnoException {
		invoke((state, arena) -> check("unlink", (int) Rare.UNLINK.invokeExact(state, arena.allocateFrom(path)),
				state));
	}

	@Override
	public void mkdir(String path, int mode) throws ErrnoException {
		invoke((state, arena) -> check("mkdir", (int) Rare.MKDIR.invokeExact(state, arena.allocateFrom(path), mode),
				state));
	}

	@Override
	public void close(int fd) {
		try {
			int ignored = (int) CLOSE.invokeExact(fd);
		}
		catch (Throwable ex) {
			throw new IllegalStateException("close(" + fd + ") failed", ex);
		}
	}

	@Override
	public int geteuid() {
		try {
			return (int) GETEUID.invokeExact();
		}
		catch (Throwable ex) {
			throw new IllegalStateException("geteuid() failed", ex);
		}
	}


	@Override
	public boolean isAlive(long pid) {
		if (pid <= 0 || pid > Integer.MAX_VALUE) {
			return false;
		}
		try {
			return invoke((state, arena) -> (int) Rare.KILL.invokeExact(state, (int) pid, 0) == 0
					|| errno(state) == LinuxAbi.EPERM);
		}
		catch (ErrnoException ex) {
			return false;
		}
	}
	/**
	 * Run one downcall with a fresh confined arena and an errno capture buffer: nothing
	 * native outlives the call.
	 */
	private static <T> T invoke(Downcall<T> downcall) throws ErrnoException {
		try (Arena arena = Arena.ofConfined()) {
			return downcall.call(arena.allocate(CAPTURE_LAYOUT), arena);
		}
		catch (ErrnoException | RuntimeException | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static boolean exists(String call, int result, MemorySegment state) throws ErrnoException {
		if (result == 0) {
			return true;
		}
		if (errno(state) == LinuxAbi.ENOENT) {
			return false;
		}
		throw new ErrnoException(call, error(errno(state)));
	}

	private static int check(String call, int result, MemorySegment state) throws ErrnoException {
		if (result < 0) {
			throw new ErrnoException(call, error(errno(state)));
		}
		return result;
	}

	private static int errno(MemorySegment state) {
		return (int) ERRNO.get(state, 0L);
	}

	private static SystemError error(int errno) {
		return new SystemError(errno, LinuxAbi.errnoName(errno), strerror(errno));
	}

	private static String strerror(int errno) {
		try {
			MemorySegment text = (MemorySegment) Rare.STRERROR.invokeExact(errno);
			return text.equals(MemorySegment.NULL) ? "Unknown error " + errno : text.reinterpret(256).getString(0);
		}
		catch (Throwable ex) {
			return "Unknown error " + errno;
		}
	}

	private static FileStatus status(MemorySegment stat) {
		return LinuxAbi.status(stat.asByteBuffer());
	}

	@FunctionalInterface
	private interface Downcall<T> {

		T call(MemorySegment state, Arena arena) throws Throwable;

	}

	private static MethodHandle downcall(String name, FunctionDescriptor descriptor, Linker.Option... options) {
		MemorySegment symbol = LIBC.find(name)
			.orElseThrow(() -> new UnsupportedOperationException("libc has no symbol '" + name + "'"));
		return LINKER.downcallHandle(symbol, descriptor, options);
	}

}
