package dev.zeph.pidfile.benchmarks.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import dev.zeph.pidfile.cluster.ClusterLock;
import dev.zeph.pidfile.cluster.ClusterLockSettings;
import org.postgresql.Driver;

import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.DefaultCandidate;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * One instance of a fleet, in a JVM of its own: it waits to become the active one, then
 * appends a {@code work} line to the witness file every 50 ms for as long as its guard says
 * it is active. Lines carry {@code System.nanoTime()}, which on Linux is CLOCK_MONOTONIC and
 * so comparable between the processes of one host; each line is one {@code O_APPEND} write.
 * <p>
 * Arguments: {@code zeph|spring-integration <who> <jdbc url> <user> <password> <witness file>}.
 */
public final class Candidate {

	private Candidate() {
	}

	public static void main(String[] args) throws Exception {
		String kind = args[0];
		String who = args[1];
		String url = args[2];
		String user = args[3];
		String password = args[4];
		Path witness = Path.of(args[5]);
		BooleanSupplier active = "zeph".equals(kind) ? zeph(who, url, user, password, witness)
				: springIntegration(who, url, user, password, witness);
		write(witness, "started " + who);
		while (true) {
			if (active.getAsBoolean()) {
				write(witness, "work " + who);
			}
			Thread.sleep(50);
		}
	}

	private static BooleanSupplier zeph(String who, String url, String user, String password, Path witness)
			throws Exception {
		ClusterLock.Listener listener = new ClusterLock.Listener() {

			@Override
			public void activated(ClusterLock lock) {
				write(witness, "enter " + who);
			}

			@Override
			public void lost(ClusterLock lock, String reason, boolean wasActive) {
				write(witness, "exit " + who);
			}

		};
		AtomicReference<ClusterLock> lock = new AtomicReference<>();
		Thread waiter = new Thread(() -> {
			try {
				lock.set(ClusterLock.await(ClusterLockSettings.of("bench", url, user, password), Duration.ZERO,
						listener));
			}
			catch (Exception ex) {
				write(witness, "failed " + who + " " + ex.getMessage().replace('\n', ' '));
			}
		});
		waiter.setDaemon(true);
		waiter.start();
		return () -> lock.get() != null && lock.get().isActive();
	}

	/**
	 * Spring Integration at its defaults: a {@code JdbcLockRegistry} on a
	 * {@code DefaultLockRepository} (10 s time to live) and a {@code LockRegistryLeaderInitiator}.
	 */
	private static BooleanSupplier springIntegration(String who, String url, String user, String password,
			Path witness) {
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new Driver(), url, user, password);
		DefaultLockRepository repository = new DefaultLockRepository(dataSource);
		repository.setTransactionManager(new DataSourceTransactionManager(dataSource));
		repository.afterPropertiesSet();
		repository.afterSingletonsInstantiated();
		repository.start();
		AtomicBoolean leader = new AtomicBoolean();
		DefaultCandidate candidate = new DefaultCandidate(who, "bench") {

			@Override
			public void onGranted(Context context) {
				leader.set(true);
				write(witness, "enter " + who);
			}

			@Override
			public void onRevoked(Context context) {
				leader.set(false);
				write(witness, "exit " + who);
			}

		};
		LockRegistryLeaderInitiator initiator = new LockRegistryLeaderInitiator(new JdbcLockRegistry(repository),
				candidate);
		initiator.start();
		return leader::get;
	}

	static void write(Path witness, String line) {
		try {
			Files.writeString(witness, System.nanoTime() + " " + line + "\n", StandardCharsets.UTF_8,
					StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
