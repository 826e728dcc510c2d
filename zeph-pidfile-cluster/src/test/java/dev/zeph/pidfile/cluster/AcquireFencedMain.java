package dev.zeph.pidfile.cluster;

import java.nio.file.Path;
import java.time.Duration;

import dev.zeph.pidfile.cluster.ClusterLockSettings.Fencing;
import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * One of several JVMs that take the lock named {@code tenures} in turn, each time with a new
 * fencing token: it waits for the lock, appends {@code token <value> <who>} to the witness
 * file while it holds it, and lets it go, as many times as it is told. A server restart meanwhile
 * only makes it connect again.
 * <p>
 * Arguments: the JDBC URL, the witness file, who it is, how many tenures.
 */
public final class AcquireFencedMain {

	private AcquireFencedMain() {
	}

	public static void main(String[] args) throws Exception {
		WitnessFile witness = new WitnessFile(Path.of(args[1]));
		String who = args[2];
		int tenures = Integer.parseInt(args[3]);
		ClusterLockSettings settings = new ClusterLockSettings("tenures", args[0], PostgresServer.USER,
				PostgresServer.PASSWORD, ClusterLockSettings.DEFAULT_SERVER_TIMEOUT,
				ClusterLockSettings.DEFAULT_HEARTBEAT_INTERVAL, ClusterLockSettings.DEFAULT_HEARTBEAT_TIMEOUT,
				ClusterLockSettings.DEFAULT_HEARTBEAT_INTERVAL.plus(ClusterLockSettings.DEFAULT_HEARTBEAT_TIMEOUT),
				Duration.ofMillis(50), false)
			.withFencing(new Fencing(Fencing.DEFAULT_TABLE, true));
		for (int i = 0; i < tenures; i++) {
			try (ClusterLock lock = ClusterLock.await(settings, Duration.ZERO, new ClusterLock.Listener() {
			})) {
				witness.append("token " + lock.getFencingToken().orElseThrow().getValue() + " " + who);
			}
		}
	}

}
