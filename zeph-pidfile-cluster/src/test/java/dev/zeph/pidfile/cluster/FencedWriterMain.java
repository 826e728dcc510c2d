package dev.zeph.pidfile.cluster;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import dev.zeph.pidfile.cluster.ClusterLockSettings.Fencing;
import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * A replica of a fleet under faults: it waits for the lock named {@code chaos}, and while it is
 * active writes rows of its fencing token to {@code writes}, each in a transaction that checks
 * the token first and takes a while, as real work does; when it loses the lock it waits for it
 * again. A refused token makes it step down ({@link ClusterLock#fencedOut(String)}) and note
 * {@code fenced <who> <token>}.
 * <p>
 * Arguments: the JDBC URL (the lock's and the writes'), the witness file, who it is.
 */
public final class FencedWriterMain {

	private static final long WORK_MILLIS = 15;

	private FencedWriterMain() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		WitnessFile witness = new WitnessFile(Path.of(args[1]));
		String who = args[2];
		ClusterLockSettings settings = ClusterLockSettings.of("chaos", url, PostgresServer.USER, PostgresServer.PASSWORD)
			.withTimings(Duration.ofSeconds(3), Duration.ofMillis(300), Duration.ofMillis(700))
			.withFencing(new Fencing(Fencing.DEFAULT_TABLE, true));
		while (true) {
			ClusterLock lock;
			try {
				lock = ClusterLock.await(settings, Duration.ZERO, witness.listener(who));
			}
			catch (ClusterLockException ex) {
				Thread.sleep(200);
				continue;
			}
			FencingToken token = lock.getFencingToken().orElseThrow();
			while (lock.isHeld()) {
				if (!lock.isActive()) {
					Thread.sleep(20);
					continue;
				}
				try (Connection connection = DriverManager.getConnection(url, PostgresServer.USER,
						PostgresServer.PASSWORD)) {
					connection.setAutoCommit(false);
					token.check(connection);
					Thread.sleep(WORK_MILLIS);
					try (PreparedStatement insert = connection
						.prepareStatement("INSERT INTO writes (token, writer) VALUES (?, ?)")) {
						insert.setLong(1, token.getValue());
						insert.setString(2, who);
						insert.executeUpdate();
					}
					Thread.sleep(WORK_MILLIS);
					connection.commit();
				}
				catch (StaleFencingTokenException ex) {
					witness.append("fenced " + who + " " + token.getValue());
					lock.fencedOut(ex.getMessage());
				}
				catch (SQLException ex) {
					// a terminated session, a restart, a silent network: the next transaction tries again
					Thread.sleep(20);
				}
			}
			lock.close();
		}
	}

}
