package dev.zeph.pidfile.benchmarks.startup;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Not the project's code: what the java.lang.foreign path costs on the start-up path when it
 * links only the three functions a lock needs (open, flock, close, each capturing errno), to
 * compare with the core's backend, which links thirteen when it loads. Java 22+, Linux x86_64
 * flag values. Kept out of the module's Maven sources, which compile for Java 17:
 * {@link ProfileBenchmark} compiles it with a JDK 22+ {@code javac --release 22} when it runs on
 * such a JDK. Prints one line: {@code narrow binding=ffm3 ms=... cpu_ms=... classes=...}.
 */
public final class NarrowForeignProbe {

	private static final int O_RDWR = 02;

	private static final int O_CREAT = 0100;

	private static final int O_CLOEXEC = 02000000;

	private static final int LOCK_EX_NB = 2 | 4;

	private NarrowForeignProbe() {
	}

	public static void main(String[] args) throws Throwable {
		ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long classesBefore = classes.getTotalLoadedClassCount();
		long cpuBefore = threads.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		Linker linker = Linker.nativeLinker();
		Linker.Option errno = Linker.Option.captureCallState("errno");
		StructLayout capture = Linker.Option.captureStateLayout();
		MethodHandle open = linker.downcallHandle(linker.defaultLookup().find("open").orElseThrow(),
				FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2), errno);
		MethodHandle flock = linker.downcallHandle(linker.defaultLookup().find("flock").orElseThrow(),
				FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), errno);
		MethodHandle close = linker.downcallHandle(linker.defaultLookup().find("close").orElseThrow(),
				FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
		try (Arena arena = Arena.ofConfined()) {
			MemorySegment state = arena.allocate(capture);
			MemorySegment path = arena.allocateFrom(args[0]);
			int fd = (int) open.invokeExact(state, path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
			check(fd >= 0, "open");
			check((int) flock.invokeExact(state, fd, LOCK_EX_NB) == 0, "flock");
			check((int) close.invokeExact(state, fd) == 0, "close");
		}
		long end = System.nanoTime();
		long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
		long loaded = classes.getTotalLoadedClassCount() - classesBefore;
		System.out.printf("narrow binding=ffm3 ms=%.1f cpu_ms=%.1f classes=%d%n", (end - start) / 1e6, cpu / 1e6, loaded);
	}

	private static void check(boolean ok, String what) {
		if (!ok) {
			throw new IllegalStateException(what + " failed");
		}
	}

}
