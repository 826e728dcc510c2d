package dev.zeph.pidfile.standby;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.Polling;
import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * Hot standby on PostgreSQL's advisory lock, which hands the lock to the standby next in line
 * as its holder lets go.
 */
class PostgresClusterStandbyTests extends ClusterStandbyContractTests {

	/** The key space of the line that standbys stand in. */
	private static final int LINE = 0x7a65706e;

	@Override
	LockDatabase startServer() throws Exception {
		return PostgresServer.start();
	}

	@Override
	String sessionPattern() {
		return "backend PID [0-9]+";
	}

	@Override
	String successorOfAStop() {
		return "handed over cleanly by the previous holder, active at once";
	}

	@Override
	void awaitStandbyInLine(LockDatabase server) throws InterruptedException {
		Polling.await(() -> ((PostgresServer) server).heldLocks(LINE) == 1, "the standby to stand in line");
	}

}
