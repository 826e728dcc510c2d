package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Builds the core's refusals for failure-analyzer tests. Their constructors are
 * package-private, and some refusals (a holder whose pid nobody can tell, a platform without
 * flock) cannot be brought about on demand on a Linux test machine.
 */
public final class PidFileExceptions {

	private PidFileExceptions() {
	}

	/**
	 * A refusal whose holder the lock list named: this process when the pid is ours, nobody
	 * when it is empty.
	 */
	public static AlreadyRunningException alreadyRunning(Path path, OptionalLong holderPid) {
		PidFileHolder.Kind kind = holderPid.isEmpty() ? PidFileHolder.Kind.UNKNOWN
				: (holderPid.getAsLong() == ProcessHandle.current().pid()) ? PidFileHolder.Kind.THIS_PROCESS
						: PidFileHolder.Kind.PROCESS;
		return alreadyRunning(path, new PidFileHolder(kind, holderPid, holderPid));
	}

	public static AlreadyRunningException alreadyRunning(Path path, PidFileHolder holder) {
		return new AlreadyRunningException(path, holder, null);
	}

	public static AlreadyRunningException alreadyRunning(Path path, PidFileHolder holder, String fileOwner) {
		return new AlreadyRunningException(path, holder, fileOwner);
	}

	public static UnsafePidFileException unsafe(Path path, String reason) {
		return new UnsafePidFileException(path, PidFileException.Operation.LSTAT, reason, null);
	}

	public static UnsafePidFileException unsafeDirectory(Path path, String reason, Path directory) {
		return new UnsafePidFileException(path, PidFileException.Operation.STAT, reason, null, directory);
	}

	public static NotAPidFileException notAPidFile(Path path) {
		return new NotAPidFileException(path);
	}

	public static NativeLoadException nativeLoad(Path path, String backend, Throwable cause) {
		return new NativeLoadException(path, backend, cause);
	}

	public static UnsupportedPlatformException unsupportedPlatform(Path path, String detail) {
		return new UnsupportedPlatformException(path, detail, null);
	}

}
