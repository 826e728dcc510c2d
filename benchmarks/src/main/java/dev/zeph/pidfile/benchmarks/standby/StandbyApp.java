package dev.zeph.pidfile.benchmarks.standby;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import javax.sql.DataSource;

import dev.zeph.pidfile.standby.ActiveInstanceOnly;
import net.javacrumbs.shedlock.core.LockProvider;
import net.javacrumbs.shedlock.provider.jdbctemplate.JdbcTemplateLockProvider;
import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.jdbc.lock.DefaultLockRepository;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.integration.support.leader.LockRegistryLeaderInitiator;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

/**
 * One service, three guards: a scheduled task of {@code bench.task-duration} every
 * {@code bench.task-interval} that must run on one instance at a time, each run writing a
 * begin and an end record (host monotonic clock, pid) to {@code bench.witness} with one
 * {@code O_APPEND} write each. {@code bench.kind} picks the guard, as its users write it:
 * <ul>
 * <li>{@code zeph}: {@code zeph.pidfile.mode=standby} and {@code @ActiveInstanceOnly}, on the
 * cluster lock or (with the pid file on) one host;</li>
 * <li>{@code spring-integration}: a {@code LockRegistryLeaderInitiator} on a
 * {@code JdbcLockRegistry}, each run asking whether this instance leads;</li>
 * <li>{@code shedlock}: {@code @SchedulerLock} on a {@code JdbcTemplateLockProvider}, with
 * {@code lockAtMostFor} 30 s, a value a user might pick (it has no default).</li>
 * </ul>
 */
@SpringBootApplication
@EnableScheduling
public class StandbyApp {

	public static void main(String[] args) throws InterruptedException {
		SpringApplication.run(StandbyApp.class, args);
		// a service runs until it is stopped, whether or not a thread of its keeps the JVM up
		Thread.currentThread().join();
	}

	@Bean
	Witness witness(@Value("${bench.witness}") Path file, @Value("${bench.task-duration:50ms}") Duration duration) {
		return new Witness(file, duration);
	}

	/** The run itself: begin, the task's duration, end. */
	static final class Witness {

		private final Path file;

		private final Duration duration;

		private final long pid = ProcessHandle.current().pid();

		Witness(Path file, Duration duration) {
			this.file = file;
			this.duration = duration;
		}

		void run() {
			write("begin");
			try {
				Thread.sleep(this.duration.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				write("end");
			}
		}

		private void write(String edge) {
			byte[] line = (System.nanoTime() + " " + this.pid + " " + edge + "\n").getBytes(StandardCharsets.US_ASCII);
			try (FileChannel channel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
					StandardOpenOption.APPEND)) {
				channel.write(ByteBuffer.wrap(line));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

	/** The floor a standby adds to: the same schedule, each tick doing nothing, unguarded. */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "bench.kind", havingValue = "tick")
	static class Tick {

		@Bean
		TickTask tickTask() {
			return new TickTask();
		}

	}

	static class TickTask {

		@Scheduled(fixedDelayString = "${bench.task-interval:10ms}")
		void run() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "bench.kind", havingValue = "zeph")
	static class Zeph {

		@Bean
		ZephTask zephTask(Witness witness) {
			return new ZephTask(witness);
		}

	}

	static class ZephTask {

		private final Witness witness;

		ZephTask(Witness witness) {
			this.witness = witness;
		}

		@ActiveInstanceOnly
		@Scheduled(fixedDelayString = "${bench.task-interval:10ms}")
		void run() {
			this.witness.run();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "bench.kind", havingValue = "spring-integration")
	static class SpringIntegration {

		@Bean
		DefaultLockRepository lockRepository(DataSource dataSource) {
			return new DefaultLockRepository(dataSource);
		}

		@Bean
		JdbcLockRegistry lockRegistry(DefaultLockRepository repository) {
			return new JdbcLockRegistry(repository);
		}

		@Bean
		LockRegistryLeaderInitiator leaderInitiator(JdbcLockRegistry registry) {
			return new LockRegistryLeaderInitiator(registry);
		}

		@Bean
		SpringIntegrationTask springIntegrationTask(Witness witness, LockRegistryLeaderInitiator initiator) {
			return new SpringIntegrationTask(witness, initiator);
		}

	}

	static class SpringIntegrationTask {

		private final Witness witness;

		private final LockRegistryLeaderInitiator initiator;

		SpringIntegrationTask(Witness witness, LockRegistryLeaderInitiator initiator) {
			this.witness = witness;
			this.initiator = initiator;
		}

		@Scheduled(fixedDelayString = "${bench.task-interval:10ms}")
		void run() {
			if (this.initiator.getContext().isLeader()) {
				this.witness.run();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "bench.kind", havingValue = "shedlock")
	@EnableSchedulerLock(defaultLockAtMostFor = "30s")
	static class ShedLock {

		@Bean
		LockProvider lockProvider(DataSource dataSource) {
			return new JdbcTemplateLockProvider(JdbcTemplateLockProvider.Configuration.builder()
				.withJdbcTemplate(new JdbcTemplate(dataSource))
				.build());
		}

		@Bean
		ShedLockTask shedLockTask(Witness witness) {
			return new ShedLockTask(witness);
		}

	}

	static class ShedLockTask {

		private final Witness witness;

		ShedLockTask(Witness witness) {
			this.witness = witness;
		}

		@Scheduled(fixedDelayString = "${bench.task-interval:10ms}")
		@SchedulerLock(name = "report")
		public void run() {
			this.witness.run();
		}

	}

}
