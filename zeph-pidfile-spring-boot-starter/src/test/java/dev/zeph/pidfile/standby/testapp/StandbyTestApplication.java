package dev.zeph.pidfile.standby.testapp;

import java.nio.file.Path;
import java.time.Duration;

import dev.zeph.pidfile.standby.ActiveInstanceActivatedEvent;
import dev.zeph.pidfile.standby.ActiveInstanceDeactivatedEvent;
import dev.zeph.pidfile.standby.ActiveInstanceOnly;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A service with singleton work, for tests that run several instances of it as child JVMs: a
 * scheduled task that runs {@code test.task-duration} every {@code test.interval}, and a
 * singleton lifecycle bean, each writing its periods to the witness file {@code test.witness}.
 * {@code test.task-ignores-interrupt} and {@code test.stop-hangs} make work that will not
 * stop. The edges of its activity are printed as {@value #EVENT} lines.
 */
@SpringBootApplication(proxyBeanMethods = false)
@EnableScheduling
public class StandbyTestApplication {

	/** Printed once the application has started, followed by its pid. */
	public static final String STARTED = "standby-test-app started, pid ";

	/** Printed for each activity event, followed by its kind. */
	public static final String EVENT = "standby-test-app event ";

	public static void main(String[] args) throws InterruptedException {
		SpringApplication.run(StandbyTestApplication.class, args);
		System.out.println(STARTED + ProcessHandle.current().pid());
		Thread.currentThread().join();
	}

	@Bean
	WorkWitness workWitness(@Value("${test.witness}") Path file) {
		return new WorkWitness(file);
	}

	@Bean
	@ActiveInstanceOnly
	SingletonConsumer singletonConsumer(WorkWitness witness, @Value("${test.stop-hangs:false}") boolean stopHangs) {
		return new SingletonConsumer(witness, stopHangs);
	}

	@EventListener
	void activated(ActiveInstanceActivatedEvent event) {
		System.out.println(EVENT + "activated " + event.getLocks());
	}

	@EventListener
	void deactivated(ActiveInstanceDeactivatedEvent event) {
		System.out.println(EVENT + "deactivated " + event.getReason() + " " + event.getDetail());
	}

	/** The scheduled singleton work. */
	@Component
	static class SingletonTask {

		private final WorkWitness witness;

		private final Duration duration;

		private final boolean ignoresInterrupt;

		SingletonTask(WorkWitness witness, @Value("${test.task-duration:20ms}") Duration duration,
				@Value("${test.task-ignores-interrupt:false}") boolean ignoresInterrupt) {
			this.witness = witness;
			this.duration = duration;
			this.ignoresInterrupt = ignoresInterrupt;
		}

		@ActiveInstanceOnly
		@Scheduled(fixedDelayString = "${test.interval:50ms}")
		void run() {
			this.witness.begin("task");
			try {
				long end = System.nanoTime() + this.duration.toNanos();
				for (long left = end - System.nanoTime(); left > 0; left = end - System.nanoTime()) {
					try {
						Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 50)));
					}
					catch (InterruptedException ex) {
						if (!this.ignoresInterrupt) {
							System.out.println(EVENT + "task interrupted");
							return;
						}
					}
				}
			}
			finally {
				this.witness.end("task");
			}
		}

	}

	/** A singleton lifecycle bean, as a queue consumer would be: running between start and stop. */
	static class SingletonConsumer implements SmartLifecycle {

		private final WorkWitness witness;

		private final boolean stopHangs;

		private volatile boolean running;

		SingletonConsumer(WorkWitness witness, boolean stopHangs) {
			this.witness = witness;
			this.stopHangs = stopHangs;
		}

		@Override
		public void start() {
			this.witness.begin("consumer");
			this.running = true;
		}

		@Override
		public void stop() {
			if (this.stopHangs) {
				System.out.println(EVENT + "consumer stop hangs");
				while (true) {
					try {
						Thread.sleep(1000);
					}
					catch (InterruptedException ex) {
						// hangs
					}
				}
			}
			this.running = false;
			this.witness.end("consumer");
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

}
