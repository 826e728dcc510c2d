package dev.zeph.pidfile.benchmarks.sample;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * What Linux's {@code /proc} tells about a process, read without external tools: the CPU
 * time of the children this JVM has reaped, a process's peak resident set and the CPU time of
 * all its threads.
 */
public final class ProcFs {

	/** {@code USER_HZ}, the unit of the times in {@code /proc/<pid>/stat}: 100 on Linux. */
	private static final double TICKS_PER_SECOND = 100;

	private ProcFs() {
	}

	/**
	 * User + system CPU seconds of every child this JVM has waited for ({@code cutime} +
	 * {@code cstime} of {@code /proc/self/stat}). The difference across one
	 * {@link Process#waitFor()} is that child's CPU time, provided no other child ended
	 * meanwhile; the resolution is one tick, 10 ms.
	 */
	public static double reapedChildrenCpuSeconds() throws IOException {
		String stat = Files.readString(Path.of("/proc/self/stat"));
		// the fields after the command name, which may itself hold spaces and parentheses
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		// cutime and cstime are the 16th and 17th fields; fields[0] is the 3rd
		return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) / TICKS_PER_SECOND;
	}

	/** The peak resident set of a live process in KiB ({@code VmHWM}), or -1 once it is gone. */
	public static long peakRssKib(long pid) {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
				if (line.startsWith("VmHWM:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
		return -1;
	}

	/**
	 * Nanoseconds on CPU of a live process, user and system, its ended threads included:
	 * fields 14 and 15 of {@code /proc/<pid>/stat}, in clock ticks.
	 */
	public static long cpuNanos(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
		// the command, in parentheses, may hold spaces: count fields from after its closing one
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		return (long) (ticks / TICKS_PER_SECOND * 1e9);
	}

	/**
	 * Nanoseconds on CPU of all threads of a live process, the sum of the first field of each
	 * {@code /proc/<pid>/task/<tid>/schedstat}: threads that ended before the call no longer
	 * count, so only a difference over an interval in which no thread ends is meaningful.
	 */
	public static long threadsCpuNanos(long pid) throws IOException {
		long sum = 0;
		try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
			for (Path task : tasks) {
				try {
					sum += Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
				}
				catch (NoSuchFileException ex) {
					// the thread ended meanwhile
				}
			}
		}
		return sum;
	}

}
