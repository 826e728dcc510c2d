package dev.zeph.pidfile.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

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
	 * @param path the file
	 * @return whether the lock was free
	 * @throws IOException if flock cannot be started
	 * @throws InterruptedException if interrupted while waiting
	 */
	public static boolean isFree(Path path) throws IOException, InterruptedException {
		return Commands.run("flock", "-n", path.toString(), "true").exitCode() == 0;
	}

	/**
	 * Start {@code flock path sleep} and wait until it holds the lock. It waits for the lock
	 * rather than giving up ({@code -n}), since a probe of the code under test may hold it for
	 * a moment.
	 * @param path the file
	 * @return the holder, to {@link #release(Process)}
	 * @throws IOException if flock cannot be started
	 * @throws InterruptedException if interrupted while waiting
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
	 * @param holder the holder
	 */
	public static void release(Process holder) {
		Commands.killTree(holder);
	}

	private static boolean isFreeUnchecked(Path path) {
		try {
			return isFree(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
