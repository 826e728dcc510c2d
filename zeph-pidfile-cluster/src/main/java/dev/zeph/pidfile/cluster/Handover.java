package dev.zeph.pidfile.cluster;

/**
 * What a holder that let go cleanly told the waiters: it was active, its work had stopped, and
 * the lock is free for the waiter it names.
 *
 * @param from the server process of the releasing session
 * @param fromApplicationName the releasing session's {@code application_name}: with
 * {@code from}, the tenure that ended
 * @param successor the server process of the waiter next in line, or 0 when none was
 */
record Handover(long from, String fromApplicationName, long successor) {

	/**
	 * Whether this handover is from the given holder to the given session.
	 * @param holder the holder this waiter last saw
	 * @param session this waiter's server process
	 * @return whether it names both
	 */
	boolean isFrom(ClusterLockHolder holder, long session) {
		return this.successor == session && this.from == holder.backendPid()
				&& holder.applicationName().filter(this.fromApplicationName::equals).isPresent();
	}

}
