package dev.zeph.pidfile.sample.jdbc;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * For the start-up benchmarks only (the {@code benchmarks} module, BENCHMARKS.md): with
 * {@code --sample.exit-when-ready=true} the application prints how long the JVM had been up when
 * it was ready to serve, the wall-clock time of that moment (so that a driver can measure from
 * the moment it launched {@code java}), how many bytes the main thread had allocated and how many
 * garbage collections had run by then (what drives the heap's share of peak RSS), and the main
 * thread's CPU time, one line, then
 * closes its context and exits 0.
 * Without that property this bean does not exist and the sample serves as usual.
 */
@Component
@ConditionalOnBooleanProperty("sample.exit-when-ready")
class ExitWhenReady implements ApplicationListener<ApplicationReadyEvent> {

	/**
	 * The start of the line the benchmark drivers parse, for example
	 * {@code sample.exit-when-ready: uptime_ms=2518 epoch_ms=1795000000123 main_alloc_bytes=301989888 gcs=7 main_cpu_ms=1710}
	 * ({@code main_alloc_bytes=-1} on a JVM without {@code com.sun.management}).
	 */
	static final String MARKER = "sample.exit-when-ready:";

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		long now = System.currentTimeMillis();
		long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
		System.out.println(MARKER + " uptime_ms=" + uptime + " epoch_ms=" + now + " main_alloc_bytes="
				+ mainThreadAllocatedBytes() + " gcs=" + garbageCollections() + " main_cpu_ms=" + mainThreadCpuMillis());
		System.exit(SpringApplication.exit(event.getApplicationContext()));
	}

	/** Bytes allocated so far by this thread, which runs SpringApplication and its initializers. */
	private static long mainThreadAllocatedBytes() {
		try {
			return ManagementFactory.getPlatformMXBean(com.sun.management.ThreadMXBean.class)
				.getThreadAllocatedBytes(Thread.currentThread().getId());
		}
		catch (RuntimeException | LinkageError ex) {
			return -1;
		}
	}

	/**
	 * CPU time this thread has used so far: the start-up's own work, which other processes on a
	 * busy machine delay but do not change, unlike the wall time.
	 */
	private static long mainThreadCpuMillis() {
		return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
	}

	private static long garbageCollections() {
		long count = 0;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			count += Math.max(0, collector.getCollectionCount());
		}
		return count;
	}

}
