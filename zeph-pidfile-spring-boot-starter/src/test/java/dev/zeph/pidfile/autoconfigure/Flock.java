package dev.zeph.pidfile.autoconfigure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code flock(1)}, util-linux's lock command: a real other process that takes the same
 * {@code flock(2)} lock, the way an operator or a script would.
 */
public final class Flock {

	private Flock() {
	}

	/**
	 * Whether {@code flock -n path true} could take the lock: the same question a shell script
	 * asks before it starts the application.
	 */
	public static boolean isFree(Path path) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("flock", "-n", path.toString(), "true").redirectErrorStream(true)
			.start();
		process.getInputStream().readAllBytes();
		if (!process.waitFor(60, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("flock -n " + path + " true did not finish");
		}
		return process.exitValue() == 0;
	}

	/**
	 * Start {@code flock path sleep} and wait until it holds the lock. It waits for the lock
	 * rather than giving up ({@code -n}), since our own probe may hold it for a moment.
	 */
	public static Process hold(Path path) throws IOException, InterruptedException {
		Process process = new ProcessBuilder("flock", path.toString(), "sleep", "600").redirectErrorStream(true)
			.start();
		Polling.await(() -> !process.isAlive() || !isFreeUnchecked(path), "flock to take " + path);
		if (!process.isAlive()) {
			throw new IllegalStateException("flock could not lock " + path + ": exit " + process.exitValue());
		}
		return process;
	}

	/**
	 * Stop a {@link #hold(Path) holder}: the {@code sleep} child shares the locked open file
	 * description, so it has to go too.
	 */
	public static void release(Process holder) {
		List<ProcessHandle> descendants = holder.descendants().toList();
		descendants.forEach(ProcessHandle::destroyForcibly);
		holder.destroyForcibly();
		holder.onExit().orTimeout(60, TimeUnit.SECONDS).join();
		descendants.forEach((descendant) -> descendant.onExit().orTimeout(60, TimeUnit.SECONDS).join());
	}

	private static boolean isFreeUnchecked(Path path) {
		try {
			return isFree(path);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
