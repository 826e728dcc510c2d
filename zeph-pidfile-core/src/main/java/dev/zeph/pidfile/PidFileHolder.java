package dev.zeph.pidfile;

import java.util.OptionalLong;

/**
 * Who holds the lock of a pid file, as far as this process can confirm it. A process is named
 * as the holder only when this JVM's own record of the files it holds, or the kernel's lock
 * list ({@code /proc/locks}), says so. The pid written in the file is only what the file
 * says: written in another pid namespace (a container sharing the volume), it may name an
 * unrelated process here, or this very one.
 *
 * @param kind how far the holder could be told
 * @param pid the holder's pid: confirmed for {@link Kind#THIS_PROCESS} and
 * {@link Kind#PROCESS}, only what the file says for {@link Kind#UNCONFIRMED}, empty otherwise
 * @param writtenPid the pid written in the file, if it holds one
 */
public record PidFileHolder(Kind kind, OptionalLong pid, OptionalLong writtenPid) {

	/**
	 * The holder, for messages: "PID 4711", or what could be said instead.
	 * @return the description
	 */
	public String describe() {
		return switch (this.kind) {
			case THIS_PROCESS -> "this process (PID " + this.pid.getAsLong() + ") through another open of the file";
			case PROCESS -> "PID " + this.pid.getAsLong();
			case UNCONFIRMED -> "PID " + this.pid.getAsLong() + ", as the file says (this system lists no locks to"
					+ " confirm it)";
			case NOT_VISIBLE -> "a process outside this pid namespace, or not visible to this user" + says();
			case UNKNOWN -> "another process (pid unknown" + (this.writtenPid.isPresent()
					? "; the file says PID " + this.writtenPid.getAsLong() : "") + ")";
		};
	}

	private String says() {
		return this.writtenPid.isPresent() ? " (the file says PID " + this.writtenPid.getAsLong()
				+ ", which may not be meaningful in this pid namespace)" : "";
	}

	/**
	 * How far the holder could be told.
	 */
	public enum Kind {

		/** This process: one of its {@link PidFile}s, or the lock list names it. */
		THIS_PROCESS,

		/** The process the kernel's lock list names. */
		PROCESS,

		/** No lock list to ask on this system: the live process that the file names. */
		UNCONFIRMED,

		/**
		 * The lock list names no holder of the file: a process outside this pid namespace, or
		 * one this user cannot see.
		 */
		NOT_VISIBLE,

		/** Nobody could be named. */
		UNKNOWN

	}

}
