package dev.zeph.pidfile.benchmarks.startup;

import java.lang.management.ClassLoadingMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;

import dev.zeph.pidfile.PidFile;

/**
 * What the first {@code PidFile.acquire} costs in a fresh JVM, without Spring: the native
 * backend's loading and linking plus one acquire and one release. {@link ProfileBenchmark} runs
 * it in a JVM of its own with the web sample's extracted libraries on the class path (the core,
 * and on JDK 17 jffi), so that the backend loads cold. Prints one
 * line: {@code cold_acquire ms=... release_ms=... cpu_ms=... classes=... backend=...}.
 */
public final class ColdAcquire {

	private ColdAcquire() {
	}

	public static void main(String[] args) throws Exception {
		// the measuring instruments are loaded before the clock starts
		ClassLoadingMXBean classes = ManagementFactory.getClassLoadingMXBean();
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long classesBefore = classes.getTotalLoadedClassCount();
		long cpuBefore = threads.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		long acquired;
		String backend;
		try (PidFile pidFile = PidFile.acquire(Path.of(args[0]))) {
			acquired = System.nanoTime();
			backend = pidFile.nativeBackend();
		}
		long released = System.nanoTime();
		long cpu = threads.getCurrentThreadCpuTime() - cpuBefore;
		long loaded = classes.getTotalLoadedClassCount() - classesBefore;
		System.out.printf("cold_acquire ms=%.1f release_ms=%.2f cpu_ms=%.1f classes=%d backend=%s%n",
				(acquired - start) / 1e6, (released - acquired) / 1e6, cpu / 1e6, loaded, backend);
	}

}
