package dev.zeph.pidfile.cluster;

import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;

import dev.zeph.pidfile.cluster.ClusterLockUnavailableException.Reason;
import org.jspecify.annotations.Nullable;

/**
 * A session for a cluster lock, opened ahead of {@link ClusterLock#acquire(ClusterLockConnection,
 * ClusterLock.Listener)} on a daemon thread named {@value #THREAD_NAME}: loading the driver and
 * logging in then overlap with the caller's other start-up work, while taking the lock stays
 * where the caller puts it. Opening takes no lock. A connection is used once; close one that
 * will not be, and the session ends as soon as it is open.
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

	private final ClusterLockSettings settings;

	private @Nullable SessionLock session;

	private @Nullable Throwable failure;

	private boolean opened;

	private long openedAt;

	private boolean taken;

	private boolean closed;

	private ClusterLockConnection(ClusterLockSettings settings) {
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
	 * The settings the session is opened with.
	 * @return the settings
	 */
	public ClusterLockSettings getSettings() {
		return this.settings;
	}

	private void connect() {
		SessionLock session = null;
		Throwable failure = null;
		try {
			session = PostgresSessionLock.open(this.settings);
			// what taking the lock will need, found here: the host's name, the statements' classes
			ClusterLock.hostName();
			session.holder();
		}
		catch (SessionLostException ex) {
			failure = new ClusterLockUnavailableException(this.settings.name(), session.database(), Reason.UNREACHABLE,
					ex.getMessage(), ex);
			session.close();
			session = null;
		}
		catch (Throwable ex) {
			failure = ex;
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
			this.openedAt = System.nanoTime();
			notifyAll();
		}
	}

	/**
	 * Wait for the session, once: from then on it is the caller's to close.
	 */
	SessionLock take() throws ClusterLockUnavailableException, InterruptedException {
		SessionLock session;
		Throwable failure;
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
			this.session = null;
		}
		if (failure instanceof ClusterLockUnavailableException unavailable) {
			throw unavailable;
		}
		if (failure instanceof RuntimeException runtime) {
			throw runtime;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		if (session == null) {
			throw new IllegalStateException("No session for cluster lock '" + this.settings.name() + "'", failure);
		}
		if (System.nanoTime() - this.openedAt - this.settings.serverTimeout().toNanos() / 2 > 0) {
			// idle for long: the server's idle_session_timeout may have ended it, or be about to
			session.close();
			return PostgresSessionLock.open(this.settings);
		}
		return session;
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
