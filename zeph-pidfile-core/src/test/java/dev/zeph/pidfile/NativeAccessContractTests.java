package dev.zeph.pidfile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.testsupport.Commands;
import dev.zeph.pidfile.testsupport.Flock;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * What every native backend must do, through {@link NativeAccess}: each subclass names one
 * backend, and the same calls are made on real files, beside {@code flock(1)} where a lock is
 * involved. The behavioural suite runs once per JDK on that JDK's default backend; this
 * contract is what lets every other backend stand on it.
 */
abstract class NativeAccessContractTests {

	@TempDir
	Path temp;

	private NativeAccess nativeAccess;

	private int fd = -1;

	/**
	 * The backend under test.
	 * @return the backend
	 */
	abstract NativeBackend backend();

	@BeforeEach
	void load() throws Exception {
		assumeThat(System.getProperty("os.name")).as("the contract is checked on Linux").isEqualTo("Linux");
		try {
			this.nativeAccess = NativeAccessLoader.load(System.getProperty("os.name"), System.getProperty("os.arch"),
					backend().toString(), Runtime.version().feature(), this.temp.resolve("any.pid"));
		}
		catch (UnsupportedPlatformException ex) {
			assumeThat(backend()).as("%s is not available on Java %s: %s", backend(), Runtime.version().feature(),
					ex.getMessage())
				.isNotEqualTo(backend());
		}
		assertThat(this.nativeAccess.name()).isEqualTo(backend().toString());
	}

	@AfterEach
	void closeDescriptor() {
		if (this.fd != -1) {
			this.nativeAccess.close(this.fd);
		}
	}

	@Test
	void createShouldMakeANewFileWithTheGivenMode() throws Exception {
		Path path = this.temp.resolve("new.pid");
		this.fd = this.nativeAccess.create(path.toString(), 0644);
		assertThat(this.fd).isNotNegative();
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-r--r--");
	}

	@Test
	void createWhenTheFileExistsShouldFailWithEexist() throws Exception {
		Path path = Files.writeString(this.temp.resolve("old.pid"), "42\n");
		assertThatExceptionOfType(ErrnoException.class)
			.isThrownBy(() -> this.nativeAccess.create(path.toString(), 0644))
			.satisfies((ex) -> assertThat(ex.errno()).isEqualTo(Errno.EEXIST))
			.withMessage("open: File exists (EEXIST)");
		assertThat(path).hasContent("42");
	}

	@Test
	void createThroughASymbolicLinkShouldFailAndCreateNothing() throws Exception {
		Path target = this.temp.resolve("target");
		Path link = Files.createSymbolicLink(this.temp.resolve("link.pid"), target);
		assertThatExceptionOfType(ErrnoException.class)
			.isThrownBy(() -> this.nativeAccess.create(link.toString(), 0644))
			.satisfies((ex) -> assertThat(ex.errno()).isEqualTo(Errno.EEXIST));
		assertThat(target).doesNotExist();
	}

	@Test
	void openOfASymbolicLinkShouldFailWithEloop() throws Exception {
		Path target = Files.writeString(this.temp.resolve("target"), "x");
		Path link = Files.createSymbolicLink(this.temp.resolve("link.pid"), target);
		assertThatExceptionOfType(ErrnoException.class).isThrownBy(() -> this.nativeAccess.open(link.toString(), true))
			.satisfies((ex) -> assertThat(ex.errno()).isEqualTo(Errno.ELOOP));
	}

	@Test
	void openWhenNothingIsThereShouldFailWithEnoent() {
		assertThatExceptionOfType(ErrnoException.class)
			.isThrownBy(() -> this.nativeAccess.open(this.temp.resolve("missing.pid").toString(), false))
			.satisfies((ex) -> assertThat(ex.errno()).isEqualTo(Errno.ENOENT));
	}

	@Test
	void openOfAFifoToReadShouldNotWaitForAWriter() throws Exception {
		assumeThat(Commands.available("mkfifo")).as("mkfifo is installed").isTrue();
		Path fifo = this.temp.resolve("fifo.pid");
		assertThat(Commands.run("mkfifo", fifo.toString()).exitCode()).isZero();
		this.fd = CompletableFuture.supplyAsync(() -> {
			try {
				return this.nativeAccess.open(fifo.toString(), false);
			}
			catch (ErrnoException ex) {
				throw new IllegalStateException(ex);
			}
		}).get(60, TimeUnit.SECONDS);
		assertThat(this.nativeAccess.fstat(this.fd).isRegularFile()).isFalse();
	}

