package dev.zeph.pidfile.cluster;

import java.util.List;

import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster lock's promises on PostgreSQL, its advisory lock.
 */
class PostgresClusterLockContractTests extends ClusterLockContractTests {

	@Override
	LockDatabase startServer() throws Exception {
		return PostgresServer.start();
	}

	@Override
	List<String> namesThatShareAKey() {
		assertThat(LockKey.of("report-job-22360")).isEqualTo(LockKey.of("report-job-55705"));
		return List.of("report-job-22360", "report-job-55705");
	}

	@Override
	String wrongPasswordMessage() {
		return "password authentication failed";
	}

}
