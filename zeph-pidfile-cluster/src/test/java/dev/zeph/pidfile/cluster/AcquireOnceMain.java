package dev.zeph.pidfile.cluster;

import dev.zeph.pidfile.testsupport.LockDatabase;

/**
 * Takes the lock named {@code once} and lets it go, in a JVM of its own whose class path a
 * test chooses: it prints {@code locked <session>}, or {@code refused <reason>: <message>} and
 * exits {@value #REFUSED}.
 * <p>
 * Arguments: the JDBC URL.
 */
public final class AcquireOnceMain {

	static final int REFUSED = 2;

	private AcquireOnceMain() {
	}

	public static void main(String[] args) throws Exception {
		ClusterLockSettings settings = ClusterLockSettings.of("once", args[0], LockDatabase.USER, LockDatabase.PASSWORD);
		try (ClusterLock lock = ClusterLock.acquire(settings, new ClusterLock.Listener() {
		})) {
			System.out.println("locked " + lock.getSession());
		}
		catch (ClusterLockUnavailableException ex) {
			System.out.println("refused " + ex.getReason() + ": " + ex.getMessage());
			System.exit(REFUSED);
		}
	}

}