	@Test
	void fstatAndLstatShouldDescribeTheSameFile() throws Exception {
		Path path = this.temp.resolve("app.pid");
		this.fd = this.nativeAccess.create(path.toString(), 0640);
		this.nativeAccess.pwrite(this.fd, "4711\n".getBytes(StandardCharsets.US_ASCII), 0);
		FileStatus opened = this.nativeAccess.fstat(this.fd);
		FileStatus named = this.nativeAccess.lstat(path.toString());
		assertThat(named).isNotNull();
		assertThat(opened.isSameFile(named)).isTrue();
		assertThat(opened.inode()).isEqualTo(Files.getAttribute(path, "unix:ino"));
		assertThat(opened.device()).isEqualTo(Files.getAttribute(path, "unix:dev"));
		assertThat(opened.uid()).isEqualTo(Files.getAttribute(path, "unix:uid"));
		assertThat(opened.links()).isEqualTo(1);
		assertThat(opened.size()).isEqualTo(5);
		assertThat(opened.mode() & 07777).isEqualTo(0640);
		assertThat(opened.isRegularFile()).isTrue();
	}

	@Test
	void lstatShouldSeeALinkAndStatWhatItNames() throws Exception {
		Path directory = Files.createDirectory(this.temp.resolve("run"));
		Path link = Files.createSymbolicLink(this.temp.resolve("link"), directory);
		assertThat(this.nativeAccess.lstat(link.toString()).isSymbolicLink()).isTrue();
		assertThat(this.nativeAccess.stat(link.toString()).isDirectory()).isTrue();
	}

	@Test
	void lstatAndStatWhenNothingIsThereShouldAnswerNull() throws Exception {
		String missing = this.temp.resolve("missing.pid").toString();
		assertThat(this.nativeAccess.lstat(missing)).isNull();
		assertThat(this.nativeAccess.stat(missing)).isNull();
	}

	@Test
	void lstatThroughAFileShouldFailWithEnotdir() throws Exception {
		Path file = Files.writeString(this.temp.resolve("file"), "x");
		assertThatExceptionOfType(ErrnoException.class)
			.isThrownBy(() -> this.nativeAccess.lstat(file.resolve("app.pid").toString()))
			.satisfies((ex) -> assertThat(ex.errno()).isEqualTo(Errno.ENOTDIR))
			.withMessage("lstat: Not a directory (ENOTDIR)");
	}

	@Test
	void pwriteAndPreadShouldRoundTripAndFtruncateShouldCut() throws Exception {
		Path path = this.temp.resolve("app.pid");
		this.fd = this.nativeAccess.create(path.toString(), 0644);
		this.nativeAccess.pwrite(this.fd, "123456\n".getBytes(StandardCharsets.US_ASCII), 0);
		this.nativeAccess.pwrite(this.fd, "42\n".getBytes(StandardCharsets.US_ASCII), 0);
		this.nativeAccess.ftruncate(this.fd, 3);
		byte[] buffer = new byte[64];
		int read = this.nativeAccess.pread(this.fd, buffer, 0);
		assertThat(new String(buffer, 0, read, StandardCharsets.US_ASCII)).isEqualTo("42\n");
		assertThat(this.nativeAccess.pread(this.fd, buffer, 3)).isZero();
		assertThat(path).hasContent("42");
	}

	@Test
	void preadOfADirectoryShouldFailWithEisdir() throws Exception {
		this.fd = this.nativeAccess.open(this.temp.toString(), false);
		assertThatExceptionOfType(ErrnoException.class)
			.isThrownBy(() -> this.nativeAccess.pread(this.fd, new byte[16], 0))
			.satisfies((ex) -> assertThat(ex.errno()).isEqualTo(Errno.EISDIR));
	}

	@Test
	void tryLockWhileFlockHoldsTheFileShouldBeRefusedAndThenTaken() throws Exception {
		assumeThat(Commands.available("flock")).as("util-linux is installed").isTrue();
		Path path = Files.writeString(this.temp.resolve("app.pid"), "");
		this.fd = this.nativeAccess.open(path.toString(), true);
		Process holder = Flock.hold(path);
		try {
			assertThat(this.nativeAccess.tryLock(this.fd, true)).isFalse();
			assertThat(this.nativeAccess.tryLock(this.fd, false)).isFalse();
		}
		finally {
			Flock.release(holder);
		}
		assertThat(this.nativeAccess.tryLock(this.fd, true)).isTrue();
		assertThat(Flock.isFree(path)).isFalse();
	}

