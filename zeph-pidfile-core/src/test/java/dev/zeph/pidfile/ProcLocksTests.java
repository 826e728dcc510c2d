package dev.zeph.pidfile;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ProcLocks} on recorded {@code /proc/locks} content.
 */
class ProcLocksTests {

	/** Device 0xfd:0x01, as {@code stat()} encodes it. */
	private static final long DEVICE = (0xfdL << 8) | 0x01;

	@TempDir
	Path temp;

	@Test
	void holdersShouldMatchInodeAndHexDevice() throws Exception {
		ProcLocks locks = locks("""
				1: POSIX  ADVISORY  WRITE 999 fd:01:4242 0 EOF
				2: FLOCK  ADVISORY  WRITE 1234 fd:01:4242 0 EOF
				3: FLOCK  ADVISORY  WRITE 555 fd:01:777 0 EOF
				""");
		assertThat(locks.holders(file(4242)).exclusive()).hasValue(1234);
	}

	@Test
	void holdersShouldPreferTheDeviceMatchWhenInodesRepeat() throws Exception {
		ProcLocks locks = locks("""
				1: FLOCK  ADVISORY  WRITE 111 08:02:4242 0 EOF
				2: FLOCK  ADVISORY  WRITE 222 fd:01:4242 0 EOF
				""");
		assertThat(locks.holders(file(4242)).exclusive()).hasValue(222);
	}

	@Test
	void holdersShouldFallBackToAUniqueInodeWhenTheDeviceDiffers() throws Exception {
		// overlayfs and btrfs report another device in /proc/locks than stat() does
		ProcLocks locks = locks("1: FLOCK  ADVISORY  WRITE 333 00:2d:4242 0 EOF\n");
		assertThat(locks.holders(file(4242)).exclusive()).hasValue(333);
	}

	@Test
	void holdersShouldReadPastTheFirstBufferOfALongList() throws Exception {
		// a busy machine lists thousands of locks: ours may come after many reads' worth of others
		StringBuilder content = new StringBuilder();
		for (int i = 1; i <= 2000; i++) {
			content.append(i).append(": POSIX  ADVISORY  WRITE ").append(10000 + i).append(" fd:01:").append(i)
				.append(" 0 EOF\n");
		}
		content.append("2001: FLOCK  ADVISORY  WRITE 4711 fd:01:4242 0 EOF\n");
		assertThat(content.length()).isGreaterThan(4 * 8192);
		assertThat(locks(content.toString()).holders(file(4242)).exclusive()).hasValue(4711);
	}

	@Test
	void holdersShouldSkipWaiters() throws Exception {
		ProcLocks locks = locks("""
				1: FLOCK  ADVISORY  WRITE 1234 fd:01:4242 0 EOF
				1: -> FLOCK  ADVISORY  WRITE 5678 fd:01:4242 0 EOF
				""");
		assertThat(locks.holders(file(4242)).exclusive()).hasValue(1234);
	}

	@Test
	void holdersShouldTellOfAProcessWaitingForTheFileOnly() throws Exception {
		ProcLocks locks = locks("""
				1: FLOCK  ADVISORY  WRITE 1234 fd:01:4242 0 EOF
				1: -> FLOCK  ADVISORY  READ 5678 fd:01:4242 0 EOF
				2: FLOCK  ADVISORY  WRITE 555 fd:01:777 0 EOF
				""");
		assertThat(locks.holders(file(4242)).waiting()).isTrue();
		assertThat(locks.holders(file(777)).waiting()).isFalse();
	}

	@Test
	void holdersWithOnlyReadLocksShouldBeOnlyShared() throws Exception {
		ProcLocks locks = locks("1: FLOCK  ADVISORY  READ 1234 fd:01:4242 0 EOF\n");
		ProcLocks.Holders holders = locks.holders(file(4242));
		assertThat(holders.exclusive()).isEmpty();
		assertThat(holders.onlyShared()).isTrue();
	}

	@Test
	void holdersWithoutProcLocksShouldBeUnknown() {
		ProcLocks.Holders holders = new ProcLocks(this.temp.resolve("missing")).holders(file(4242));
		assertThat(holders.known()).isFalse();
		assertThat(holders.onlyShared()).isFalse();
	}

	@Test
	void majorAndMinorShouldDecodeGlibcDeviceNumbers() {
		assertThat(ProcLocks.major(makedev(0xfd, 0x01))).isEqualTo(0xfd);
		assertThat(ProcLocks.minor(makedev(0xfd, 0x01))).isEqualTo(0x01);
		assertThat(ProcLocks.major(makedev(0x1234, 0x56789))).isEqualTo(0x1234);
		assertThat(ProcLocks.minor(makedev(0x1234, 0x56789))).isEqualTo(0x56789);
	}

	/** glibc's {@code makedev}: major in bits 8-19 and 32-43, minor in bits 0-7 and 20-31. */
	private static long makedev(long major, long minor) {
		return ((major & 0xfffL) << 8) | ((major & 0xfffff000L) << 32) | (minor & 0xffL) | ((minor & 0xffffff00L) << 12);
	}

	private ProcLocks locks(String content) throws Exception {
		return new ProcLocks(Files.writeString(this.temp.resolve("locks"), content));
	}

	private static FileStatus file(long inode) {
		return new FileStatus(DEVICE, inode, 0100644, 1, 0, 0);
	}

}
