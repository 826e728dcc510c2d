package dev.zeph.pidfile;

import java.nio.file.Path;

/**
 * A child JVM that acquires and releases a pid file once and prints the backend, so that a
 * test can watch which classes that loads.
 */
public final class InspectMain {

	private InspectMain() {
	}

	public static void main(String[] args) throws Exception {
		try (PidFile pidFile = PidFile.acquire(Path.of(args[0]))) {
			System.out.println("backend " + pidFile.nativeBackend());
		}
	}

}
