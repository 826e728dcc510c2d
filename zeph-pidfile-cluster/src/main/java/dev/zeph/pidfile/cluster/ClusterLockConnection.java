package dev.zeph.pidfile.cluster;

import java.security.GeneralSecurityException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * A session for a cluster lock, opened ahead of {@link ClusterLock#acquire(ClusterLockConnection,
 * ClusterLock.Listener)} on a daemon thread named {@value #THREAD_NAME}: loading the driver and
 * logging in then overlap with the caller's other start-up work, while taking the lock stays
 * where the caller puts it. Opening takes no lock, and gives the session no lease: it gets its
 * name and lease when the lock is taken on it, so that it may be opened before they are known
 * and wait for as long as the start takes. A connection is used once; close one that will not
 * be, and the session ends as soon as it is open.
 */
public final class ClusterLockConnection implements AutoCloseable {

	static final String THREAD_NAME = "zeph-cluster-lock-connect";

	/** The driver's classes that a login and the first statements load. */
	private static final String[] DRIVER_CLASSES = { "org.postgresql.core.PGStream",
			"org.postgresql.core.v3.ConnectionFactoryImpl", "org.postgresql.core.v3.QueryExecutorImpl",
			"org.postgresql.core.v3.ScramAuthenticator", "org.postgresql.jdbc.PgConnection",
			"org.postgresql.jdbc.PgStatement", "org.postgresql.jdbc.PgPreparedStatement",
			"org.postgresql.jdbc.PgResultSet", "org.postgresql.shaded.com.ongres.scram.client.ScramClient" };

	private static final AtomicBoolean loadingAhead = new AtomicBoolean();

	/** The settings the session is opened with. */
	private final ClusterLockSettings opening;

	/** The settings of the lock to be taken on it: the opening ones, or those it is reused for. */
	private ClusterLockSettings settings;

	private @Nullable SessionLock session;

	private @Nullable Throwable failure;

	private boolean opened;

	private boolean taken;

	private boolean closed;

	private ClusterLockConnection(ClusterLockSettings settings) {
		this.opening = settings;
		this.settings = settings;
	}

	/**
	 * Start opening a session for the lock of the given settings.
	 * @param settings the settings
	 * @return the connection, still opening
	 */
	public static ClusterLockConnection open(ClusterLockSettings settings) {
		ClusterLockConnection connection = new ClusterLockConnection(settings);
		Thread thread = new Thread(connection::connect, THREAD_NAME);
		thread.setDaemon(true);
		thread.start();
		return connection;
	}

	/**
	 * Load what opening a session needs, the driver's classes and the key derivation of a
	 * SCRAM login, on a daemon thread, once per JVM: a caller that knows the lock will be
	 * wanted before it knows where can start this first. Connects to nothing.
	 */
	public static void loadAhead() {
		if (!loadingAhead.compareAndSet(false, true)) {
			return;
		}
		Thread thread = new Thread(() -> {
			ClassLoader classLoader = ClusterLockConnection.class.getClassLoader();
			try {
				Class.forName("org.postgresql.Driver", true, classLoader);
				for (String name : DRIVER_CLASSES) {
					Class.forName(name, false, classLoader);
				}
				SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
				Mac.getInstance("HmacSHA256");
			}
			catch (ReflectiveOperationException | GeneralSecurityException | LinkageError ex) {
				// only a head start: opening the session loads what it needs and reports what fails
			}
		}, THREAD_NAME);
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * The settings of the lock to be taken on this session.
	 * @return the settings
	 */
	public synchronized ClusterLockSettings getSettings() {
		return this.settings;
	}

	/**
	 * Take the lock of other settings on this session, if it can serve them: the same
	 * database, user, password, heartbeat timeout (the session's socket timeout) and acceptance
	 * of an old server. The name, the lease and the timings of the lock may differ: the session
	 * takes them when the lock is taken on it. Settings known only once the application's
	 * configuration is read may so use a session opened before.
	 * @param settings the settings of the lock to take
	 * @return whether the lock will be taken on this session with these settings; if not, the
	 * connection is unchanged, and the caller closes it and opens another
	 */
	public synchronized boolean reuseFor(ClusterLockSettings settings) {
		ClusterLockSettings opening = this.opening;
		if (this.taken || this.closed || !opening.url().equals(settings.url())
				|| !Objects.equals(opening.username(), settings.username())
				|| !Objects.equals(opening.password(), settings.password())
				|| !opening.heartbeatTimeout().equals(settings.heartbeatTimeout())
				|| opening.allowOldServer() != settings.allowOldServer()) {
			return false;
		}
		this.settings = settings;
		return true;
	}

	private void connect() {
		SessionLock session = null;
		Throwable failure = null;
		try {
			session = SessionLock.openAhead(this.opening);
			// what taking the lock will need, found here: the host's name, the statements' classes
			ClusterLock.hostName();
			session.holder();
		}
		catch (SessionLostException ex) {
			failure = new ClusterLockUnavailableException(this.opening.name(), session.database(), Reason.UNREACHABLE,
					ex.getMessage(), ex);
			session.close();
			session = null;
		}
		catch (Throwable ex) {
			failure = ex;
			if (session != null) {
				// opened, then failed while readying it: nobody can take it
				session.close();
				session = null;
			}
		}
		synchronized (this) {
			if (this.closed && session != null) {
				// closed while it opened: nobody will take it
				session.close();
				session = null;
			}
			this.session = session;
			this.failure = failure;
			this.opened = true;
			notifyAll();
		}
	}

	/**
	 * Wait for the session, once, and ready it for the lock: from then on it is the caller's to
	 * close. A session that ended before its first use fails with a
	 * {@link ClusterLockUnavailableException} caused by a {@link SessionLostException}.
	 */
	SessionLock take() throws ClusterLockUnavailableException, InterruptedException {
		SessionLock session;
		Throwable failure;
		ClusterLockSettings settings;
		synchronized (this) {
			if (this.taken || this.closed) {
				throw new IllegalStateException("The connection for cluster lock '" + this.settings.name()
						+ "' was already " + (this.taken ? "used" : "closed"));
			}
			while (!this.opened) {
				wait();
			}
			this.taken = true;
			session = this.session;
			failure = this.failure;
			settings = this.settings;
			this.session = null;
		}
		if (failure instanceof ClusterLockUnavailableException unavailable) {
			throw unavailable.forLock(settings.name());
		}
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		if (session == null) {
			throw new IllegalStateException("No session for cluster lock '" + settings.name() + "'", failure);
		}
		try {
			return session.forLock(settings);
		}
		catch (SessionLostException ex) {
			session.close();
			throw new ClusterLockUnavailableException(settings.name(), session.database(), Reason.UNREACHABLE,
					ex.getMessage(), ex);
		}
	}

	/**
	 * End the session unless it was used: at once when it is open, or as soon as it is.
	 * Idempotent.
	 */
	@Override
	public void close() {
		SessionLock session;
		synchronized (this) {
			if (this.taken || this.closed) {
				return;
			}
			this.closed = true;
			session = this.session;
			this.session = null;
		}
		if (session != null) {
			session.close();
		}
	}

}