	@Test
	void sharedLockShouldKeepOutAnExclusiveOneOnly() throws Exception {
		assumeThat(Commands.available("flock")).as("util-linux is installed").isTrue();
		Path path = Files.writeString(this.temp.resolve("app.pid"), "");
		this.fd = this.nativeAccess.open(path.toString(), false);
		assertThat(this.nativeAccess.tryLock(this.fd, false)).isTrue();
		assertThat(Commands.run("flock", "-n", "-x", path.toString(), "true").exitCode()).isEqualTo(1);
		assertThat(Commands.run("flock", "-n", "-s", path.toString(), "true").exitCode()).isZero();
	}

	@Test
	void awaitSharedShouldBlockUntilTheHolderLetsGo() throws Exception {
		assumeThat(Commands.available("flock")).as("util-linux is installed").isTrue();
		Path path = Files.writeString(this.temp.resolve("app.pid"), "");
		this.fd = this.nativeAccess.open(path.toString(), false);
		Process holder = Flock.hold(path);
		CompletableFuture<Void> wait = CompletableFuture.runAsync(() -> {
			try {
				this.nativeAccess.awaitShared(this.fd);
			}
			catch (ErrnoException ex) {
				throw new IllegalStateException(ex);
			}
		});
		try {
			// the kernel shows our request waiting behind flock(1)'s lock
			Polling.await(() -> PidFileFlockInteropTests.blockedRequests()
				.contains(" " + ProcessHandle.current().pid() + " "), "a blocked flock request");
			assertThat(wait).isNotDone();
		}
		finally {
			Flock.release(holder);
		}
		wait.get(60, TimeUnit.SECONDS);
		assertThat(Commands.run("flock", "-n", "-x", path.toString(), "true").exitCode()).isEqualTo(1);
	}

	@Test
	void unlinkShouldRemoveAndWhenNothingIsThereFailWithEnoent() throws Exception {
		Path path = Files.writeString(this.temp.resolve("app.pid"), "");
		this.nativeAccess.unlink(path.toString());
		assertThat(path).doesNotExist();
		assertThatExceptionOfType(ErrnoException.class).isThrownBy(() -> this.nativeAccess.unlink(path.toString()))
			.satisfies((ex) -> assertThat(ex.errno()).isEqualTo(Errno.ENOENT));
	}

	@Test
	void mkdirShouldCreateWithTheModeAndRefuseAnExistingOne() throws Exception {
		Path directory = this.temp.resolve("run");
		this.nativeAccess.mkdir(directory.toString(), 0700);
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory))).isEqualTo("rwx------");
		assertThatExceptionOfType(ErrnoException.class)
			.isThrownBy(() -> this.nativeAccess.mkdir(directory.toString(), 0700))
			.satisfies((ex) -> assertThat(ex.errno()).isEqualTo(Errno.EEXIST));
	}

	@Test
	void geteuidShouldBeTheOwnerOfWhatThisProcessCreates() throws Exception {
		Path path = Files.writeString(this.temp.resolve("mine"), "");
		assertThat(this.nativeAccess.geteuid()).isEqualTo(Files.getAttribute(path, "unix:uid"));
	}

	@Test
	void isAliveShouldTellALiveProcessFromAGoneOne() throws Exception {
		Process gone = new ProcessBuilder("true").start();
		gone.waitFor();
		assertThat(this.nativeAccess.isAlive(ProcessHandle.current().pid())).isTrue();
		assertThat(this.nativeAccess.isAlive(1)).isTrue();
		assertThat(this.nativeAccess.isAlive(gone.pid())).isFalse();
		assertThat(this.nativeAccess.isAlive(0)).isFalse();
	}

	@Test
	void failureShouldNameTheCallTheErrnoAndTheSystemsText() {
		assertThatExceptionOfType(ErrnoException.class)
			.isThrownBy(() -> this.nativeAccess.open(this.temp.resolve("missing/app.pid").toString(), true))
			.satisfies((ex) -> {
				assertThat(ex.errno()).isEqualTo(Errno.ENOENT);
				assertThat(ex.error().name()).isEqualTo("ENOENT");
				assertThat(ex.getMessage()).isEqualTo("open: No such file or directory (ENOENT)");
			});
	}

}
