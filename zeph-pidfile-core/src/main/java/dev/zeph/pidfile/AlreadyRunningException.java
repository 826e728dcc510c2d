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

	private final OptionalLong holderPid;

	private final boolean thisProcess;

	private final @Nullable String fileOwner;

	AlreadyRunningException(Path path, OptionalLong holderPid) {
		this(path, holderPid, null);
	}

	AlreadyRunningException(Path path, OptionalLong holderPid, @Nullable String fileOwner) {
		super(message(path, holderPid) + ((fileOwner != null) ? "; the file is owned by " + fileOwner
				+ ", not by this process's user" : ""), path, "lock", "EWOULDBLOCK", null);
		this.holderPid = holderPid;
		this.thisProcess = holderPid.isPresent() && holderPid.getAsLong() == ProcessHandle.current().pid();
		this.fileOwner = fileOwner;
	}

	private static String message(Path path, OptionalLong holderPid) {
		if (holderPid.isEmpty()) {
			return "Pid file " + path + " is locked by another process (pid unknown)";
		}
		long pid = holderPid.getAsLong();
		if (pid == ProcessHandle.current().pid()) {
			return "Pid file " + path + " is locked by this process (PID " + pid + ") through another open of the file";
		}
		return "Pid file " + path + " is locked by PID " + pid;
	}

	/**
	 * The process that holds the lock, from the file's content or, where that names no one,
	 * from {@code /proc/locks}.
	 * @return the holder's pid, if it could be told
	 */
	public OptionalLong getHolderPid() {
		return this.holderPid;
	}

	/**
	 * Whether the holder is this very process: another {@link PidFile}, such as a second
	 * application context in the same JVM.
	 * @return {@code true} if this process holds the lock
	 */
	public boolean isHeldByThisProcess() {
		return this.thisProcess;
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
