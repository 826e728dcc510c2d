package dev.zeph.pidfile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PidFile}: the holder's own view of its file.
 */
class PidFileTests {

	private static final long OUR_PID = ProcessHandle.current().pid();

	@TempDir
	Path temp;

	@Test
	void acquireShouldCreateFileWithPidAndNewline() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(Files.readString(path)).isEqualTo(OUR_PID + "\n");
			assertThat(pidFile.pid()).isEqualTo(OUR_PID);
			assertThat(pidFile.path()).isEqualTo(path.toAbsolutePath());
			assertThat(pidFile.previousPid()).isEmpty();
		}
	}

	@Test
	void acquireShouldCreateFileWithMode0644() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (PidFile pidFile = PidFile.acquire(path)) {
			// the build runs with umask 022, which leaves 0644 as it is
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-r--r--");
		}
	}

	@Test
	void acquireShouldOpenWithCloexecSoChildrenDoNotInheritTheLock() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (PidFile pidFile = PidFile.acquire(path)) {
			String fdinfo = Files.readString(Path.of("/proc/self/fdinfo/" + pidFile.fd()));
			int flags = Integer.parseInt(fdinfo.lines()
				.filter((line) -> line.startsWith("flags:"))
				.findFirst()
				.orElseThrow()
				.substring("flags:".length())
				.trim(), 8);
			assertThat(flags & 02000000).as("O_CLOEXEC").isNotZero();
			assertThat(flags & 03).as("O_RDWR").isEqualTo(02);
		}
	}

	@Test
	void closeShouldRemoveFileAndReleaseLock() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFile pidFile = PidFile.acquire(path);
		pidFile.close();
		assertThat(path).doesNotExist();
		assertThat(pidFile.ownership()).isEqualTo(PidFile.Ownership.RELEASED);
		try (PidFile again = PidFile.acquire(path)) {
			assertThat(again.isOwned()).isTrue();
		}
	}

	@Test
	void closeTwiceShouldDoNothingTheSecondTime() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFile pidFile = PidFile.acquire(path);
		pidFile.close();
		Files.writeString(path, "");
		pidFile.close();
		assertThat(path).exists();
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void acquireWhenHeldInSameJvmShouldFailNamingThisProcess() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (PidFile held = PidFile.acquire(path)) {
			// another thread, as a second application context would be: no deadlock, no success
			CompletableFuture<PidFile> second = CompletableFuture.supplyAsync(() -> {
				try {
					return PidFile.acquire(path);
				}
				catch (PidFileException ex) {
					throw new RuntimeException(ex);
				}
			});
			assertThatExceptionOfType(Exception.class).isThrownBy(second::join)
				.havingRootCause()
				.isInstanceOfSatisfying(AlreadyRunningException.class, (ex) -> {
					assertThat(ex.getHolderPid()).hasValue(OUR_PID);
					assertThat(ex.isHeldByThisProcess()).isTrue();
					assertThat(ex.getPath()).isEqualTo(path.toAbsolutePath());
					assertThat(ex.getMessage()).contains(path.toString()).contains("this process");
				});
			assertThat(Files.readString(path)).isEqualTo(OUR_PID + "\n");
			assertThat(held.isOwned()).isTrue();
		}
	}

	@Test
	void acquireWhenRefusedShouldLeaveHoldersContentUntouched() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = ChildJvm.start(HoldPidFileMain.class, path.toString());
		try {
			ChildJvm.awaitLine(holder, "acquired");
			byte[] before = Files.readAllBytes(path);
			assertThatExceptionOfType(AlreadyRunningException.class).isThrownBy(() -> PidFile.acquire(path))
				.satisfies((ex) -> assertThat(ex.getHolderPid()).hasValue(holder.pid()));
			assertThat(Files.readAllBytes(path)).isEqualTo(before).isEqualTo((holder.pid() + "\n").getBytes());
		}
		finally {
			Commands.killTree(holder);
		}
	}

	@Test
	void acquireWhenStalePidIsLongerShouldLeaveNoTrailingDigits() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Files.writeString(path, "0000000042\n");
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(Files.readString(path)).isEqualTo(OUR_PID + "\n");
			assertThat(pidFile.previousPid()).hasValue(42);
		}
	}

	@Test
	void acquireAgainWhenTheDirectoryWasRemovedShouldCreateItAgain() throws Exception {
		Path path = this.temp.resolve("run/app.pid");
		PidFile.acquire(path).close();
		PidFile.acquire(path).close();
		Files.delete(path.getParent());
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(pidFile.isOwned()).isTrue();
			assertThat(Files.readString(path)).isEqualTo(OUR_PID + "\n");
		}
	}

	@Test
	void acquireWhenParentsAreMissingShouldCreateThemWithMode0755() throws Exception {
		Path path = this.temp.resolve("run/deeper/app.pid");
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(path).exists();
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())))
				.isEqualTo("rwxr-xr-x");
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(this.temp.resolve("run"))))
				.isEqualTo("rwxr-xr-x");
		}
	}

	@Test
	void acquireWithRelativePathShouldHoldItsAbsoluteForm() throws Exception {
		Path relative = Path.of("target", "relative-" + OUR_PID + ".pid");
		try (PidFile pidFile = PidFile.acquire(relative)) {
			assertThat(pidFile.path()).isAbsolute().isEqualTo(relative.toAbsolutePath());
		}
		assertThat(relative).doesNotExist();
	}

	@Test
	void ownershipWhenFileDeletedShouldReportDeleted() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(pidFile.ownership()).isEqualTo(PidFile.Ownership.OWNED);
			Files.delete(path);
			assertThat(pidFile.ownership()).isEqualTo(PidFile.Ownership.DELETED);
			assertThat(pidFile.isOwned()).isFalse();
		}
	}

	@Test
	void ownershipWhenFileReplacedShouldReportReplaced() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (PidFile pidFile = PidFile.acquire(path)) {
			Files.delete(path);
			Files.writeString(path, "4242\n");
			assertThat(pidFile.ownership()).isEqualTo(PidFile.Ownership.REPLACED);
		}
	}

	@Test
	void closeWhenFileReplacedShouldNotDeleteTheNewFile() throws Exception {
		Path path = this.temp.resolve("app.pid");
		PidFile pidFile = PidFile.acquire(path);
		Files.delete(path);
		Files.writeString(path, "someone else's\n");
		pidFile.close();
		assertThat(path).hasContent("someone else's");
	}

	@Test
	void nativeBackendShouldFollowTheJdkAndTheSystemProperty() throws Exception {
		String choice = System.getProperty(NativeAccessLoader.BACKEND_PROPERTY, "auto");
		String expected = switch (choice) {
			case "jnr-posix" -> "jnr-posix";
			case "jffi" -> "jffi";
			default -> (Runtime.version().feature() < 22) ? "jffi" : "java.lang.foreign";
		};
		try (PidFile pidFile = PidFile.acquire(this.temp.resolve("app.pid"))) {
			assertThat(pidFile.nativeBackend()).isEqualTo(expected);
		}
	}

	@Test
	void acquireShouldWriteOnlyAsciiDigits() throws Exception {
		Path path = this.temp.resolve("app.pid");
		try (PidFile pidFile = PidFile.acquire(path)) {
			assertThat(new String(Files.readAllBytes(path), StandardCharsets.US_ASCII)).matches("[0-9]{1,10}\n");
		}
	}

}
