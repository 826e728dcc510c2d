package dev.zeph.pidfile;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests that a pid file nobody locks never blocks, whatever pid it holds: liveness is the
 * lock's to decide, not {@code kill(pid, 0)}'s.
 */
class PidFileStaleTests {

	@TempDir
	Path temp;

	@Test
	void acquireWhenHolderWasKilledShouldReplaceStaleFileAndReportPreviousPid() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = ChildJvm.start(HoldPidFileMain.class, path.toString());
		ChildJvm.awaitLine(holder, "acquired");
		Commands.killTree(holder); // SIGKILL: no chance to clean up
		assertThat(path).hasContent(Long.toString(holder.pid()));
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(pidFile.previousPid()).hasValue(holder.pid());
			assertThat(path).hasContent(Long.toString(ProcessHandle.current().pid()));
		}
	}

	@Test
	void acquireWhenFileNamesLiveUnrelatedProcessShouldTreatItAsStale() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process unrelated = new ProcessBuilder("sleep", "300").start();
		try {
			// pid reuse: the pid is alive, but it is not the holder of any lock
			Files.writeString(path, unrelated.pid() + "\n");
			PidFileStatus status = PidFile.inspect(path);
			assertThat(status.state()).isEqualTo(PidFileStatus.State.STALE);
			assertThat(status.pid()).hasValue(unrelated.pid());
			try (PidFile pidFile = PidFile.acquire(path)) {
				assertThat(pidFile.previousPid()).hasValue(unrelated.pid());
			}
			assertThat(unrelated.isAlive()).isTrue();
		}
		finally {
			unrelated.destroyForcibly();
		}
	}

	@Test
	void acquireWhenStalePidIsShorterThanOursShouldLeaveOnlyOurs() throws Exception {
		Path path = this.temp.resolve("app.pid");
		String ours = ProcessHandle.current().pid() + "\n";
		assumeThat(ours.length()).as("our pid has more than one digit").isGreaterThan(2);
		Files.writeString(path, "7\n");
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(pidFile.previousPid()).hasValue(7);
			assertThat(Files.readString(path)).isEqualTo(ours);
		}
	}

	@Test
	void acquireWhenStaleFileIsEmptyShouldWriteOurPidAndReportNoPreviousPid() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Files.writeString(path, "");
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(pidFile.previousPid()).isEmpty();
			assertThat(Files.readString(path)).isEqualTo(ProcessHandle.current().pid() + "\n");
		}
	}

	@Test
	void acquireWhenFileHoldsOwnPidShouldSucceed() throws Exception {
		Path path = this.temp.resolve("app.pid");
		long ownPid = ProcessHandle.current().pid();
		// a container's pid 1 restarted: the old file names us, and it is not another instance
		Files.writeString(path, ownPid + "\n");
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(pidFile.previousPid()).hasValue(ownPid);
		}
	}

	@Test
	void inspectWhenNoFileShouldReportNotRunning() throws Exception {
		PidFileStatus status = PidFile.inspect(this.temp.resolve("nonexistent.pid"));
		assertThat(status.state()).isEqualTo(PidFileStatus.State.NOT_RUNNING);
		assertThat(status.pid()).isEmpty();
		assertThat(this.temp.resolve("nonexistent.pid")).doesNotExist();
	}

	@Test
	void inspectWhenFileHoldsDeadPidShouldReportStaleWithThatPid() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process dead = new ProcessBuilder("true").start();
		dead.waitFor();
		Files.writeString(path, Long.toString(dead.pid()));
		PidFileStatus status = PidFile.inspect(path);
		assertThat(status.state()).isEqualTo(PidFileStatus.State.STALE);
		assertThat(status.pid()).hasValue(dead.pid());
		assertThat(path).hasContent(Long.toString(dead.pid()));
	}

	@Test
	void inspectWhenEmptyUnlockedFileShouldReportNotRunning() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Files.createFile(path);
		assertThat(PidFile.inspect(path).state()).isEqualTo(PidFileStatus.State.NOT_RUNNING);
	}

	@Test
	void inspectWhenHeldByAnotherJvmShouldReportRunningWithItsPid() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = ChildJvm.start(HoldPidFileMain.class, path.toString());
		try {
			ChildJvm.awaitLine(holder, "acquired");
			PidFileStatus status = PidFile.inspect(path);
			assertThat(status.state()).isEqualTo(PidFileStatus.State.RUNNING);
			assertThat(status.pid()).hasValue(holder.pid());
		}
		finally {
			Commands.killTree(holder);
		}
	}

	@Test
	void inspectWhenHeldInThisJvmShouldReportRunningWithOurPid() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (PidFile pidFile = PidFile.acquire(path)) {
			PidFileStatus status = PidFile.inspect(path);
			assertThat(status.state()).isEqualTo(PidFileStatus.State.RUNNING);
			assertThat(status.pid()).hasValue(ProcessHandle.current().pid());
		}
	}

}
