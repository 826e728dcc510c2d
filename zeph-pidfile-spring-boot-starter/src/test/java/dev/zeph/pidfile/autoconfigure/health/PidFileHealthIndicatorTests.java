package dev.zeph.pidfile.autoconfigure.health;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileHolder;
import dev.zeph.pidfile.PidFileStatus;
import dev.zeph.pidfile.autoconfigure.ApplicationPidFile;
import dev.zeph.pidfile.autoconfigure.PidFileWatchdog;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import dev.zeph.pidfile.testsupport.Flock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.MockedStatic;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.mockStatic;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

/**
 * Tests for {@link PidFileHealthIndicator}.
 */
class PidFileHealthIndicatorTests {

	private static final long PID = ProcessHandle.current().pid();

	@TempDir
	Path temp;

	private ApplicationPidFile pidFile;

	@AfterEach
	void release() {
		if (this.pidFile != null) {
			TestGuards.release(this.pidFile);
		}
	}

	@Test
	void healthWhenOwnedShouldBeUpWithPathPidAcquiredAtAndBackend() throws Exception {
		Path path = this.temp.resolve("app.pid");
		this.pidFile = TestGuards.acquire(path);
		Health health = new PidFileHealthIndicator(this.pidFile).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(health.getDetails()).containsEntry("path", path.toString())
			.containsEntry("pid", PID)
			.containsEntry("acquiredAt", this.pidFile.getAcquiredAt().toString())
			.containsEntry("backend", this.pidFile.getNativeBackend());
		assertThat(this.pidFile.getNativeBackend()).isIn("java.lang.foreign", "jffi", "jnr-posix");
	}

	@Test
	void healthWhenOwnedShouldCostOneOwnershipCheckAndNoProbeOfTheLock() {
		ApplicationPidFile pidFile = ownedPidFile(Instant.EPOCH);
		try (MockedStatic<PidFile> pidFiles = mockStatic(PidFile.class)) {
			Health health = new PidFileHealthIndicator(pidFile).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			pidFiles.verifyNoInteractions();
		}
		verify(pidFile, times(1)).getOwnership();
	}

	@Test
	void healthWhenCheckedRepeatedlyShouldMakeItsUpDetailsOnce() {
		ApplicationPidFile pidFile = ownedPidFile(Instant.EPOCH);
		PidFileHealthIndicator indicator = new PidFileHealthIndicator(pidFile);
		for (int i = 0; i < 3; i++) {
			assertThat(indicator.health().getDetails()).containsExactly(entry("path", "/tmp/app.pid"),
					entry("pid", 4711L), entry("acquiredAt", "1970-01-01T00:00:00Z"), entry("backend", "java.lang.foreign"));
		}
		verify(pidFile, times(3)).getOwnership();
		verify(pidFile, times(1)).getPath();
		verify(pidFile, times(1)).getNativeBackend();
	}

	@Test
	void healthAfterTheLockWasTakenAgainShouldReportTheNewLock() {
		ApplicationPidFile pidFile = ownedPidFile(Instant.EPOCH, Instant.EPOCH.plusSeconds(60));
		PidFileHealthIndicator indicator = new PidFileHealthIndicator(pidFile);
		assertThat(indicator.health().getDetails()).containsEntry("acquiredAt", "1970-01-01T00:00:00Z");
		// the watchdog re-locked a replaced file: a new lock, a new time
		assertThat(indicator.health().getDetails()).containsEntry("acquiredAt", "1970-01-01T00:01:00Z");
	}

	@Test
	void healthWhenTheFileWasDeletedShouldBeDownNamingNobody() throws Exception {
		Path path = this.temp.resolve("app.pid");
		this.pidFile = TestGuards.acquire(path);
		Files.delete(path);
		Health health = new PidFileHealthIndicator(this.pidFile).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("path", path.toString())
			.containsEntry("ownership", "DELETED")
			.containsEntry("applicationPid", PID)
			.containsEntry("holder", "nobody")
			.doesNotContainKey("pid");
	}

	@Test
	void healthRightAfterTheFileWasDeletedShouldHaveTheWatchdogLockItAgainAndBeUp() throws Exception {
		Path path = this.temp.resolve("app.pid");
		this.pidFile = TestGuards.acquire(path);
		PidFileWatchdog watchdog = TestGuards.watchdog(this.pidFile, Duration.ofHours(1), (event) -> {
		});
		Files.delete(path);
		Health health = new PidFileHealthIndicator(this.pidFile, watchdog, null).health();
		assertThat(health.getStatus()).isEqualTo(Status.UP);
		assertThat(path).hasContent(PID + "\n");
		assertThat(Flock.isFree(path)).isFalse();
	}

