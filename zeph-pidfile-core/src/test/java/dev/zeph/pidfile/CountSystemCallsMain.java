package dev.zeph.pidfile;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A child JVM that acquires and releases a pid file a few times to load and link everything,
 * then once more between two marker look-ups, so that a test tracing it with {@code strace} can
 * count the system calls of one steady-state acquire and release on the thread that made
 * them.
 */
public final class CountSystemCallsMain {

	private CountSystemCallsMain() {
	}

	/**
	 * @param args the pid file, then the paths of the start and end markers (looked up, never
	 * created)
	 */
	public static void main(String[] args) throws Exception {
		Path path = Path.of(args[0]);
		Path start = Path.of(args[1]);
		Path end = Path.of(args[2]);
		// the first creates the directory, the next ones take the path that every later one takes
		for (int i = 0; i < 3; i++) {
			cycle(path);
		}
		// a look-up loads classes the first time: not between the markers
		Files.exists(start.resolveSibling("warm-up-marker"));
		Files.exists(start);
		cycle(path);
		Files.exists(end);
		System.out.println("counted " + path + " on backend " + NativeAccessLoader.get(path).name());
	}

	private static void cycle(Path path) throws PidFileException {
		PidFile.acquire(path).close();
	}

}
