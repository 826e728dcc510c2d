package dev.zeph.pidfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HolderLookup}: telling who holds a lock when the file does not say yet, or
 * says what cannot be confirmed.
 * The other holder is a second open file description in this JVM; what it does between two
 * looks is played from the lock table callback, so that no test depends on timing. The lookup
 * never takes a lock: {@link #find} plays the part of the lock loop that tries it between
 * looks.
 */
class HolderLookupTests {

	private static final ProcLocks.Holders NO_PROC_LOCKS = ProcLocks.Holders.UNKNOWN;

	private static final ProcLocks.Holders NOBODY_LISTED = new ProcLocks.Holders(true, OptionalLong.empty(), false);

	private static final long OUR_PID = ProcessHandle.current().pid();

	@TempDir
	Path temp;

	private NativeAccess nativeAccess;

	private Path path;

	private int holder;

	private int waiter;

	@BeforeEach
	void setUp() throws Exception {
		this.nativeAccess = NativeAccessLoader.get(this.temp);
		this.path = Files.createFile(this.temp.resolve("app.pid"));
		this.holder = this.nativeAccess.open(this.path.toString(), true);
		this.waiter = this.nativeAccess.open(this.path.toString(), true);
	}

	@AfterEach
	void closeBoth() {
		this.nativeAccess.close(this.waiter);
		this.nativeAccess.close(this.holder);
	}

	@Test
	void findWithoutALockListWhenContentArrivesLateShouldNameTheLiveWriterUnconfirmed() throws Exception {
		holdExclusive();
		AtomicInteger looks = new AtomicInteger();
		// a holder between its flock and its write, and no /proc/locks, as on macOS; pid 1 is alive
		HolderLookup lookup = new HolderLookup(this.nativeAccess, (file) -> {
			if (looks.incrementAndGet() == 2) {
				write("1\n");
			}
			return NO_PROC_LOCKS;
		});
		PidFileHolder holder = find(lookup, this.waiter, true);
		assertThat(holder.kind()).isEqualTo(PidFileHolder.Kind.UNCONFIRMED);
		assertThat(holder.pid()).hasValue(1);
		assertThat(looks).hasValue(3);
	}

	@Test
	void findWhenContentStaysEmptyWithoutProcLocksShouldReportPidUnknown() throws Exception {
		holdExclusive();
		HolderLookup lookup = new HolderLookup(this.nativeAccess, (file) -> NO_PROC_LOCKS);
		PidFileHolder holder = find(lookup, this.waiter, true);
		assertThat(holder.kind()).isEqualTo(PidFileHolder.Kind.UNKNOWN);
		assertThat(holder.pid()).isEmpty();
	}

	@Test
	void findWhenContentStaysEmptyShouldAskProcLocksAndNameThisProcess() throws Exception {
		holdExclusive();
		PidFileHolder holder = find(new HolderLookup(this.nativeAccess, new ProcLocks()), this.waiter, true);
		assertThat(holder.kind()).isEqualTo(PidFileHolder.Kind.THIS_PROCESS);
		assertThat(holder.pid()).hasValue(OUR_PID);
	}

	@Test
	void findWhenAPidFileOfThisJvmHoldsTheFileShouldNameThisProcessWithoutProcLocks() throws Exception {
		Path path = this.temp.resolve("held.pid");
		try (PidFile held = PidFile.acquire(path)) {
			int fd = this.nativeAccess.open(path.toString(), false);
			try {
				AtomicInteger looks = new AtomicInteger();
				HolderLookup lookup = new HolderLookup(this.nativeAccess, (file) -> {
					looks.incrementAndGet();
					return NOBODY_LISTED;
				});
				PidFileHolder holder = find(lookup, fd, false);
				assertThat(holder.kind()).isEqualTo(PidFileHolder.Kind.THIS_PROCESS);
				assertThat(holder.pid()).hasValue(OUR_PID);
				assertThat(looks).hasValue(0);
			}
			finally {
				this.nativeAccess.close(fd);
			}
		}
	}

	@Test
	void findWhenContentNamesThisProcessButProcLocksNamesNobodyShouldSayTheHolderIsNotVisible() throws Exception {
		// another pid namespace's pid 1 holds it, and we are pid 1 too: the kernel lists none of its locks here
		write(OUR_PID + "\n");
		holdExclusive();
		HolderLookup lookup = new HolderLookup(this.nativeAccess, (file) -> NOBODY_LISTED);
		for (boolean exclusive : new boolean[] { true, false }) {
			PidFileHolder holder = find(lookup, this.waiter, exclusive);
			assertThat(holder.kind()).isEqualTo(PidFileHolder.Kind.NOT_VISIBLE);
			assertThat(holder.pid()).isEmpty();
			assertThat(holder.writtenPid()).hasValue(OUR_PID);
			assertThat(holder.describe()).startsWith("a process outside this pid namespace")
				.contains("the file says PID " + OUR_PID + ", which may not be meaningful")
				.doesNotContain("this process");
		}
	}

	@Test
	void findWhenProcLocksNamesTheWriterOfTheContentShouldAnswerAtOnce() throws Exception {
		write("4242\n");
		holdExclusive();
		AtomicInteger looks = new AtomicInteger();
		HolderLookup lookup = new HolderLookup(this.nativeAccess, (file) -> {
			looks.incrementAndGet();
			return new ProcLocks.Holders(true, OptionalLong.of(4242), false);
		});
		PidFileHolder holder = find(lookup, this.waiter, true);
		assertThat(holder.kind()).isEqualTo(PidFileHolder.Kind.PROCESS);
		assertThat(holder.pid()).hasValue(4242);
		assertThat(looks).hasValue(1);
	}

	@Test
	void findWhenOnlyAShortSharedProbeHoldsShouldWaitItOutAndLock() throws Exception {
		write("4242\n");
		assertThat(this.nativeAccess.tryLock(this.holder, false)).isTrue();
		// someone's "is it running?" probe holds LOCK_SH for a moment; the stale pid is not a holder
		HolderLookup lookup = new HolderLookup(this.nativeAccess, (file) -> {
			release();
			return new ProcLocks.Holders(true, OptionalLong.empty(), true);
		});
		assertThat(lockedAfterLooks(lookup, this.waiter, true)).isTrue();
	}

	@Test
	void findWhenSilentExclusiveHolderLetsGoShouldWaitItOutAndLock() throws Exception {
		// systemd-tmpfiles locks a stale file for a moment before deleting it; its pid is not in the file
		write("4242\n");
		holdExclusive();
		HolderLookup lookup = new HolderLookup(this.nativeAccess, (file) -> {
			release();
			return new ProcLocks.Holders(true, OptionalLong.of(999), false);
		});
		assertThat(lockedAfterLooks(lookup, this.waiter, true)).isTrue();
	}

	@Test
	void findWhenSilentExclusiveHolderStaysShouldNameItFromProcLocks() throws Exception {
		write("4242\n");
		holdExclusive();
		HolderLookup lookup = new HolderLookup(this.nativeAccess,
				(file) -> new ProcLocks.Holders(true, OptionalLong.of(999), false));
		PidFileHolder holder = find(lookup, this.waiter, true);
		assertThat(holder).isNotNull();
		assertThat(holder.pid()).hasValue(999);
		assertThat(holder.writtenPid()).hasValue(4242);
	}

	@Test
	void findForAProbeWhenContentNamesALiveProcessThatProcLocksDoesNotNameShouldNameTheLocker() throws Exception {
		// pid 1 is alive, but it is not who holds the lock: the file's pid is never taken on trust
		write("1\n");
		holdExclusive();
		HolderLookup lookup = new HolderLookup(this.nativeAccess,
				(file) -> new ProcLocks.Holders(true, OptionalLong.of(999), false));
		PidFileHolder holder = find(lookup, this.waiter, false);
		assertThat(holder.kind()).isEqualTo(PidFileHolder.Kind.PROCESS);
		assertThat(holder.pid()).hasValue(999);
	}

	@Test
	void findForAProbeWhenContentNamesADeadProcessShouldAskProcLocks() throws Exception {
		Process dead = new ProcessBuilder("true").start();
		dead.waitFor();
		write(dead.pid() + "\n");
		holdExclusive();
		HolderLookup lookup = new HolderLookup(this.nativeAccess,
				(file) -> new ProcLocks.Holders(true, OptionalLong.of(999), false));
		assertThat(find(lookup, this.waiter, false).pid()).hasValue(999);
	}

	@Test
	void findForAnAcquireWhenContentNamesALiveProcessShouldStillAskProcLocks() throws Exception {
		// a shared prober also refuses an exclusive lock: only the lock table can tell it from a holder
		write(OUR_PID + "\n");
		assertThat(this.nativeAccess.tryLock(this.holder, false)).isTrue();
		HolderLookup lookup = new HolderLookup(this.nativeAccess, (file) -> {
			release();
			return new ProcLocks.Holders(true, OptionalLong.empty(), true);
		});
		assertThat(lockedAfterLooks(lookup, this.waiter, true)).isTrue();
	}

	/**
	 * Play the lock loop's part: try the lock, and look between tries until the lookup names
	 * a holder.
	 * @return the holder, or {@code null} once the lock was taken
	 */
	private PidFileHolder find(HolderLookup lookup, int fd, boolean exclusive) throws Exception {
		FileStatus file = this.nativeAccess.fstat(fd);
		for (int look = 1;; look++) {
			if (this.nativeAccess.tryLock(fd, exclusive)) {
				return null;
			}
			PidFileHolder holder = lookup.holder(fd, file, look);
			if (holder != null) {
				return holder;
			}
			Thread.sleep(5);
		}
	}

	private boolean lockedAfterLooks(HolderLookup lookup, int fd, boolean exclusive) throws Exception {
		return find(lookup, fd, exclusive) == null;
	}

	private void holdExclusive() throws Exception {
		assertThat(this.nativeAccess.tryLock(this.holder, true)).isTrue();
	}

	private void release() {
		this.nativeAccess.close(this.holder);
		this.holder = -1;
	}

	private void write(String content) {
		try {
			Files.writeString(this.path, content);
		}
		catch (Exception ex) {
			throw new RuntimeException(ex);
		}
	}

}
