package dev.zeph.pidfile;

import java.nio.file.Path;

/**
 * A child JVM that acquires the pid file named by its argument, says so, and holds it until
 * killed or until its standard input closes.
 */
public final class HoldPidFileMain {

	private HoldPidFileMain() {
	}

	public static void main(String[] args) throws Exception {
		try (PidFile pidFile = PidFile.acquire(Path.of(args[0]))) {
			System.out.println("acquired " + pidFile.pid());
			System.out.flush();
			while (System.in.read() != -1) {
				// hold until the parent closes our input
			}
		}
		catch (AlreadyRunningException ex) {
			System.out.println("refused " + ex.getMessage());
		}
	}

}
