package dev.zeph.pidfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HolderLookup}: telling who holds a lock when the file does not say yet.
 */
class HolderLookupTests {

	@TempDir
	Path temp;

	private NativeAccess nativeAccess;

	private Path path;

	@BeforeEach
	void setUp() throws Exception {
		this.nativeAccess = NativeAccessLoader.get(this.temp);
		this.path = Files.createFile(this.temp.resolve("app.pid"));
	}

	@Test
	void findWhenContentArrivesLateShouldRetryUntilItIsWritten() throws Exception {
		int holder = lockedByAnotherOpen();
		int waiter = this.nativeAccess.open(this.path.toString(), false);
		try {
			// a holder between its flock and its write; no /proc/locks, as on macOS
			CompletableFuture<Void> write = CompletableFuture.runAsync(() -> {
				try {
					Files.writeString(this.path, "4242\n");
				}
				catch (Exception ex) {
					throw new RuntimeException(ex);
				}
			}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
			HolderLookup lookup = new HolderLookup(this.nativeAccess, new ProcLocks(this.temp.resolve("no-proc")));
			HolderLookup.Result result = lookup.find(waiter, this.nativeAccess.fstat(waiter), false);
			write.join();
			assertThat(result.free()).isFalse();
			assertThat(result.holder()).hasValue(4242);
		}
		finally {
			this.nativeAccess.close(waiter);
			this.nativeAccess.close(holder);
		}
	}

	@Test
	void findWhenContentStaysEmptyWithoutProcLocksShouldReportPidUnknown() throws Exception {
		int holder = lockedByAnotherOpen();
		int waiter = this.nativeAccess.open(this.path.toString(), false);
		try {
			HolderLookup lookup = new HolderLookup(this.nativeAccess, new ProcLocks(this.temp.resolve("no-proc")));
			HolderLookup.Result result = lookup.find(waiter, this.nativeAccess.fstat(waiter), false);
			assertThat(result.free()).isFalse();
			assertThat(result.holder()).isEmpty();
		}
		finally {
			this.nativeAccess.close(waiter);
			this.nativeAccess.close(holder);
		}
	}

	@Test
	void findWhenContentStaysEmptyShouldAskProcLocks() throws Exception {
		int holder = lockedByAnotherOpen();
		int waiter = this.nativeAccess.open(this.path.toString(), false);
		try {
			HolderLookup.Result result = new HolderLookup(this.nativeAccess, new ProcLocks()).find(waiter,
					this.nativeAccess.fstat(waiter), false);
			assertThat(result.holder()).hasValue(ProcessHandle.current().pid());
		}
		finally {
			this.nativeAccess.close(waiter);
			this.nativeAccess.close(holder);
		}
	}

	@Test
	void findWhenOnlyAShortSharedProbeHoldsShouldWaitItOutAndLock() throws Exception {
		Files.writeString(this.path, "4242\n");
		int prober = this.nativeAccess.open(this.path.toString(), false);
		assertThat(this.nativeAccess.tryLock(prober, false)).isTrue();
		int waiter = this.nativeAccess.open(this.path.toString(), true);
		try {
			// someone's "is it running?" probe holds LOCK_SH for a moment; the stale pid is not a holder
			CompletableFuture.runAsync(() -> this.nativeAccess.close(prober),
					CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
			HolderLookup.Result result = new HolderLookup(this.nativeAccess, new ProcLocks()).find(waiter,
					this.nativeAccess.fstat(waiter), true);
			assertThat(result.free()).isTrue();
		}
		finally {
			this.nativeAccess.close(waiter);
		}
	}

	@Test
	void findWhenSilentExclusiveHolderLetsGoShouldWaitItOutAndLock() throws Exception {
		// systemd-tmpfiles locks a stale file for a moment before deleting it; its pid is not in the file
		Files.writeString(this.path, "4242\n");
		int holder = lockedByAnotherOpen();
		int waiter = this.nativeAccess.open(this.path.toString(), true);
		try {
			CompletableFuture.runAsync(() -> this.nativeAccess.close(holder),
					CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
			HolderLookup.Result result = new HolderLookup(this.nativeAccess, new ProcLocks()).find(waiter,
					this.nativeAccess.fstat(waiter), true);
			assertThat(result.free()).isTrue();
		}
		finally {
			this.nativeAccess.close(waiter);
		}
	}

	private int lockedByAnotherOpen() throws Exception {
		int fd = this.nativeAccess.open(this.path.toString(), true);
		assertThat(this.nativeAccess.tryLock(fd, true)).isTrue();
		return fd;
	}

}
