package dev.zeph.pidfile.benchmarks.sample;

/**
 * The peak resident set of a child process, polled from {@code /proc/<pid>/status} every 10
 * ms while it lives, because the kernel no longer reports a process's {@code VmHWM} once it
 * has exited. What the process adds in its last 10 ms before exit is missed; the start-up
 * benchmarks end the application right after {@code ApplicationReadyEvent}, past its peak.
 */
final class PeakRss implements AutoCloseable {

	private final Thread poller;

	private volatile long peakKib = -1;

	private volatile boolean stopped;

	PeakRss(Process process) {
		long pid = process.pid();
		this.poller = new Thread(() -> {
			while (!this.stopped && process.isAlive()) {
				long kib = ProcFs.peakRssKib(pid);
				if (kib > this.peakKib) {
					this.peakKib = kib;
				}
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					return;
				}
			}
		}, "peak-rss-" + pid);
		this.poller.setDaemon(true);
		this.poller.start();
	}

	/** The highest {@code VmHWM} read, in KiB, or -1 if none was read. */
	long kib() {
		return this.peakKib;
	}

	@Override
	public void close() throws InterruptedException {
		this.stopped = true;
		this.poller.join();
	}

}
