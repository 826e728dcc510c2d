package dev.zeph.pidfile;

import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Who holds the lock on a file we could not lock. The kernel's {@code /proc/locks} is asked
 * first: it names the process that took the lock even when that process wrote nothing (as
 * {@code flock(1)} does not) or has not written yet. Where it cannot tell, the file's content
 * is read, retrying while it is empty or half-written, as FreeBSD's pidfile(3) does. A holder
 * of only a shared lock is somebody's short probe, not a running instance: we wait it out.
 */
final class HolderLookup {

	/** 20 tries, 5 ms apart: about 100 ms, FreeBSD's choice. */
	private static final int ATTEMPTS = 20;

	private static final long PAUSE_MILLIS = 5;

	private final NativeAccess nativeAccess;

	private final ProcLocks procLocks;

	HolderLookup(NativeAccess nativeAccess, ProcLocks procLocks) {
		this.nativeAccess = nativeAccess;
		this.procLocks = procLocks;
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
			ProcLocks.Holders holders = this.procLocks.holders(file);
			if (holders.exclusive().isPresent()) {
				return new Result(false, holders.exclusive());
			}
			if (!holders.onlyShared()) {
				int length = this.nativeAccess.pread(fd, buffer, 0);
				OptionalLong pid = (length <= PidContent.MAX_LENGTH) ? PidContent.pid(buffer, length)
						: OptionalLong.empty();
				if (pid.isPresent() || attempt >= ATTEMPTS) {
					return new Result(false, pid);
				}
			}
			else if (attempt >= ATTEMPTS) {
				return new Result(false, OptionalLong.empty());
			}
			pause();
		}
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
