package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import dev.zeph.pidfile.AlreadyRunningException;
import dev.zeph.pidfile.PidFile;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Waits for a pid file that another process holds, as {@code flock -w} waits: it tries the
 * lock and, while another process holds it, blocks in the kernel until the holder lets go,
 * then tries again, until the lock is taken or the timeout passes. The blocking wait runs on
 * a daemon thread of its own ({@value #THREAD_NAME}), which a signal never has to end: each
 * try is the caller's, so that a shutdown sees the lock either taken or not.
 * <p>
 * It also remembers which file it waited on and since when it has seen that file at the
 * path: a waiter that then locks that very file knows the file was there all along, which is
 * what lets a standby skip its takeover grace.
 */
final class PidFileWaiter {

	/** The daemon thread that waits in the kernel for the holder to let go. */
	static final String THREAD_NAME = "zeph-pidfile-wait";

	/** How soon a try follows one that could not wait on the file in the kernel. */
	private static final Duration RETRY_INTERVAL = Duration.ofMillis(100);

	/**
	 * How often a try follows while the wait goes on in the kernel: the path may have come to
	 * name another file than the one waited on, which only a new try sees.
	 */
	private static final Duration RECHECK_INTERVAL = Duration.ofSeconds(5);

	/** How often the log says again who is waited for. */
	private static final Duration LOG_INTERVAL = Duration.ofMinutes(1);

	private static final Log logger = LogFactory.getLog(PidFileWaiter.class);

	private final Path path;

	private @Nullable CompletableFuture<Void> release;

	private volatile PidFile.@Nullable FileKey waitedOn;

	private volatile long firstSeen;

	private long lastLog;

	private @Nullable OptionalLong lastHolder;

	PidFileWaiter(Path path) {
		this.path = path;
	}

	/**
	 * Try until a try succeeds or the timeout passes.
	 * @param <T> what a try gives
	 * @param attempt one try: throws a {@link PidFileStartupException} caused by an
	 * {@link AlreadyRunningException} while another process holds the lock
	 * @param timeout how long to wait; zero waits for ever
	 * @return what the successful try gave
	 * @throws PidFileStartupException the last refusal once the timeout passed, or any other
	 * failure of a try at once
	 * @throws InterruptedException if the waiting thread was interrupted
	 */
	<T> T await(Supplier<T> attempt, Duration timeout) throws InterruptedException {
		long start = System.nanoTime();
		while (true) {
			try {
				return attempt.get();
			}
			catch (PidFileStartupException ex) {
				if (!(ex.getCause() instanceof AlreadyRunningException held)) {
					throw ex;
				}
				long now = System.nanoTime();
				long left = timeout.isZero() ? Long.MAX_VALUE : start + timeout.toNanos() - now;
				if (left <= 0) {
					throw ex;
				}
				if (!held.getHolderPid().equals(this.lastHolder) || now - this.lastLog >= LOG_INTERVAL.toNanos()) {
					logger.info("Waiting for pid file " + this.path + ": " + ex.getMessage());
					this.lastHolder = held.getHolderPid();
					this.lastLog = now;
				}
				CompletableFuture<Void> release = this.release;
				if (release == null || release.isDone()) {
					release = awaitRelease();
					this.release = release;
				}
				awaitAtMost(release, Math.min(left, RECHECK_INTERVAL.toNanos()));
			}
		}
	}

	/**
	 * Since when the given file has been seen at the path, when it is the one this waiter
	 * waited on last.
	 * @param file the file now locked
	 * @return the moment it was first seen, as {@link System#nanoTime()}, if it was
	 */
	OptionalLong seenSince(PidFile.FileKey file) {
		return file.equals(this.waitedOn) ? OptionalLong.of(this.firstSeen) : OptionalLong.empty();
	}

	/** Wait for the holder to let go, on a thread that is abandoned if the wait ends first. */
	private CompletableFuture<Void> awaitRelease() {
		CompletableFuture<Void> release = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				PidFile.awaitRelease(this.path, this::waitingOn);
				release.complete(null);
			}
			catch (Throwable ex) {
				release.completeExceptionally(ex);
			}
		}, THREAD_NAME);
		thread.setDaemon(true);
		thread.start();
		return release;
	}

	/**
	 * The file the wait is on: seen at the path from now on, or since it was first seen if it
	 * is the one waited on before. Taken after the open, an upper bound of the moment the path
	 * named it.
	 */
	private void waitingOn(PidFile.FileKey file) {
		if (!file.equals(this.waitedOn)) {
			this.firstSeen = System.nanoTime();
			this.waitedOn = file;
		}
	}

	/**
	 * Wait for the release, at most the given time: past it, the caller tries again anyway,
	 * in case the path now names another file than the one waited on. A file that cannot be
	 * waited on (one this user may not open) is tried again after a short pause instead.
	 */
	private void awaitAtMost(CompletableFuture<Void> release, long nanos) throws InterruptedException {
		try {
			release.get(nanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			// try again: the wait timeout, a log line, or another file at the path
		}
		catch (ExecutionException ex) {
			logger.debug("Cannot wait on pid file " + this.path + " in the kernel; trying again shortly", ex.getCause());
			Thread.sleep(RETRY_INTERVAL.toMillis());
		}
	}

}