	@Test
	void healthWhenAnotherProcessHoldsThePathShouldBeDownEvenAfterTheWatchdogChecked() throws Exception {
		Path path = this.temp.resolve("app.pid");
		this.pidFile = TestGuards.acquire(path);
		PidFileWatchdog watchdog = TestGuards.watchdog(this.pidFile, Duration.ofHours(1), (event) -> {
		});
		Files.delete(path);
		Process holder = Flock.hold(path);
		try {
			Health health = new PidFileHealthIndicator(this.pidFile, watchdog, null).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("holder", "PID " + holder.pid());
		}
		finally {
			Flock.release(holder);
		}
	}

	@Test
	void healthWhenAnotherProcessHoldsThePathShouldBeDownNamingItsPid() throws Exception {
		Path path = this.temp.resolve("app.pid");
		this.pidFile = TestGuards.acquire(path);
		Files.delete(path);
		Process holder = Flock.hold(path);
		try {
			Health health = new PidFileHealthIndicator(this.pidFile).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("ownership", "REPLACED")
				.containsEntry("holder", "PID " + holder.pid())
				.containsEntry("pid", holder.pid())
				.containsEntry("applicationPid", PID);
		}
		finally {
			Flock.release(holder);
		}
	}

	@Test
	void healthWhenTheFileWasReplacedByAStaleOneShouldBeDownNamingNobody() throws Exception {
		Path path = this.temp.resolve("app.pid");
		this.pidFile = TestGuards.acquire(path);
		Path replacement = Files.writeString(this.temp.resolve("replacement"), "299\n");
		Files.move(replacement, path, StandardCopyOption.REPLACE_EXISTING,
				StandardCopyOption.ATOMIC_MOVE);
		Health health = new PidFileHealthIndicator(this.pidFile).health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("ownership", "REPLACED")
			.containsEntry("holder", "nobody (a stale file of PID 299)")
			.doesNotContainKey("pid");
	}

	@Test
	void healthWhenTheHolderIsNotVisibleShouldSaySoEvenIfTheFileSaysOurPid() {
		// split brain across pid namespaces: another container's pid 1 holds the path, and we are pid 1 too
		ApplicationPidFile pidFile = ownedPidFile(Instant.EPOCH);
		given(pidFile.getOwnership()).willReturn(PidFile.Ownership.REPLACED);
		PidFileHolder holder = new PidFileHolder(PidFileHolder.Kind.NOT_VISIBLE, OptionalLong.empty(),
				OptionalLong.of(4711));
		try (MockedStatic<PidFile> pidFiles = mockStatic(PidFile.class)) {
			pidFiles.when(() -> PidFile.inspect(Path.of("/tmp/app.pid")))
				.thenReturn(new PidFileStatus(Path.of("/tmp/app.pid"), PidFileStatus.State.RUNNING,
						OptionalLong.empty(), holder));
			Health health = new PidFileHealthIndicator(pidFile).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails())
				.containsEntry("holder", "a process outside this pid namespace, or not visible to this user (the file"
						+ " says PID 4711, which may not be meaningful in this pid namespace)")
				.doesNotContainKey("pid");
		}
	}

	@Test
	void healthWithoutAPidFileShouldBeUnknown() {
		Health health = new PidFileHealthIndicator(null).health();
		assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
		assertThat(health.getDetails()).containsKey("reason");
	}

	/**
	 * A mocked pid file that is owned, at /tmp/app.pid by PID 4711, locked at the given times in
	 * turn (the watchdog takes a new lock when the file was replaced).
	 */
	private static ApplicationPidFile ownedPidFile(Instant acquiredAt, Instant... later) {
		ApplicationPidFile pidFile = mock(ApplicationPidFile.class);
		given(pidFile.getOwnership()).willReturn(PidFile.Ownership.OWNED);
		given(pidFile.getPath()).willReturn(Path.of("/tmp/app.pid"));
		given(pidFile.getPid()).willReturn(4711L);
		given(pidFile.getAcquiredAt()).willReturn(acquiredAt, later);
		given(pidFile.getNativeBackend()).willReturn("java.lang.foreign");
		return pidFile;
	}

}
