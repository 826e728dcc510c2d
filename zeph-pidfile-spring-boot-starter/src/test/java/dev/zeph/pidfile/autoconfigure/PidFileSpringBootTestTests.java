package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Path;

import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileStatus;
import dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock;
import dev.zeph.pidfile.autoconfigure.health.TestHealth;
import dev.zeph.pidfile.autoconfigure.testapp.PidFileTestApplication;
import dev.zeph.pidfile.testsupport.Flock;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guard in contexts that Spring's TestContext framework creates and caches: each nested
 * class has a configuration of its own, so the framework holds one context per class in this
 * JVM at the same time, as in a user's test suite.
 */
class PidFileSpringBootTestTests {

	private static final long PID = ProcessHandle.current().pid();

	@Nested
	@ExtendWith(OutputCaptureExtension.class)
	@SpringBootTest(classes = PidFileTestApplication.class,
			properties = { "test.context=one", "logging.level.dev.zeph.pidfile=debug" })
	class DefaultFirstContext {

		@Autowired
		ApplicationContext context;

		@Test
		void contextShouldTakeNoLockAndSaySoInOneDebugLine(CapturedOutput output) {
			assertThat(this.context.containsBean(ApplicationPidFile.BEAN_NAME)).isFalse();
			assertThat(this.context.getBeanNamesForType(TestHealth.PID_FILE_INDICATOR)).isEmpty();
			assertThat(output).containsOnlyOnce("Taking no pid-file lock in a test context")
				.doesNotContain("Locked pid file");
		}

	}

	@Nested
	@SpringBootTest(classes = PidFileTestApplication.class, properties = "test.context=two")
	class DefaultSecondContext {

		@Autowired
		ApplicationContext context;

		@Test
		void secondCachedContextShouldLoadAndTakeNoLock() {
			assertThat(this.context.containsBean(ApplicationPidFile.BEAN_NAME)).isFalse();
		}

	}

	@Nested
	@SpringBootTest(classes = PidFileTestApplication.class,
			properties = { "test.context=three", "zeph.pidfile.enabled=true" })
	class EnabledFirstContext {

		@Autowired
		ApplicationPidFile pidFile;

		@Test
		void contextShouldHoldALockOnAPathOfItsOwn() throws Exception {
			assertHeldOnAPathOfItsOwn(this.pidFile);
		}

	}

	@Nested
	@SpringBootTest(classes = PidFileTestApplication.class,
			properties = { "test.context=four", "zeph.pidfile.enabled=true" })
	class EnabledSecondContext {

		@Autowired
		ApplicationPidFile pidFile;

		@Test
		void secondEnabledContextShouldHoldALockOnAnotherPath() throws Exception {
			assertHeldOnAPathOfItsOwn(this.pidFile);
		}

	}

	/**
	 * An application's own settings turn the cluster lock on, here through its command line:
	 * a test context must not open a database session for it, let alone take the fleet's
	 * lock. Were it to try, the start would fail for want of a database URL.
	 */
	@Nested
	@SpringBootTest(classes = PidFileTestApplication.class, args = "--zeph.pidfile.cluster.enabled=true",
			properties = "test.context=five")
	class ClusterLockEnabledByTheApplication {

		@Autowired
		ApplicationContext context;

		@Test
		void contextShouldTakeNoClusterLock() {
			assertThat(this.context.getEnvironment().getProperty("zeph.pidfile.cluster.enabled")).isEqualTo("true");
			assertThat(this.context.containsBean(ApplicationClusterLock.BEAN_NAME)).isFalse();
		}

	}

	private static void assertHeldOnAPathOfItsOwn(ApplicationPidFile pidFile) throws Exception {
		Path path = pidFile.getPath();
		assertThat(path.getFileName().toString()).matches(".*-test-" + PID + "-\\d+\\.pid");
		assertThat(path.getParent()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath());
		PidFileStatus status = PidFile.inspect(path);
		assertThat(status.state()).isEqualTo(PidFileStatus.State.RUNNING);
		assertThat(status.pid()).hasValue(PID);
		assertThat(Flock.isFree(path)).isFalse();
	}

}
