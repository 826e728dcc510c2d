package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

/**
 * Another open file description holds the lock on the pid file: another process, or another
 * {@link PidFile} in this very process.
 */
public final class AlreadyRunningException extends PidFileException {

	private static final long serialVersionUID = 1L;

	/** The process that holds the lock, as far as it could be seen. */
	private final PidFileHolder holder;

	/** The user who owns the pid file, if known. */
	private final @Nullable String fileOwner;

	AlreadyRunningException(Path path, PidFileHolder holder, @Nullable String fileOwner) {
		super("Pid file " + path + " is locked by " + holder.describe() + ((fileOwner != null)
				? "; the file is owned by " + fileOwner + ", not by this process's user" : ""), path, Operation.LOCK,
				Errno.EWOULDBLOCK, null);
		this.holder = holder;
		this.fileOwner = fileOwner;
	}

	/**
	 * Who holds the lock, as far as it could be confirmed.
	 * @return the holder
	 */
	public PidFileHolder getHolder() {
		return this.holder;
	}

	/**
	 * The process that holds the lock, as this JVM's own record or {@code /proc/locks} names
	 * it; where a system has no such list, the live process that the file names (see
	 * {@link #getHolder()} for which).
	 * @return the holder's pid, if it could be told
	 */
	public OptionalLong getHolderPid() {
		return this.holder.pid();
	}

	/**
	 * Whether the holder is this very process: another {@link PidFile}, such as a second
	 * application context in the same JVM.
	 * @return {@code true} if this process holds the lock
	 */
	public boolean isHeldByThisProcess() {
		return this.holder.kind() == PidFileHolder.Kind.THIS_PROCESS;
	}

	/**
	 * The file's owner, such as {@code uid 1001 (alice)}, when it is not this process's user:
	 * a file this process must not write is still another instance's while its lock is held,
	 * so the lock is looked at before the ownership.
	 * @return the owner, if it is another user
	 */
	public Optional<String> getFileOwner() {
		return Optional.ofNullable(this.fileOwner);
	}

}
