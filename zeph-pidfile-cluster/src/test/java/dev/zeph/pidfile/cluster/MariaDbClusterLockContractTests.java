package dev.zeph.pidfile.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;

/**
 * The cluster lock's promises on MariaDB, its {@code GET_LOCK}, through MariaDB's driver.
 */
class MariaDbClusterLockContractTests extends ClusterLockContractTests {

	@Override
	LockDatabase startServer() throws Exception {
		return MariaDbServer.start();
	}

	@Override
	List<String> namesThatShareAKey() {
		return namesThatShareANamedLock();
	}

	@Override
	String wrongPasswordMessage() {
		return "Access denied for user 'app'";
	}

	/**
	 * Two long names that begin alike, past the part of them that the server's name keeps, and
	 * whose hashes do too: found by trying names until two hashes meet, some 80,000 of them.
	 */
	static List<String> namesThatShareANamedLock() {
		String start = "nightly-report-for-the-accounting-department-of-the-north-region-";
		Map<String, String> byLockName = new HashMap<>();
		for (int i = 0;; i++) {
			String name = start + i;
			String other = byLockName.putIfAbsent(MySqlSessionLock.lockName(name), name);
			if (other != null) {
				return List.of(other, name);
			}
		}
	}

}
