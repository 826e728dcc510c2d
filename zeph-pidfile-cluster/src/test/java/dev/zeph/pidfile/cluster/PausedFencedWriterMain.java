package dev.zeph.pidfile.cluster;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import dev.zeph.pidfile.cluster.ClusterLockSettings.Fencing;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * An active instance whose fenced transaction is frozen at a chosen point, as a long GC pause
 * would freeze it: it takes the lock named by its {@code who}, waits to be active, notes
 * {@code token <value> <who>}, begins a transaction that checks its token and writes a row of
 * it to {@code writes}, and stops itself ({@code SIGSTOP}) at the point, noting
 * {@code paused <who>} first. Once continued it finishes the transaction and notes
 * {@code committed <who>}, exiting 0, or {@code refused <who> <why>}, exiting {@value #REFUSED}.
 * <p>
 * Arguments: the JDBC URL, the witness file, who it is, the point ({@code before-check},
 * {@code after-check} or {@code before-commit}), the server timeout in seconds.
 */
public final class PausedFencedWriterMain {

	/** The exit status when the write was refused. */
	static final int REFUSED = 4;

	private PausedFencedWriterMain() {
	}

	public static void main(String[] args) throws Exception {
		String url = args[0];
		WitnessFile witness = new WitnessFile(Path.of(args[1]));
		String who = args[2];
		String point = args[3];
		ClusterLockSettings settings = ClusterLockSettings.of(who, url, PostgresServer.USER, PostgresServer.PASSWORD)
			.withTimings(Duration.ofSeconds(Long.parseLong(args[4])), ClusterLockSettings.DEFAULT_HEARTBEAT_INTERVAL,
					ClusterLockSettings.DEFAULT_HEARTBEAT_TIMEOUT)
			.withFencing(new Fencing(Fencing.DEFAULT_TABLE, true));
		ClusterLock lock = ClusterLock.acquire(settings, witness.listener(who));
		Polling.await(lock::isActive, "the lock to become active");
		FencingToken token = lock.getFencingToken().orElseThrow();
		witness.append("token " + token.getValue() + " " + who);
		try (Connection connection = DriverManager.getConnection(url, PostgresServer.USER, PostgresServer.PASSWORD)) {
			connection.setAutoCommit(false);
			pauseAt("before-check", point, witness, who);
			token.check(connection);
			pauseAt("after-check", point, witness, who);
			try (PreparedStatement insert = connection
				.prepareStatement("INSERT INTO writes (token, writer) VALUES (?, ?)")) {
				insert.setLong(1, token.getValue());
				insert.setString(2, who);
				insert.executeUpdate();
			}
			pauseAt("before-commit", point, witness, who);
			connection.commit();
			witness.append("committed " + who);
			System.exit(0);
		}
		catch (StaleFencingTokenException | SQLException ex) {
			witness.append("refused " + who + " " + ex.getMessage());
			System.exit(REFUSED);
		}
	}

	private static void pauseAt(String here, String point, WitnessFile witness, String who) throws Exception {
		if (here.equals(point)) {
			witness.append("paused " + who);
			// the JVM stops as the signal arrives, every thread of it, the lock's heartbeat too
			new ProcessBuilder("kill", "-STOP", Long.toString(ProcessHandle.current().pid())).start().waitFor();
		}
	}

}
