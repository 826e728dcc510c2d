package dev.zeph.pidfile.autoconfigure;

import java.util.OptionalLong;

import dev.zeph.pidfile.PidFile;
import org.jspecify.annotations.Nullable;

/**
 * What one watchdog check of an {@link ApplicationPidFile} found.
 *
 * @param outcome what it comes to
 * @param seen the ownership the check saw before acting on it
 * @param pid for {@link Outcome#LOST}, the holder of the path now; for
 * {@link Outcome#RECOVERED}, the pid in a replacing file that was taken over
 * @param detail why the path could not be taken again, for {@link Outcome#LOST}
 * @param errno for {@link Outcome#LOST}, the errno of the system call that refused the path
 * (such as {@code ENOTDIR} or {@code EACCES}); {@code null} when a holder or the file's
 * content refused it
 */
record OwnershipCheck(Outcome outcome, PidFile.Ownership seen, OptionalLong pid, String detail,
		@Nullable String errno) {

	static OwnershipCheck owned() {
		return new OwnershipCheck(Outcome.OWNED, PidFile.Ownership.OWNED, OptionalLong.empty(), "", null);
	}

	static OwnershipCheck released() {
		return new OwnershipCheck(Outcome.RELEASED, PidFile.Ownership.RELEASED, OptionalLong.empty(), "", null);
	}

	static OwnershipCheck recovered(PidFile.Ownership seen, OptionalLong previousPid) {
		return new OwnershipCheck(Outcome.RECOVERED, seen, previousPid, "", null);
	}

	static OwnershipCheck lost(PidFile.Ownership seen, OptionalLong holderPid, String detail,
			@Nullable String errno) {
		return new OwnershipCheck(Outcome.LOST, seen, holderPid, detail, errno);
	}

	enum Outcome {

		/** The path still names our file. */
		OWNED,

		/** The file was deleted or replaced by one nobody held, and the path is ours again. */
		RECOVERED,

		/** Someone else holds the path, or it cannot be taken again. */
		LOST,

		/** The lock was released: the application is stopping. */
		RELEASED

	}

}
