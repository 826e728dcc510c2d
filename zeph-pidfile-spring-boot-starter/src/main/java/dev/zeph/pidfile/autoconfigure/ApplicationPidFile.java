package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import dev.zeph.pidfile.AlreadyRunningException;
import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileException;
import dev.zeph.pidfile.PidFileHolder;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The pid file of this application, registered as the bean {@value #BEAN_NAME} before the
 * context is refreshed. It outlives the {@link PidFile} it started with: when the watchdog
 * finds the file deleted it takes the path again, and this object then stands for the new
 * lock; in standby mode it may wait for the path, hold it, lose it and wait again, and while
 * it waits it holds nothing.
 */
public final class ApplicationPidFile {

	/** The name of the singleton bean. */
	public static final String BEAN_NAME = "zephPidFile";

	private static final Log logger = LogFactory.getLog(ApplicationPidFile.class);

	private final Path path;

	private final Duration acquisitionTime;

	private volatile @Nullable PidFile pidFile;

	private final long pid = ProcessHandle.current().pid();

	private boolean released;

	private boolean lost;

	private final AtomicLong heals = new AtomicLong();

	private final AtomicLong losses = new AtomicLong();

	private ApplicationPidFile(Path path, @Nullable PidFile pidFile, Duration acquisitionTime) {
		this.path = path;
		this.pidFile = pidFile;
		this.acquisitionTime = acquisitionTime;
	}

	/**
	 * A pid file that another process holds, for a standby to take when it can.
	 */
	static ApplicationPidFile standingBy(Path path) {
		return new ApplicationPidFile(path.toAbsolutePath(), null, Duration.ZERO);
	}

	/**
	 * Take the lock, logging one line for it and a warning when a stale file was taken over.
	 */
	static ApplicationPidFile acquire(Path path) throws PidFileException {
		long start = System.nanoTime();
		PidFile pidFile = PidFile.acquire(path);
		Duration acquisitionTime = Duration.ofNanos(System.nanoTime() - start);
		logger.info("Locked pid file " + pidFile.path() + " (PID " + pidFile.pid() + ", native backend "
				+ pidFile.nativeBackend() + ")");
		warnIfStale(pidFile);
		return new ApplicationPidFile(pidFile.path(), pidFile, acquisitionTime);
	}

	/**
	 * Hold the lock a standby just took: the one it waited for was let go.
	 * @param pidFile the lock
	 * @return whether it is held now: not once released
	 */
	synchronized boolean adopt(PidFile pidFile) {
		if (this.released) {
			closeQuietly(pidFile);
			return false;
		}
		this.pidFile = pidFile;
		this.lost = false;
		logger.info("Locked pid file " + pidFile.path() + " (PID " + pidFile.pid() + ", native backend "
				+ pidFile.nativeBackend() + ")" + pidFile.previousPid()
					.stream()
					.mapToObj((previous) -> "; took it over from PID " + previous)
					.findFirst()
					.orElse(""));
		return true;
	}

	/**
	 * Let go of a lock whose path now names another file, to wait for the path again: the
	 * file is not ours to remove.
	 */
	synchronized void abandon() {
		PidFile current = this.pidFile;
		this.pidFile = null;
		if (current != null) {
			closeQuietly(current);
		}
	}

	private static void warnIfStale(PidFile pidFile) {
		pidFile.previousPid()
			.ifPresent((previous) -> logger.warn("Replaced stale pid file " + pidFile.path() + " of PID " + previous
					+ ": that process ended without removing it"));
	}

	/**
	 * The pid file's absolute path.
	 * @return the path
	 */
	public Path getPath() {
		return this.path;
	}

	/**
	 * This process's pid, as written into the file.
	 * @return the pid
	 */
	public long getPid() {
		return this.pid;
	}

	/**
	 * When the current lock was taken: at startup, or when the watchdog last took the path
	 * again, or when a standby took it.
	 * @return the instant, or {@code null} while a standby holds nothing
	 */
	public @Nullable Instant getAcquiredAt() {
		PidFile current = this.pidFile;
		return (current != null) ? current.acquiredAt() : null;
	}

	/**
	 * The native backend that calls {@code flock(2)}.
	 * @return {@code java.lang.foreign}, {@code jffi} or {@code jnr-posix}, or {@code null}
	 * while a standby holds nothing
	 */
	public @Nullable String getNativeBackend() {
		PidFile current = this.pidFile;
		return (current != null) ? current.nativeBackend() : null;
	}

	/**
	 * Whether the path still names the file we locked: one {@code lstat}, no file read.
	 * @return the ownership; {@link PidFile.Ownership#RELEASED} while a standby holds nothing
	 */
	public PidFile.Ownership getOwnership() {
		PidFile current = this.pidFile;
		return (current != null) ? current.ownership() : PidFile.Ownership.RELEASED;
	}

	/**
	 * The lock held now.
	 * @return it, or {@code null} while a standby holds nothing
	 */
	@Nullable PidFile current() {
		return this.pidFile;
	}

	/**
	 * How long the lock took at startup, the native layer's loading included.
	 * @return the duration
	 */
	Duration getAcquisitionTime() {
		return this.acquisitionTime;
	}

	/**
	 * Whether this application holds the lock on the file the path names: one {@code lstat}.
	 * @return whether it is held
	 */
	boolean isHeld() {
		return getOwnership() == PidFile.Ownership.OWNED;
	}

	/**
	 * How many times the path was taken again after its file was deleted or replaced.
	 * @return the count
	 */
	long getHeals() {
		return this.heals.get();
	}

	/**
	 * How many times the lock was lost: each time a check found the path held by another
	 * process or unusable after it had been ours.
	 * @return the count
	 */
	long getLosses() {
		return this.losses.get();
	}

	/**
	 * Verify that the path still names our file and, when it does not, try to take it again:
	 * after a deletion (a tmp cleaner, an administrator) nobody holds the path and it is ours
	 * to re-create; when another process holds it now, the lock is lost.
	 */
	synchronized OwnershipCheck check() {
		PidFile current = this.pidFile;
		if (this.released || current == null) {
			return OwnershipCheck.released();
		}
		PidFile.Ownership ownership = current.ownership();
		if (ownership == PidFile.Ownership.OWNED) {
			this.lost = false;
			return OwnershipCheck.owned();
		}
		try {
			PidFile reacquired = PidFile.acquire(this.path);
			this.pidFile = reacquired;
			closeQuietly(current);
			this.lost = false;
			this.heals.incrementAndGet();
			return OwnershipCheck.recovered(ownership, reacquired.previousPid());
		}
		catch (AlreadyRunningException ex) {
			return lost(OwnershipCheck.lost(ownership, confirmedHolder(ex), ex.getMessage(), null));
		}
		catch (PidFileException ex) {
			return lost(OwnershipCheck.lost(ownership, OptionalLong.empty(), ex.getMessage(),
					ex.getErrno().orElse(null)));
		}
	}

	private OwnershipCheck lost(OwnershipCheck check) {
		if (!this.lost) {
			this.lost = true;
			this.losses.incrementAndGet();
		}
		return check;
	}

	/**
	 * Remove the file, if the path still names it, and release the lock. Called when the
	 * context is destroyed, after every other bean, or when the startup fails.
	 */
	void release() {
		release(false);
	}

	/**
	 * Release the lock for a standby that waits for it, leaving it the file, once the
	 * singleton work has stopped.
	 */
	void handOver() {
		release(true);
	}

	private synchronized void release(boolean handOver) {
		if (this.released) {
			return;
		}
		this.released = true;
		PidFile current = this.pidFile;
		if (current == null) {
			return;
		}
		boolean owned = current.isOwned();
		try {
			boolean left = handOver ? current.handOver() : closeAndRemove(current);
			logger.info("Released pid file " + this.path + " (PID " + current.pid() + ")"
					+ (left ? "; left in place for the instance waiting to take it over"
							: owned ? "" : "; the file now at the path is not ours and was left in place"));
		}
		catch (PidFileException ex) {
			logger.warn("Released the lock on pid file " + this.path + " but could not remove the file: "
					+ ex.getMessage());
		}
	}

	private static boolean closeAndRemove(PidFile pidFile) throws PidFileException {
		pidFile.close();
		return false;
	}

	private static OptionalLong confirmedHolder(AlreadyRunningException ex) {
		PidFileHolder.Kind kind = ex.getHolder().kind();
		return (kind == PidFileHolder.Kind.PROCESS || kind == PidFileHolder.Kind.THIS_PROCESS) ? ex.getHolderPid()
				: OptionalLong.empty();
	}

	private static void closeQuietly(PidFile pidFile) {
		try {
			pidFile.close();
		}
		catch (PidFileException ex) {
			// the lock is released either way, and the path names another file: nothing of ours is left
		}
	}

	@Override
	public String toString() {
		return "ApplicationPidFile[" + this.path + ", PID " + getPid() + "]";
	}

}
