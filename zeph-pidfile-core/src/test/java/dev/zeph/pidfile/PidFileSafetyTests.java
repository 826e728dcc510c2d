package dev.zeph.pidfile;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import dev.zeph.pidfile.testsupport.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests that nothing at the path is lost and nobody is let in: every refusal names the path,
 * the operation and the cause, and leaves what it found byte for byte as it was.
 */
class PidFileSafetyTests {

	private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

	@TempDir
	Path temp;

	@Test
	void acquireWhenPathIsSymlinkShouldRefuseAndLeaveTargetUnchanged() throws Exception {
		Path target = this.temp.resolve("precious.txt");
		Files.writeString(target, "1234\n");
		Path path = this.temp.resolve("app.pid");
		Files.createSymbolicLink(path, target);
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.satisfies((ex) -> {
				assertThat(ex.getMessage()).contains(path.toString()).contains("symbolic link");
				assertThat(ex.getPath()).isEqualTo(path);
			});
		assertThat(Files.readString(target)).isEqualTo("1234\n");
		assertThat(Files.isSymbolicLink(path)).isTrue();
	}

	@Test
	void acquireWhenPathIsDanglingSymlinkShouldRefuseAndCreateNothing() throws Exception {
		Path target = this.temp.resolve("planted-target");
		Path path = this.temp.resolve("app.pid");
		Files.createSymbolicLink(path, target);
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.withMessageContaining("symbolic link");
		assertThat(target).doesNotExist();
	}

