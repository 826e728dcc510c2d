package dev.zeph.pidfile.cluster;

import java.util.List;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;

/**
 * The cluster lock's promises on MariaDB's {@code GET_LOCK} through MySQL's driver
 * (Connector/J), with {@code jdbc:mysql:} URLs: the MySQL engine as a MySQL user meets it.
 */
class MariaDbWithMySqlDriverClusterLockContractTests extends ClusterLockContractTests {

	@Override
	LockDatabase startServer() throws Exception {
		return MariaDbServer.start().withMySqlDriver();
	}

	@Override
	List<String> namesThatShareAKey() {
		return MariaDbClusterLockContractTests.namesThatShareANamedLock();
	}

	@Override
	String wrongPasswordMessage() {
		return "Access denied for user 'app'";
	}

}
