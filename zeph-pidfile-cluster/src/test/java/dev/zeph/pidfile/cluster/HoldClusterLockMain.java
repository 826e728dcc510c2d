package dev.zeph.pidfile.cluster;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * A holder in a JVM of its own, for faults done to a whole process ({@code kill -9},
 * {@code SIGSTOP}): it takes the lock named {@code orders} and, every 50 ms, appends
 * {@code work <who>} to the witness file when the lock says it is active, as an application
 * checks before each piece of work. After a pause of its own (it was frozen) it first notes
 * {@code resumed <who> active=<isActive()>}. It exits with {@value #LOST} once it is told
 * of the loss.
 * <p>
 * Arguments: the JDBC URL, the witness file, who it is.
 */
public final class HoldClusterLockMain {

	/** The exit status once the lock was lost. */
	static final int LOST = 3;

	private static final long PAUSE = TimeUnit.SECONDS.toNanos(2);

	private HoldClusterLockMain() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		WitnessFile witness = new WitnessFile(Path.of(args[1]));
		String who = args[2];
		CountDownLatch lost = new CountDownLatch(1);
		ClusterLock.Listener witnessed = witness.listener(who);
		ClusterLock lock = ClusterLock.acquire(
				ClusterLockSettings.of("orders", url, PostgresServer.USER, PostgresServer.PASSWORD),
				new ClusterLock.Listener() {

					@Override
					public void activated(ClusterLock lock) {
						witnessed.activated(lock);
					}

					@Override
					public void lost(ClusterLock lock, String reason, boolean wasActive) {
						witnessed.lost(lock, reason, wasActive);
						lost.countDown();
					}

				});
		long last = System.nanoTime();
		while (true) {
			long now = System.nanoTime();
			if (now - last > PAUSE) {
				witness.append("resumed " + who + " active=" + lock.isActive() + " after a pause of "
						+ TimeUnit.NANOSECONDS.toMillis(now - last) + " ms");
			}
			if (lock.isActive()) {
				witness.append("work " + who);
			}
			if (lost.getCount() == 0) {
				System.exit(LOST);
			}
			last = now;
			Thread.sleep(50);
		}
	}

}
