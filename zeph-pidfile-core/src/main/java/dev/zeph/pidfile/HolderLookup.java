package dev.zeph.pidfile;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Who holds the lock on a file we could not lock.
 * <p>
 * When our shared probe was refused (an {@code inspect}), the holder holds an exclusive lock,
 * and the file's content answers first, as in FreeBSD's pidfile(3): a holder writes its pid
 * right after taking the lock, so a pid that names a live process is taken as the holder. That
 * costs one {@code kill(pid, 0)} instead of a read of {@code /proc/locks}, which can take
 * milliseconds when the kernel waits for an RCU grace period to list its locks. It names the
 * wrong process only if a holder that writes no pid (such as {@code flock(1)}) holds a stale
 * file whose dead writer's pid was reused meanwhile.
 * <p>
 * Otherwise, and whenever the content names no live process, the kernel's {@code /proc/locks}
 * names the process that took the lock, and the content is read again, for about 100 ms, while
 * it is empty or half-written. Two kinds of holder are waited out rather than reported at
 * once: a holder of only a shared lock (somebody's "is it running?" probe, which would make an
 * {@code acquire} fail for a moment), and an exclusive holder that has not written its pid (a
 * pid file instance between its lock and its write, or systemd-tmpfiles locking a stale file
 * for the moment before it deletes it).
 */
final class HolderLookup {

	private static final long PAUSE_MILLIS = 5;

	/** About 100 ms for content to appear: FreeBSD's 20 tries, 5 ms apart. */
	private static final int CONTENT_ATTEMPTS = 20;

	/** About 150 ms for a holder that wrote nothing to go away or to write. */
	private static final int SILENT_HOLDER_ATTEMPTS = 30;

	private final NativeAccess nativeAccess;

	private final Function<FileStatus, ProcLocks.Holders> lockTable;

	HolderLookup(NativeAccess nativeAccess, ProcLocks procLocks) {
		this(nativeAccess, procLocks::holders);
	}

	HolderLookup(NativeAccess nativeAccess, Function<FileStatus, ProcLocks.Holders> lockTable) {
		this.nativeAccess = nativeAccess;
		this.lockTable = lockTable;
	}

	/**
	 * Find the holder, trying the lock again between looks.
	 * @param fd an open file description of the file, not locked by us
	 * @param file its status
	 * @param exclusive the kind of lock to try
	 * @return {@link Result#FREE} if the lock became ours meanwhile, else the holder
	 */
	Result find(int fd, FileStatus file, boolean exclusive) throws ErrnoException {
		byte[] buffer = new byte[PidContent.MAX_LENGTH + 1];
		for (int attempt = 1;; attempt++) {
			if (this.nativeAccess.tryLock(fd, exclusive)) {
				return Result.FREE;
			}
			OptionalLong written = written(fd, buffer);
			// a shared lock conflicts only with an exclusive one: whoever holds it is no mere prober
			if (!exclusive && written.isPresent() && this.nativeAccess.isAlive(written.getAsLong())) {
				return new Result(false, written);
			}
			ProcLocks.Holders holders = this.lockTable.apply(file);
			if (holders.exclusive().isPresent()) {
				if (holders.exclusive().equals(written) || attempt >= SILENT_HOLDER_ATTEMPTS) {
					return new Result(false, holders.exclusive());
				}
			}
			else if (holders.onlyShared()) {
				if (attempt >= CONTENT_ATTEMPTS) {
					return new Result(false, OptionalLong.empty());
				}
			}
			else if (written.isPresent() || attempt >= CONTENT_ATTEMPTS) {
				return new Result(false, written);
			}
			pause();
		}
	}

	private OptionalLong written(int fd, byte[] buffer) throws ErrnoException {
		int length = this.nativeAccess.pread(fd, buffer, 0);
		return (length <= PidContent.MAX_LENGTH) ? PidContent.pid(buffer, length) : OptionalLong.empty();
	}

	private static void pause() {
		try {
			TimeUnit.MILLISECONDS.sleep(PAUSE_MILLIS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * @param free whether the lock is now ours
	 * @param holder the holder's pid when not free, if it could be told
	 */
	record Result(boolean free, OptionalLong holder) {

		static final Result FREE = new Result(true, OptionalLong.empty());

	}

}
