package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Path;
import java.util.OptionalLong;

import dev.zeph.pidfile.PidFile;

import org.springframework.context.ApplicationEvent;

/**
 * Published by the watchdog when this application no longer holds its pid file and cannot
 * take it again: the file was deleted or replaced and another process locked the path, so a
 * second instance may be running. Published once per loss, on the watchdog's thread; the
 * {@code pidfile} health indicator is {@code DOWN} from then on until the path is ours again.
 * With {@code zeph.pidfile.on-loss=exit}, the default, the application then closes and exits
 * with 70.
 */
public final class PidFileLockLostEvent extends ApplicationEvent implements LockLostEvent {

	private static final long serialVersionUID = 1L;

	private final transient Path path;

	private final PidFile.Ownership ownership;

	private final OptionalLong holderPid;

	private final String reason;

	PidFileLockLostEvent(ApplicationPidFile source, PidFile.Ownership ownership, OptionalLong holderPid,
			String reason) {
		super(source);
		this.path = source.getPath();
		this.ownership = ownership;
		this.holderPid = holderPid;
		this.reason = reason;
	}

	/**
	 * The pid file that was lost.
	 * @return the path
	 */
	public Path getPath() {
		return this.path;
	}

	/**
	 * What the watchdog found at the path: {@link PidFile.Ownership#DELETED} or
	 * {@link PidFile.Ownership#REPLACED}.
	 * @return the ownership seen
	 */
	public PidFile.Ownership getOwnership() {
		return this.ownership;
	}

	/**
	 * The process that holds the path now, as the kernel's lock list names it: the pid in the
	 * file alone may belong to another pid namespace.
	 * @return its pid, if it could be confirmed
	 */
	public OptionalLong getHolderPid() {
		return this.holderPid;
	}

	/**
	 * Why the path could not be taken again, as the pid-file library put it.
	 * @return the reason
	 */
	public String getReason() {
		return this.reason;
	}

	@Override
	public String describeLock() {
		return "pid file " + this.path;
	}

	@Override
	public ApplicationPidFile getSource() {
		return (ApplicationPidFile) super.getSource();
	}

}
