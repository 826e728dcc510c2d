package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.OptionalLong;

import org.jspecify.annotations.Nullable;

/**
 * What {@link PidFile#inspect(Path)} found at a path this process does not hold. Decided by
 * probing the lock, never by asking whether the pid in the file is alive: pids are reused.
 *
 * @param path the pid file's path
 * @param state what was found
 * @param pid the holder's pid when {@link State#RUNNING} (as {@link PidFileHolder#pid()}),
 * the dead holder's pid when {@link State#STALE}; empty when it could not be told
 * @param holder who holds the lock, as far as it could be confirmed, when
 * {@link State#RUNNING}
 */
public record PidFileStatus(Path path, State state, OptionalLong pid, @Nullable PidFileHolder holder) {

	/**
	 * What a path can hold.
	 */
	public enum State {

		/** No file, or an empty file that nobody locks. */
		NOT_RUNNING,

		/** Some open file description holds the lock. */
		RUNNING,

		/** A pid file that nobody locks: its holder died without removing it. */
		STALE

	}

}
