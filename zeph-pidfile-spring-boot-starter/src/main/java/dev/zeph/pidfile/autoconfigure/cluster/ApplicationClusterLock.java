package dev.zeph.pidfile.autoconfigure.cluster;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.cluster.FencingToken;
import dev.zeph.pidfile.cluster.HolderIdentity;
import dev.zeph.pidfile.cluster.StaleFencingTokenException;
import org.jspecify.annotations.Nullable;

/**
 * The cluster lock of this application, registered as the bean {@value #BEAN_NAME} before
 * the context is refreshed. It stands for each tenure in turn: in standby mode an instance
 * may wait for the lock, hold it, lose it and wait again, and this bean then says what holds
 * now. Singleton work is best marked {@code @ActiveInstanceOnly}; work that asks itself checks
 * {@link #isActive()} before it starts.
 */
public final class ApplicationClusterLock {

	/** The name of the singleton bean. */
	public static final String BEAN_NAME = "zephClusterLock";

	private final String name;

	private volatile String database;

	private volatile @Nullable ClusterLock lock;

	private volatile Duration acquisitionTime = Duration.ZERO;

	private final AtomicLong losses = new AtomicLong();

	ApplicationClusterLock(String name, String database) {
		this.name = name;
		this.database = database;
	}

	/**
	 * Stand for a new tenure.
	 * @param lock the lock just taken
	 * @param acquisitionTime how long taking it took, waiting included
	 */
	void held(ClusterLock lock, Duration acquisitionTime) {
		this.lock = lock;
		this.database = lock.getDatabase();
		this.acquisitionTime = acquisitionTime;
	}

	/**
	 * Name the database as the driver does, once a refusal has: before, the URL stands for it.
	 */
	void database(String database) {
		this.database = database;
	}

	@Nullable ClusterLock current() {
		return this.lock;
	}

	void lost() {
		this.losses.incrementAndGet();
	}

	/**
	 * How many times the lock was lost: each tenure's loss counts once.
	 * @return the count
	 */
	long getLosses() {
		return this.losses.get();
	}

	/**
	 * Whether this instance is the active one: it holds the lock, the takeover grace has
	 * passed and its heartbeat is recent. No database call.
	 * @return whether work may run here
	 */
	public boolean isActive() {
		ClusterLock lock = this.lock;
		return lock != null && lock.isActive();
	}

	/**
	 * Whether this instance still holds the lock, as far as it can know; it holds it during
	 * the takeover grace without being active yet.
	 * @return whether it holds the lock
	 */
	public boolean isHeld() {
		ClusterLock lock = this.lock;
		return lock != null && lock.isHeld();
	}

	/**
	 * The fencing token of this instance's tenure, while it is active: raised when it took the
	 * lock, greater than every earlier holder's, and fixed until it lets go or loses the lock.
	 * Hand it to a resource that refuses tokens lower than the highest it has seen.
	 * @return the token, or empty when this instance is not active or the lock hands out none
	 * ({@code zeph.pidfile.cluster.fencing.enabled})
	 */
	public OptionalLong getFencingToken() {
		ClusterLock lock = this.lock;
		FencingToken token = (lock != null && lock.isActive()) ? lock.getFencingToken().orElse(null) : null;
		return (token != null) ? OptionalLong.of(token.getValue()) : OptionalLong.empty();
	}

	/**
	 * The fencing token of the current or last tenure, whether or not this instance is active.
	 */
	Optional<FencingToken> tenureFencingToken() {
		ClusterLock lock = this.lock;
		return (lock != null) ? lock.getFencingToken() : Optional.empty();
	}

	/**
	 * Check this tenure's fencing token as the first statement of the write's transaction on
	 * the given connection, locking the counter's row until the transaction ends (see
	 * {@link FencingToken#check(Connection)}); when another token is current, step down as on a
	 * loss, and throw. The database decides, not this instance's view of itself: a token that
	 * is still current orders the transaction's writes before every write of the next holder.
	 * Spring code calls {@code Fence.check()} or marks the method {@code @Fenced} instead.
	 * @param connection the connection of the transaction, which has not written yet
	 * @throws StaleFencingTokenException if another holder's token is current: roll back
	 * @throws SQLException if the check could not run
	 * @throws IllegalStateException if the lock hands out no fencing tokens, if it was never
	 * taken, or if the connection is in autocommit or its transaction has written already
	 */
	public void checkFencingToken(Connection connection) throws SQLException, StaleFencingTokenException {
		ClusterLock lock = this.lock;
		FencingToken token = (lock != null) ? lock.getFencingToken().orElse(null) : null;
		if (lock == null || token == null) {
			throw new IllegalStateException("Cluster lock '" + this.name + "' has " + ((lock == null)
					? "not been taken by this instance yet, so it has no fencing token"
					: "no fencing token: set zeph.pidfile.cluster.fencing.enabled=true"));
		}
		try {
			token.check(connection);
		}
		catch (StaleFencingTokenException ex) {
			lock.fencedOut(ex.getMessage());
			throw ex;
		}
	}

	/**
	 * Give the session of a connection whose transaction checked this lock's fencing token,
	 * once that transaction has ended, the bound on its idle time it had before the check (see
	 * {@link FencingToken#restore(Connection)}): MySQL and MariaDB keep it beyond the
	 * transaction. {@code Fence} and {@code @Fenced} do this themselves.
	 * @param connection the connection, its transaction ended
	 * @throws SQLException if the session could not be told
	 */
	public void restoreAfterFencingCheck(Connection connection) throws SQLException {
		FencingToken token = tenureFencingToken().orElse(null);
		if (token != null) {
			token.restore(connection);
		}
	}

	/**
	 * The lock's name.
	 * @return the name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * The database that holds the lock, as {@code host:port/dbname}.
	 * @return the database
	 */
	public String getDatabase() {
		return this.database;
	}

	/**
	 * This instance as the other instances see it while it holds the lock: host, pid, and
	 * since when it holds it.
	 * @return the identity of the current or last tenure, or {@code null} for an instance
	 * that has stood by since it started
	 */
	public @Nullable HolderIdentity getIdentity() {
		ClusterLock lock = this.lock;
		return (lock != null) ? lock.getIdentity() : null;
	}

	/**
	 * The server process of the lock's session.
	 * @return its pid on the database server, or 0 for an instance that has stood by since
	 * it started
	 */
	public long getBackendPid() {
		ClusterLock lock = this.lock;
		return (lock != null) ? lock.getBackendPid() : 0;
	}

	/**
	 * How long ago the last good heartbeat began.
	 * @return the age, or {@code null} for an instance that has stood by since it started
	 */
	public @Nullable Duration getLastHeartbeatAge() {
		ClusterLock lock = this.lock;
		return (lock != null) ? lock.getLastHeartbeatAge() : null;
	}

	/**
	 * Why the lock of the current or last tenure was lost, if it was.
	 * @return the reason
	 */
	public Optional<String> getLossReason() {
		ClusterLock lock = this.lock;
		return (lock != null) ? lock.getLossReason() : Optional.empty();
	}

	/**
	 * How long taking the lock took, waiting for it included: at start-up, or for the
	 * current tenure.
	 * @return the duration
	 */
	Duration getAcquisitionTime() {
		return this.acquisitionTime;
	}

	@Override
	public String toString() {
		return "ApplicationClusterLock['" + this.name + "' on " + getDatabase() + ", " + getIdentity() + "]";
	}

}
