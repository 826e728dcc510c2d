package dev.zeph.pidfile.autoconfigure.diagnostics;

import dev.zeph.pidfile.autoconfigure.cluster.ClusterLockStartupException;
import dev.zeph.pidfile.cluster.ClusterLockHeldException;
import dev.zeph.pidfile.cluster.ClusterLockUnavailableException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a start refused by the cluster lock: who holds it and how to go on, or why the
 * database cannot hold it and what to change.
 */
class ClusterLockFailureAnalyzer extends AbstractFailureAnalyzer<ClusterLockStartupException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ClusterLockStartupException cause) {
		Throwable failure = cause.getCause();
		if (failure == null) {
			// lost while starting
			return new FailureAnalysis(cause.getMessage() + ". This instance is not active, and another may be.",
					"Start it again: it then takes the lock, is refused, or with 'zeph.pidfile.mode=wait' waits for it."
							+ " A supervisor that restarts on exit code " + cause.getExitCode() + " does so by itself.",
					cause);
		}
		if (failure instanceof ClusterLockHeldException held) {
			return new FailureAnalysis(held.getMessage() + ". Only one instance may be active, so this one did not"
					+ " start.", heldAction(held), cause);
		}
		String action = (failure instanceof ClusterLockUnavailableException unavailable) ? action(unavailable)
				: "Check the cluster lock's settings (zeph.pidfile.cluster.*).";
		return new FailureAnalysis(String.valueOf(failure.getMessage()), action, cause);
	}

	private static String heldAction(ClusterLockHeldException held) {
		if (held.isCollision()) {
			return "Give one of the two applications another lock name with 'zeph.pidfile.cluster.name'.";
		}
		String who = held.getHolderIdentity()
			.map((identity) -> "Stop PID " + identity.pid() + " on " + identity.host())
			.orElse("Stop the holder (" + held.getHolder().session() + ")");
		return who + " if it is an earlier instance of this application, or start this one with"
				+ " 'zeph.pidfile.mode=wait' to become active when it stops. 'zeph.pidfile.cluster.name' sets another"
				+ " lock for another fleet.";
	}

	private static String action(ClusterLockUnavailableException unavailable) {
		return switch (unavailable.getReason()) {
			case URL_NOT_ACCEPTED -> "Correct 'zeph.pidfile.cluster.url' (or 'spring.datasource.url'): for example"
					+ " jdbc:postgresql://host:5432/database, jdbc:mysql://host:3306/database or"
					+ " jdbc:mariadb://host:3306/database.";
			case NO_DRIVER -> "Add the driver named above to the application's dependencies, or change the scheme of"
					+ " 'zeph.pidfile.cluster.url' (or 'spring.datasource.url') to the driver it has.";
			case UNREACHABLE -> "Check that the database runs at " + unavailable.getDatabase() + " and that this host can"
					+ " reach it ('zeph.pidfile.cluster.url'), or start with 'zeph.pidfile.mode=wait', which retries.";
			case AUTHENTICATION -> "Check 'zeph.pidfile.cluster.username' and 'zeph.pidfile.cluster.password' (or"
					+ " 'spring.datasource.*') and the database name in the URL.";
			case REPLICA -> "Point 'zeph.pidfile.cluster.url' at the primary: a replica's locks are its own.";
			case POOLER -> "Connect the lock to the database directly, or through a pooler in session mode.";
			case MULTI_PRIMARY -> "Point 'zeph.pidfile.cluster.url' at a database whose locks are one server's: not a"
					+ " Galera node or a member of a multi-primary group.";
			case SERVER_TOO_OLD -> "Upgrade the server as said above; on PostgreSQL older than 14,"
					+ " 'zeph.pidfile.cluster.allow-old-server=true' accepts that a frozen holder keeps the lock until"
					+ " its connection drops.";
			case LOST -> "Start the application again.";
			case FENCING -> "Run the statements above in a migration (Flyway, Liquibase), or as a database user that"
					+ " may; or set 'zeph.pidfile.cluster.fencing.initialize-schema=always' for the lock to create the"
					+ " table at startup, where its own user may. 'zeph.pidfile.cluster.fencing.table' names another"
					+ " table.";
		};
	}

}
