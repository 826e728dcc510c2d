package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Another open file description holds the lock on the pid file: another process, or another
 * {@link PidFile} in this very process.
 */
public final class AlreadyRunningException extends PidFileException {

	private static final long serialVersionUID = 1L;

	private final OptionalLong holderPid;

	private final boolean thisProcess;

	AlreadyRunningException(Path path, OptionalLong holderPid) {
		super(message(path, holderPid), path, "lock", "EWOULDBLOCK", null);
		this.holderPid = holderPid;
		this.thisProcess = holderPid.isPresent() && holderPid.getAsLong() == ProcessHandle.current().pid();
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

}
