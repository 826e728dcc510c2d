package dev.zeph.pidfile.autoconfigure;

/**
 * An event that says a guard's lock was lost while running, whichever guard held it: what
 * {@code zeph.pidfile.on-loss} acts on.
 */
public interface LockLostEvent {

	/**
	 * What was lost, for the log: the pid file's path or the cluster lock's name.
	 * @return a few words
	 */
	String describeLock();

}
