package dev.zeph.pidfile.standby;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;

/**
 * Hot standby on MariaDB's {@code GET_LOCK}, chosen by the URL alone. The server tells no
 * waiter of a release, so a stopped holder's successor becomes active after the grace.
 */
class MariaDbClusterStandbyTests extends ClusterStandbyContractTests {

	@Override
	LockDatabase startServer() throws Exception {
		return MariaDbServer.start();
	}

	@Override
	String sessionPattern() {
		return "connection [0-9]+";
	}

	@Override
	String holderSessionPattern() {
		return "connection [0-9]+ \\(app@localhost:[0-9]+\\)";
	}

	@Override
	String successorOfAStop() {
		return "active after a takeover grace";
	}

}
