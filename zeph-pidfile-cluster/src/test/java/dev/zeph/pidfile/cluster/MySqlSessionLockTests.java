package dev.zeph.pidfile.cluster;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.LockDatabase;
import dev.zeph.pidfile.testsupport.MariaDbServer;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What the MySQL and MariaDB engine adds to the promises every engine keeps: the name it
 * locks, and the servers it refuses, each a real MariaDB server.
 */
class MySqlSessionLockTests {

	private static MariaDbServer server;

	@BeforeAll
	static void startServer() throws Exception {
		server = MariaDbServer.start();
	}

	@AfterAll
	static void stopServer() throws Exception {
		if (server != null) {
			server.close();
		}
	}

	private static ClusterLockSettings settings(String name, String url) {
		return ClusterLockSettings.of(name, url, LockDatabase.USER, LockDatabase.PASSWORD);
	}

	private static ClusterLock.Listener quiet() {
		return new ClusterLock.Listener() {
		};
	}

	/**
	 * An application on MariaDB brings MariaDB's driver alone: the lock needs no other, and
	 * a PostgreSQL URL there is refused naming the driver it needs.
	 */
	@Test
	void lockShouldNeedNoDriverButTheOneItsUrlNames() throws Exception {
		String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.contains("postgresql"))
			.collect(Collectors.joining(File.pathSeparator));
		assertThat(classPath).isNotEqualTo(System.getProperty("java.class.path"));
		assertThat(runWithout(classPath, server.url())).startsWith("locked connection ");
		assertThat(runWithout(classPath, "jdbc:postgresql://127.0.0.1:" + server.port() + "/app?password=x"))
			.startsWith("refused NO_DRIVER: Cluster lock 'once' on jdbc:postgresql://127.0.0.1:" + server.port()
					+ "/app?... cannot be used: the URL needs org.postgresql.Driver (org.postgresql:postgresql) on"
					+ " the class path");
	}

	private static String runWithout(String classPath, String url) throws Exception {
		Process process = new ProcessBuilder(ChildJvm.command(List.of(), classPath, AcquireOnceMain.class, url))
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(output).isTrue();
		return output.lines().filter((line) -> line.startsWith("locked ") || line.startsWith("refused ")).findFirst()
			.orElse(output);
	}

	@Test
	void lockNameShouldBeOursReadableAndWithinTheServersLimitForAnyName() {
		assertThat(MySqlSessionLock.lockName("orders")).matches("zeph:orders:[0-9a-f]{8}");
		String long1 = "x".repeat(200) + "1";
		String long2 = "x".repeat(200) + "2";
		assertThat(MySqlSessionLock.lockName(long1)).hasSizeLessThanOrEqualTo(MySqlSessionLock.MAX_NAME)
			.isNotEqualTo(MySqlSessionLock.lockName(long2));
		String wide = "账".repeat(100);
		assertThat(MySqlSessionLock.lockName(wide).codePointCount(0, MySqlSessionLock.lockName(wide).length()))
			.isLessThanOrEqualTo(MySqlSessionLock.MAX_NAME);
		// the server compares names without regard to case: the hash keeps these apart
		assertThat(MySqlSessionLock.lockName("Orders").toLowerCase())
			.isNotEqualTo(MySqlSessionLock.lockName("orders").toLowerCase());
	}

	@Test
	void lockShouldBeTheNamedLockTheServerShowsAndFreedOnClose() throws Exception {
		try (ClusterLock lock = ClusterLock.acquire(settings("orders", server.url()), quiet())) {
			assertThat(lock.getKey()).isEqualTo("'" + MySqlSessionLock.lockName("orders") + "'");
			assertThat(lock.getSession()).isEqualTo("connection " + lock.getBackendPid());
			assertThat(usedBy(MySqlSessionLock.lockName("orders"))).isEqualTo(lock.getBackendPid());
			assertThat(lock.getDatabase()).isEqualTo("127.0.0.1:" + server.port() + "/" + MariaDbServer.DATABASE);
		}
		assertThat(usedBy(MySqlSessionLock.lockName("orders"))).isZero();
	}

	@Test
	void acquireWhenTheHolderIsAnotherUsersShouldNameItsConnectionAndSayWhyNoMore() throws Exception {
		server.execute("CREATE USER IF NOT EXISTS other@'%' IDENTIFIED BY 'other-secret'",
				"CREATE USER IF NOT EXISTS other@'localhost' IDENTIFIED BY 'other-secret'",
				"GRANT ALL ON " + MariaDbServer.DATABASE + ".* TO other@'%'",
				"GRANT ALL ON " + MariaDbServer.DATABASE + ".* TO other@'localhost'");
		try (ClusterLock first = ClusterLock.acquire(settings("orders", server.url()), quiet())) {
			assertThatExceptionOfType(ClusterLockHeldException.class)
				.isThrownBy(() -> ClusterLock.acquire(
						ClusterLockSettings.of("orders", server.url(), "other", "other-secret"), quiet()))
				.satisfies((ex) -> {
					assertThat(ex.getHolder().backendPid()).isEqualTo(first.getBackendPid());
					assertThat(ex.getHolderIdentity()).isEmpty();
					assertThat(ex.getMessage()).contains("connection " + first.getBackendPid())
						.contains("which this user cannot see (the PROCESS privilege shows every session)");
				});
		}
	}

	@Test
	void acquireOnAReadOnlyServerShouldRefuseAsAReplica() throws Exception {
		server.execute("SET GLOBAL read_only = ON");
		try {
			assertThatExceptionOfType(ClusterLockUnavailableException.class)
				.isThrownBy(() -> ClusterLock.acquire(settings("orders", server.url()), quiet()))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.REPLICA))
				.withMessageContaining("read_only=ON")
				.withMessageContaining("point the URL at the primary");
		}
		finally {
			server.execute("SET GLOBAL read_only = OFF");
		}
	}

	@Test
	void holderWhoseServerBecomesReadOnlyShouldStopBeingActive() throws Exception {
		Witness witness = new Witness();
		try (ClusterLock lock = ClusterLock.acquire(settings("orders", server.url()), witness.listener("holder"))) {
			Polling.await(() -> witness.saw("holder", "activated"), "the holder to become active");
			server.execute("SET GLOBAL read_only = ON");
			try {
				Polling.await(() -> witness.saw("holder", "lost"), "the holder to notice");
				assertThat(lock.isActive()).isFalse();
				assertThat(lock.getLossReason()).get().asString().contains("the server became read-only");
			}
			finally {
				server.execute("SET GLOBAL read_only = OFF");
			}
		}
	}

	@Test
	void acquireOnAGaleraNodeShouldRefuseAsMultiPrimary() throws Exception {
		try (MariaDbServer galera = MariaDbServer.start("--wsrep-on=ON", "--wsrep-provider=none",
				"--binlog-format=ROW", "--innodb-autoinc-lock-mode=2")) {
			assertThatExceptionOfType(ClusterLockUnavailableException.class)
				.isThrownBy(() -> ClusterLock.acquire(settings("orders", galera.url()), quiet()))
				.satisfies((ex) -> assertThat(ex.getReason()).isEqualTo(Reason.MULTI_PRIMARY))
				.withMessageContaining("Galera cluster node (wsrep_on=ON)");
		}
	}

	@Test
	void databaseInMessagesShouldBeHostPortAndNameWithoutCredentials() {
		assertThat(MySqlSessionLock.database("jdbc:mysql://db.example:3307/app?x=1")).isEqualTo("db.example:3307/app");
		assertThat(MySqlSessionLock.database("jdbc:mariadb://user:pw@db.example/app")).isEqualTo("db.example:3306/app");
		assertThat(MySqlSessionLock.database("jdbc:mysql://[::1]:3307/app")).isEqualTo("[::1]:3307/app");
	}

	@Test
	void serverVersionsWithOneNamedLockPerSessionShouldBeRefused() throws SQLException {
		assertThat(MySqlSessionLock.tooOld("5.7.4-log")).contains("MySQL 5.7.4").contains("use MySQL 5.7.5 or later");
		assertThat(MySqlSessionLock.tooOld("5.6.51")).isNotNull();
		assertThat(MySqlSessionLock.tooOld("5.7.5")).isNull();
		assertThat(MySqlSessionLock.tooOld("8.4.3")).isNull();
		assertThat(MySqlSessionLock.tooOld("10.0.1-MariaDB")).contains("MariaDB 10.0.1");
		assertThat(MySqlSessionLock.tooOld("5.5.5-10.0.1-MariaDB")).contains("MariaDB 10.0.1");
		assertThat(MySqlSessionLock.tooOld("5.5.5-10.11.19-MariaDB-0+deb12u1")).isNull();
		assertThat(MySqlSessionLock.tooOld(version())).isNull();
	}

	@Test
	void settingsShouldRefuseAUrlThatCouldMoveTheSessionToAnotherServer() {
		for (String url : new String[] { "jdbc:mysql://a:3306,b:3306/app", "jdbc:mysql:replication://a,b/app",
				"jdbc:mysql:loadbalance://a/app", "jdbc:mariadb:sequential://a,b/app", "jdbc:mariadb:failover://a/app",
				"jdbc:mysql://address=(host=a)(port=3306)/app", "jdbc:mysql+srv://_mysql._tcp.example/app" }) {
			assertThatIllegalArgumentException().as(url).isThrownBy(() -> settings("orders", url))
				.withMessageStartingWith("url: ");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> settings("orders", "jdbc:oracle:thin:@db:1521/app"))
			.withMessageContaining("is not a JDBC URL of PostgreSQL, MySQL or MariaDB");
		settings("orders", "jdbc:mysql://a:3306/app?sslMode=REQUIRED");
		settings("orders", "jdbc:mariadb://a/app");
	}

	private static String version() throws SQLException {
		try (Connection admin = server.admin();
				ResultSet result = admin.createStatement().executeQuery("SELECT VERSION()")) {
			result.next();
			return result.getString(1);
		}
	}

	private static long usedBy(String lockName) throws SQLException {
		try (Connection admin = server.admin();
				PreparedStatement statement = admin.prepareStatement("SELECT IFNULL(IS_USED_LOCK(?), 0)")) {
			statement.setString(1, lockName);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

}
