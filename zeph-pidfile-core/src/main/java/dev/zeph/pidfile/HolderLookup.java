package dev.zeph.pidfile;

import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

/**
 * Who holds the lock on a file we could not lock.
 * <p>
 * A holder is named only where it is confirmed: by this JVM's own record of the files its
 * {@link PidFile}s hold, else by the kernel's {@code /proc/locks}, which names the process
 * that took the lock. The pid written in the file is never taken as the holder on its own
 * where that list can be read: across pid namespaces (containers sharing a volume) it names
 * an unrelated process here, often pid 1, or this very process. A lock that the list shows
 * nobody holding is held by a process outside this pid namespace, since the kernel lists only
 * the locks of processes the reader can see. Only where there is no list at all (macOS) is a
 * live process that the file names reported, as unconfirmed.
 * <p>
 * It never takes a lock: the lock loop ({@link LockingOpen}) tries the lock again between
 * looks, and each look reads the content again, for about 100 ms. Two kinds of holder are
 * waited out rather than reported at once: a holder of only a shared lock (somebody's "is it
 * running?" probe, which would make an {@code acquire} fail for a moment), and an exclusive
 * holder that has not written its pid (a pid file instance between its lock and its write, or
 * systemd-tmpfiles locking a stale file for the moment before it deletes it).
 */
final class HolderLookup {

	/** About 100 ms for content to appear: FreeBSD's 20 tries, {@link LockingOpen}'s pause apart. */
	private static final int CONTENT_ATTEMPTS = 20;

	/** About 150 ms for a holder that wrote nothing to go away or to write. */
	private static final int SILENT_HOLDER_ATTEMPTS = 30;

	private static final long OUR_PID = ProcessHandle.current().pid();

	private final NativeAccess nativeAccess;

	private final Function<FileStatus, ProcLocks.Holders> lockTable;

	private final Predicate<FileStatus> heldHere;

	HolderLookup(NativeAccess nativeAccess, ProcLocks procLocks) {
		this(nativeAccess, procLocks::holders);
	}

	HolderLookup(NativeAccess nativeAccess, Function<FileStatus, ProcLocks.Holders> lockTable) {
		this.nativeAccess = nativeAccess;
		this.lockTable = lockTable;
		this.heldHere = PidFile::isHeldHere;
	}

	/**
	 * Name the holder of a lock we were just refused, if this look can.
	 * @param fd an open file description of the file, not locked by us
	 * @param file its status
	 * @param look how many looks this is, from 1: how long the holder has been waited out
	 * @return the holder, or {@code null} to wait and try the lock again
	 */
	@Nullable PidFileHolder holder(int fd, FileStatus file, int look) throws ErrnoException {
		OptionalLong written = written(fd);
		if (this.heldHere.test(file)) {
			return new PidFileHolder(PidFileHolder.Kind.THIS_PROCESS, OptionalLong.of(OUR_PID), written);
		}
		return look(this.lockTable.apply(file), written, look);
	}

	/**
	 * Name the holder of a file we may not even open, from the kernel's lock table alone.
	 * @return the exclusive holder, or {@code null} if none is listed
	 */
	@Nullable PidFileHolder unreadable(FileStatus file) {
		OptionalLong holder = this.lockTable.apply(file).exclusive();
		if (holder.isEmpty()) {
			return null;
		}
		return new PidFileHolder((holder.getAsLong() == OUR_PID) ? PidFileHolder.Kind.THIS_PROCESS
				: PidFileHolder.Kind.PROCESS, holder, OptionalLong.empty());
	}

	private @Nullable PidFileHolder look(ProcLocks.Holders holders, OptionalLong written, int attempt) {
		if (!holders.known()) {
			// no lock list: only the file can name the holder, and only as what the file says
			if (written.isPresent() && written.getAsLong() != OUR_PID
					&& this.nativeAccess.isAlive(written.getAsLong())) {
				return held(PidFileHolder.Kind.UNCONFIRMED, written, written);
			}
			return (attempt >= CONTENT_ATTEMPTS) ? held(PidFileHolder.Kind.UNKNOWN, OptionalLong.empty(), written)
					: null;
		}
		if (holders.exclusive().isPresent()) {
			OptionalLong holder = holders.exclusive();
			if (holder.getAsLong() == OUR_PID) {
				return held(PidFileHolder.Kind.THIS_PROCESS, holder, written);
			}
			// a holder that did not write its pid may be about to let go: wait it out for a while
			return (holder.equals(written) || attempt >= SILENT_HOLDER_ATTEMPTS)
					? held(PidFileHolder.Kind.PROCESS, holder, written) : null;
		}
		if (attempt < CONTENT_ATTEMPTS) {
			return null;
		}
		return held(holders.none() ? PidFileHolder.Kind.NOT_VISIBLE : PidFileHolder.Kind.UNKNOWN,
				OptionalLong.empty(), written);
	}

	private static PidFileHolder held(PidFileHolder.Kind kind, OptionalLong pid, OptionalLong written) {
		return new PidFileHolder(kind, pid, written);
	}

	private OptionalLong written(int fd) throws ErrnoException {
		byte[] buffer = new byte[PidContent.MAX_LENGTH + 1];
		int length = this.nativeAccess.pread(fd, buffer, 0);
		return (length <= PidContent.MAX_LENGTH) ? PidContent.pid(buffer, length) : OptionalLong.empty();
	}

}
