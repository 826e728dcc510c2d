package dev.zeph.pidfile;

import java.nio.file.Path;

/**
 * A child JVM that waits for the holder of the pid file named by its argument to let go,
 * as wait mode does, then acquires it and says so.
 */
public final class AwaitThenAcquireMain {

	private AwaitThenAcquireMain() {
	}

	public static void main(String[] args) throws Exception {
		Path path = Path.of(args[0]);
		System.out.println("waiting");
		System.out.flush();
		PidFile.awaitRelease(path);
		try (PidFile pidFile = PidFile.acquire(path)) {
			System.out.println("acquired " + pidFile.pid());
		}
	}

}
