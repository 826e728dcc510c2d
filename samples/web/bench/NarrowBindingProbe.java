import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.CallingConvention;
import com.kenai.jffi.Invoker;
import com.kenai.jffi.Library;
import com.kenai.jffi.MemoryIO;
import com.kenai.jffi.Type;
import jnr.ffi.LibraryLoader;

/**
 * Not the project's code: a measurement of what narrower bindings than jnr-posix's full
 * {@code POSIX} would cost on the start-up path, for the core's JDK 17 backend to choose from.
 * In a fresh JVM, without Spring, it opens a file, takes {@code flock(LOCK_EX|LOCK_NB)} and
 * closes it (Linux x86_64 flag values), through one of:
 * <ul>
 * <li>{@code jnr-ffi}: a three-function interface loaded with jnr-ffi's {@code LibraryLoader}
 * (jnr-ffi generates its stubs with ASM);</li>
 * <li>{@code jffi}: jnr's JNI layer called directly, {@code CallContext} + {@code Invoker}, no
 * generated code at all.</li>
 * </ul>
 * Prints one line: {@code narrow binding=... ms=... cpu_ms=... classes=...}.
 */
public final class NarrowBindingProbe {

	private static final int O_RDWR = 02;

	private static final int O_CREAT = 0100;

	private static final int O_CLOEXEC = 02000000;

	private static final int LOCK_EX_NB = 2 | 4;

	private NarrowBindingProbe() {
	}

	/** The jnr-ffi binding: only the functions the lock needs. */
	public interface LibC {

		int open(String path, int flags, int mode);

		int flock(int fd, int operation);

		int close(int fd);

	}

	public static void main(String[] args) {
		String binding = args[0];
		String path = args[1];
		ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long classesBefore = classes.getTotalLoadedClassCount();
		long cpuBefore = threads.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		switch (binding) {
			case "jnr-ffi" -> jnrFfi(path);
			case "jffi" -> jffi(path);
			default -> throw new IllegalArgumentException("binding: jnr-ffi or jffi, not " + binding);
		}
		long end = System.nanoTime();
		long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
		long loaded = classes.getTotalLoadedClassCount() - classesBefore;
		System.out.printf("narrow binding=%s ms=%.1f cpu_ms=%.1f classes=%d%n", binding, (end - start) / 1e6, cpu / 1e6,
				loaded);
	}

	private static void jnrFfi(String path) {
		LibC libc = LibraryLoader.create(LibC.class).load("c");
		int fd = libc.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		check(fd >= 0, "open");
		check(libc.flock(fd, LOCK_EX_NB) == 0, "flock");
		check(libc.close(fd) == 0, "close");
	}

	private static void jffi(String path) {
		Library libc = Library.getCachedInstance("libc.so.6", Library.LAZY | Library.LOCAL);
		check(libc != null, "dlopen libc.so.6");
		Invoker invoker = Invoker.getInstance();
		CallContext open = CallContext.getCallContext(Type.SINT, new Type[] { Type.POINTER, Type.SINT, Type.SINT },
				CallingConvention.DEFAULT, true);
		CallContext intInt = CallContext.getCallContext(Type.SINT, new Type[] { Type.SINT, Type.SINT },
				CallingConvention.DEFAULT, true);
		CallContext oneInt = CallContext.getCallContext(Type.SINT, new Type[] { Type.SINT }, CallingConvention.DEFAULT,
				true);
		MemoryIO memory = MemoryIO.getInstance();
		byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
		long cPath = memory.allocateMemory(bytes.length + 1, true);
		try {
			memory.putZeroTerminatedByteArray(cPath, bytes, 0, bytes.length);
			int fd = (int) invoker.invokeN3(open, libc.getSymbolAddress("open"), cPath, O_RDWR | O_CREAT | O_CLOEXEC,
					0644);
			check(fd >= 0, "open");
			check((int) invoker.invokeN2(intInt, libc.getSymbolAddress("flock"), fd, LOCK_EX_NB) == 0, "flock");
			check((int) invoker.invokeN1(oneInt, libc.getSymbolAddress("close"), fd) == 0, "close");
		}
		finally {
			memory.freeMemory(cPath);
		}
	}

	private static void check(boolean ok, String what) {
		if (!ok) {
			throw new IllegalStateException(what + " failed");
		}
	}

}
