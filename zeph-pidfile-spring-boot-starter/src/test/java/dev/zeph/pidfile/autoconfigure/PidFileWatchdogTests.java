package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.testsupport.Flock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PidFileWatchdog}'s checks, one at a time on the test's thread.
 */
@ExtendWith(OutputCaptureExtension.class)
class PidFileWatchdogTests {

	private static final long PID = ProcessHandle.current().pid();

	@TempDir
	Path temp;

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private ApplicationPidFile pidFile;

	private Process holder;

	@AfterEach
	void release() {
		if (this.holder != null) {
			Flock.release(this.holder);
		}
		if (this.pidFile != null) {
			this.pidFile.release();
		}
	}

	@Test
	void checkWhenOwnedShouldDoNothing(CapturedOutput output) throws Exception {
		PidFileWatchdog watchdog = watchdog(this.temp.resolve("app.pid"));
		PidFile.Ownership before = this.pidFile.getOwnership();
		watchdog.check();
		assertThat(before).isEqualTo(PidFile.Ownership.OWNED);
		assertThat(this.events).isEmpty();
		assertThat(output).doesNotContain("PidFileWatchdog");
	}

	@Test
	void checkWhenTheFileWasDeletedShouldLockThePathAgainAndWarn(CapturedOutput output) throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFileWatchdog watchdog = watchdog(path);
		Files.delete(path);
		watchdog.check();
		assertThat(path).hasContent(PID + "\n");
		assertThat(this.pidFile.getOwnership()).isEqualTo(PidFile.Ownership.OWNED);
		assertThat(Flock.isFree(path)).isFalse();
		assertThat(this.events).isEmpty();
		assertThat(output).contains("WARN").contains("Pid file " + path + " was deleted; locked the path again");
	}

	@Test
	void checkWhenReplacedByAFileNobodyLocksShouldTakeItOver(CapturedOutput output) throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFileWatchdog watchdog = watchdog(path);
		Path replacement = Files.writeString(this.temp.resolve("replacement"), "299\n");
		Files.move(replacement, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		watchdog.check();
		assertThat(path).hasContent(PID + "\n");
		assertThat(this.pidFile.getOwnership()).isEqualTo(PidFile.Ownership.OWNED);
		assertThat(this.events).isEmpty();
		assertThat(output).contains("was replaced by a file nobody locked (it named PID 299)");
	}

	@Test
	void checkWhenAnotherProcessHoldsThePathShouldPublishPidFileLockLostEventOnce(CapturedOutput output)
			throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFileWatchdog watchdog = watchdog(path);
		takeOver(path);
		watchdog.check();
		watchdog.check();
		watchdog.check();
		assertThat(this.events).singleElement().isInstanceOfSatisfying(PidFileLockLostEvent.class, (event) -> {
			assertThat(event.getSource()).isSameAs(this.pidFile);
			assertThat(event.getPath()).isEqualTo(path);
			assertThat(event.getOwnership()).isEqualTo(PidFile.Ownership.REPLACED);
			assertThat(event.getHolderPid()).hasValue(this.holder.pid());
			assertThat(event.getReason()).contains("locked by PID " + this.holder.pid());
		});
		assertThat(this.pidFile.getOwnership()).isEqualTo(PidFile.Ownership.REPLACED);
		assertThat(output).containsOnlyOnce("Lost pid file " + path);
	}

	@Test
	void checkAfterTheOtherHolderLeftShouldLockThePathAgainAndReportAFurtherLoss() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFileWatchdog watchdog = watchdog(path);
		takeOver(path);
		watchdog.check();
		Flock.release(this.holder);
		this.holder = null;
		watchdog.check();
		assertThat(this.pidFile.getOwnership()).isEqualTo(PidFile.Ownership.OWNED);
		assertThat(path).hasContent(PID + "\n");
		takeOver(path);
		watchdog.check();
		assertThat(this.events).hasSize(2).allSatisfy((event) -> assertThat(event).isInstanceOf(PidFileLockLostEvent.class));
	}

	/**
	 * In standby mode a loss sends the instance back to waiting: it lets go of the file that
	 * left the path, takes the path again once it is free, and a later loss is reported too.
	 */
	@Test
	void checkAfterAStandbyTookThePathAgainShouldReportAFurtherLoss() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFileWatchdog watchdog = watchdog(path);
		takeOver(path);
		watchdog.check();
		this.pidFile.abandon();
		watchdog.check();
		Flock.release(this.holder);
		this.holder = null;
		assertThat(this.pidFile.adopt(PidFile.acquire(path))).isTrue();
		watchdog.check();
		takeOver(path);
		watchdog.check();
		assertThat(this.events).hasSize(2).allSatisfy((event) -> assertThat(event).isInstanceOf(PidFileLockLostEvent.class));
	}

	@Test
	void checkWhenTheDirectoryWasReplacedByAFileShouldNameTheErrno(CapturedOutput output) throws Exception {
		Path directory = this.temp.resolve("run");
		Path path = directory.resolve("app.pid");
		PidFileWatchdog watchdog = watchdog(path);
		Files.move(directory, this.temp.resolve("run.old"), StandardCopyOption.ATOMIC_MOVE);
		Files.writeString(directory, "a regular file\n");
		watchdog.check();
		assertThat(output).contains("Lost pid file " + path + " (PID " + PID + "): it cannot be locked again (ENOTDIR)")
			.doesNotContain("was replaced")
			.doesNotContain("another instance");
		assertThat(this.events).singleElement()
			.isInstanceOfSatisfying(PidFileLockLostEvent.class,
					(event) -> assertThat(event.getReason()).contains("ENOTDIR"));
	}

	@Test
	void checkAfterReleaseShouldNotLockThePathAgain() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFileWatchdog watchdog = watchdog(path);
		this.pidFile.release();
		watchdog.check();
		assertThat(path).doesNotExist();
		assertThat(this.events).isEmpty();
	}

	/**
	 * Put a file locked by {@code flock(1)} at the path in one atomic rename, the way a
	 * second instance would win the path while ours was gone.
	 */
	private void takeOver(Path path) throws Exception {
		Path other = this.temp.resolve("other.pid");
		this.holder = Flock.hold(other);
		Files.move(other, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private PidFileWatchdog watchdog(Path path) throws Exception {
		this.pidFile = ApplicationPidFile.acquire(path);
		return new PidFileWatchdog(this.pidFile, Duration.ofHours(1), (PidFileWatchdog.Listener) this.events::add);
	}

}