	@Test
	void inspectWhenPathIsSymlinkShouldRefuse() throws Exception {
		Path target = this.temp.resolve("other.pid");
		Files.writeString(target, "1\n");
		Path path = this.temp.resolve("app.pid");
		Files.createSymbolicLink(path, target);
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.inspect(path))
			.satisfies((ex) -> assertThat(ex.getErrno()).hasValue("ELOOP"));
	}

	@Test
	void acquireWhenPathIsDirectoryShouldRefuse() throws Exception {
		Path path = Files.createDirectory(this.temp.resolve("app.pid"));
		Files.writeString(path.resolve("inside"), "keep");
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.withMessageContaining(path.toString())
			.withMessageContaining("a directory");
		assertThat(path.resolve("inside")).hasContent("keep");
	}

	@Test
	void acquireWhenPathIsFifoShouldRefuse() throws Exception {
		Path path = this.temp.resolve("app.pid");
		assumeThat(Commands.run("mkfifo", path.toString()).exitCode()).isZero();
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.withMessageContaining("a FIFO");
		assertThat(Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)).isFalse();
	}

	@Test
	@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	void inspectWhenPathIsFifoShouldRefuseWithoutWaitingForAWriter() throws Exception {
		// open(O_RDONLY) of a FIFO waits for a writer unless O_NONBLOCK: a probe must never hang
		Path path = this.temp.resolve("app.pid");
		assumeThat(Commands.run("mkfifo", path.toString()).exitCode()).isZero();
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.inspect(path))
			.withMessageContaining(path.toString())
			.withMessageContaining("a FIFO");
	}

	@Test
	void acquireWhenPathIsDeviceShouldRefuse() throws Exception {
		Path path = this.temp.resolve("app.pid");
		assumeThat(ROOT).as("mknod needs root").isTrue();
		assumeThat(Commands.run("mknod", path.toString(), "c", "1", "3").exitCode()).isZero();
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.withMessageContaining("a character device");
	}

	@Test
	void acquireWhenFileIsHardLinkedShouldRefuseAndLeaveBothUnchanged() throws Exception {
		Path other = this.temp.resolve("shadow");
		Files.writeString(other, "");
		Path path = this.temp.resolve("app.pid");
		Files.createLink(path, other);
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.withMessageContaining("2 hard links");
		assertThat(other).isEmptyFile();
		assertThat(path).isEmptyFile();
	}

	@Test
	void acquireWhenContentIsNotAPidShouldRefuseAndLeaveContentUnchanged() throws Exception {
		Path path = this.temp.resolve("notes.txt");
		String content = "my notes\nline two\n";
		Files.writeString(path, content);
		assertThatExceptionOfType(NotAPidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.withMessageContaining(path.toString())
			.withMessageContaining("does not look like a pid file");
		assertThat(Files.readString(path)).isEqualTo(content);
	}

	@Test
	void acquireWhenContentHasElevenDigitsShouldRefuse() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Files.writeString(path, "12345678901\n");
		assertThatExceptionOfType(NotAPidFileException.class).isThrownBy(() -> PidFile.acquire(path));
		assertThat(path).hasContent("12345678901");
	}

	@Test
	void acquireWhenContentIsZeroShouldRefuseAndLeaveTheFile() throws Exception {
		// 0 names no process: such a file is someone's, not a stale pid file to take over
		Path path = this.temp.resolve("app.pid");
		Files.writeString(path, "0\n");
		assertThatExceptionOfType(NotAPidFileException.class).isThrownBy(() -> PidFile.acquire(path));
		assertThatExceptionOfType(NotAPidFileException.class).isThrownBy(() -> PidFile.inspect(path));
		assertThat(path).hasContent("0");
	}

	@Test
	void acquireWhenContentIsAtOrAbovePidMaxShouldRefuseAndLeaveTheFile() throws Exception {
		long pidMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).trim());
		Path path = this.temp.resolve("app.pid");
		Files.writeString(path, pidMax + "\n");
		assertThatExceptionOfType(NotAPidFileException.class).isThrownBy(() -> PidFile.acquire(path));
		assertThat(path).hasContent(Long.toString(pidMax));
	}

	@Test
	void acquireWhenContentIsLargeShouldRefuseAndLeaveContentUnchanged() throws Exception {
		Path path = this.temp.resolve("data.bin");
		byte[] content = new byte[1 << 16];
		for (int i = 0; i < content.length; i++) {
			content[i] = (byte) ('0' + (i % 10));
		}
		Files.write(path, content);
		assertThatExceptionOfType(NotAPidFileException.class).isThrownBy(() -> PidFile.acquire(path));
		assertThat(Files.readAllBytes(path)).isEqualTo(content);
	}

	@Test
	void acquireWhenFileOwnedByAnotherUserShouldRefuse() throws Exception {
		assumeThat(ROOT).as("chown to another user needs root").isTrue();
		Path path = this.temp.resolve("app.pid");
		Files.writeString(path, "");
		assertThat(Commands.run("chown", "65534:65534", path.toString()).exitCode()).isZero();
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.withMessageContaining("owned by uid 65534");
		assertThat(path).isEmptyFile();
	}

	@Test
	void acquireWhenAnotherUsersFileInTheirDirectoryIsLockedShouldReportAlreadyRunningNamingHolderAndOwner()
			throws Exception {
		assumeThat(OtherUser.available()).as("creating a user needs root, useradd and setpriv").isTrue();
		Files.setPosixFilePermissions(this.temp, PosixFilePermissions.fromString("rwxr-xr-x"));
		try (OtherUser user = OtherUser.create()) {
			Path directory = Files.createDirectory(this.temp.resolve("theirs"));
			user.own(directory);
			Path path = directory.resolve("app.pid");
			Process holder = new ProcessBuilder(user.command("flock", path.toString(), "sleep", "300")).start();
			try {
				PidFileFlockInteropTests.awaitLocked(path);
				// a live instance of another user: its file and directory are not ours, but it is running
				assertThatExceptionOfType(AlreadyRunningException.class).isThrownBy(() -> PidFile.acquire(path))
					.satisfies((ex) -> {
						assertThat(ex.getHolderPid()).hasValue(holder.pid());
						assertThat(ex.getFileOwner()).hasValue("uid " + user.uid() + " (" + user.name() + ")");
						assertThat(ex.getMessage()).contains("PID " + holder.pid())
							.contains("owned by uid " + user.uid());
					});
				assertThat(path).isEmptyFile();
			}
			finally {
				Commands.killTree(holder);
			}
			// nobody holds it now: the same file is refused as unsafe, and left where it is
			assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
				.satisfies((ex) -> assertThat(ex.getDirectory()).hasValue(directory));
			assertThat(path).isEmptyFile();
		}
	}

	@Test
	void acquireWhenAnAncestorBelongsToAnotherUserShouldRefuseNamingItsOwnerAndModeAndCreateNothing()
			throws Exception {
		assumeThat(OtherUser.available()).as("creating a user needs root, useradd and setpriv").isTrue();
		try (OtherUser user = OtherUser.create()) {
			Path theirs = Files.createDirectory(this.temp.resolve("theirs"));
			user.own(theirs);
			Path path = theirs.resolve("run/app.pid");
			assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
				.satisfies((ex) -> {
					assertThat(ex.getDirectory()).hasValue(theirs);
					assertThat(ex.getMessage()).contains(theirs + " (owner uid " + user.uid() + " (" + user.name()
							+ "), mode 755)")
						.contains("unsafe path transition");
				});
			assertThat(theirs.resolve("run")).doesNotExist();
		}
	}

	@Test
	void acquireWhenGrandparentIsWritableByOthersWithoutStickyShouldRefuseNamingIt() throws Exception {
		Path shared = Files.createDirectory(this.temp.resolve("shared"));
		Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
		Path directory = Files.createDirectory(shared.resolve("app"));
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path path = directory.resolve("app.pid");
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.satisfies((ex) -> {
				assertThat(ex.getDirectory()).hasValue(shared);
				assertThat(ex.getMessage()).contains(shared + " (owner uid ").contains("mode 777").contains("not sticky");
			});
		assertThat(path).doesNotExist();
	}

	@Test
	void acquireAgainWhenTheParentBecameWritableByOthersShouldRefuse() throws Exception {
		Path directory = Files.createDirectory(this.temp.resolve("app"));
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path path = directory.resolve("app.pid");
		PidFile.acquire(path).close();
		PidFile.acquire(path).close();
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.satisfies((ex) -> assertThat(ex.getDirectory()).hasValue(directory));
		assertThat(path).doesNotExist();
	}

	@Test
	void acquireAgainWhenAnotherUserReplacedADirectoryInAStickyDirectoryShouldRefuseNamingIt() throws Exception {
		assumeThat(OtherUser.available()).as("creating a user needs root, useradd and setpriv").isTrue();
		Files.setPosixFilePermissions(this.temp, PosixFilePermissions.fromString("rwxr-xr-x"));
		Path shared = Files.createDirectory(this.temp.resolve("shared"));
		assertThat(Commands.run("chmod", "1777", shared.toString()).exitCode()).isZero();
		Path mine = Files.createDirectories(shared.resolve("mine/run")).getParent();
		Path path = mine.resolve("run/app.pid");
		PidFile.acquire(path).close();
		PidFile.acquire(path).close();
		// a cleaner removes the empty directories, and another user plants their own in their place
		Files.delete(mine.resolve("run"));
		Files.delete(mine);
		try (OtherUser user = OtherUser.create()) {
			Files.createDirectories(mine.resolve("run"));
			user.own(mine.resolve("run"));
			user.own(mine);
			assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
				.satisfies((ex) -> {
					assertThat(ex.getDirectory()).hasValue(mine);
					assertThat(ex.getMessage()).contains("unsafe path transition");
				});
			assertThat(path).doesNotExist();
		}
	}

	@Test
	void acquireWhenFileWritableByOthersShouldRefuse() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Files.writeString(path, "");
		Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.withMessageContaining("writable by others");
	}

	@Test
	void acquireWhenParentWritableByOthersWithoutStickyShouldRefuse() throws Exception {
		Path directory = Files.createDirectory(this.temp.resolve("shared"));
		Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxrwx"));
		Path path = directory.resolve("app.pid");
		assertThatExceptionOfType(UnsafePidFileException.class).isThrownBy(() -> PidFile.acquire(path))
			.withMessageContaining(directory.toString())
			.withMessageContaining("not sticky");
		assertThat(path).doesNotExist();
	}

	@Test
	void acquireWhenParentWritableByOthersWithStickyShouldSucceed() throws Exception {
		Path directory = Files.createDirectory(this.temp.resolve("shared"));
		assertThat(Commands.run("chmod", "1777", directory.toString()).exitCode()).isZero();
		try (PidFile pidFile = PidFile.acquire(directory.resolve("app.pid"))) {
			assertThat(pidFile.isOwned()).isTrue();
		}
	}

	@Test
	void acquireWhenParentIsAFileShouldNameENOTDIR() throws Exception {
		Path file = Files.writeString(this.temp.resolve("plain"), "keep");
		assertThatExceptionOfType(PidFileException.class).isThrownBy(() -> PidFile.acquire(file.resolve("app.pid")))
			.satisfies((ex) -> assertThat(ex.getErrno()).hasValue("ENOTDIR"));
		assertThat(file).hasContent("keep");
	}

	@Test
	void acquireWhenLocationIsReadOnlyShouldNameEROFS() throws Exception {
		assumeThat(ROOT).as("mounting a read-only file system needs root").isTrue();
		Path mount = Files.createDirectory(this.temp.resolve("ro"));
		assumeThat(Commands.run("mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", mount.toString()).exitCode())
			.as("mount a read-only tmpfs")
			.isZero();
		try {
			Path path = mount.resolve("app.pid");
			assertThatExceptionOfType(PidFileException.class).isThrownBy(() -> PidFile.acquire(path))
				.satisfies((ex) -> {
					assertThat(ex.getErrno()).hasValue("EROFS");
					assertThat(ex.getOperation()).isEqualTo("create");
					assertThat(ex.getMessage()).contains(path.toString()).contains("EROFS");
				});
		}
		finally {
			Commands.run("umount", mount.toString());
		}
	}

	@Test
	void acquireWhenLocationIsNotWritableShouldNameEACCES() throws Exception {
		Path path;
		if (ROOT) {
			// root passes every permission bit; sysfs still refuses to create files
			path = Path.of("/sys/zeph-pidfile-test.pid");
		}
		else {
			Path directory = Files.createDirectory(this.temp.resolve("locked"));
			Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-xr-xr-x"));
			path = directory.resolve("app.pid");
		}
		assertThatExceptionOfType(PidFileException.class).isThrownBy(() -> PidFile.acquire(path)).satisfies((ex) -> {
			assertThat(ex.getErrno()).hasValueSatisfying((errno) -> assertThat(errno).isIn("EACCES", "EROFS"));
			assertThat(ex.getMessage()).contains(path.toString()).contains("create");
		});
	}

	@Test
	void acquireWhenParentCannotBeCreatedShouldNameTheDirectoryAndErrno() throws Exception {
		assumeThat(ROOT).isTrue();
		Path path = Path.of("/sys/zeph-pidfile-test/app.pid");
		assertThatExceptionOfType(PidFileException.class).isThrownBy(() -> PidFile.acquire(path)).satisfies((ex) -> {
			assertThat(ex.getOperation()).isEqualTo("create directory");
			assertThat(ex.getErrno()).hasValueSatisfying((errno) -> assertThat(errno).isIn("EACCES", "EPERM", "EROFS"));
			assertThat(ex.getMessage()).contains("/sys/zeph-pidfile-test").contains(ex.getErrno().get());
		});
	}

}
