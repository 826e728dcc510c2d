package dev.zeph.pidfile.standby;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The events of an instance's activity, published one at a time and in the order they came,
 * on a daemon thread of their own ({@value #THREAD_NAME}), never a lock's: a listener that
 * blocks or throws costs no lock. Those that come before the context is refreshed are kept
 * until it is, so that {@code @EventListener} methods, registered at its end, see them.
 */
final class ActivityEvents {

	static final String THREAD_NAME = "zeph-active-instance-events";

	/** How long a stop waits for the events of the tenure to be delivered. */
	private static final Duration DRAIN = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(ActivityEvents.class);

	private final ConfigurableApplicationContext context;

	private final ExecutorService publisher = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, THREAD_NAME);
		thread.setDaemon(true);
		return thread;
	});

	private final List<ApplicationEvent> pending = new ArrayList<>();

	private boolean refreshed;

	ActivityEvents(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/** The context is refreshed: publish what came before, and what comes from now on. */
	void refreshed() {
		List<ApplicationEvent> pending;
		synchronized (this) {
			this.refreshed = true;
			pending = new ArrayList<>(this.pending);
			this.pending.clear();
		}
		pending.forEach(this::publish);
	}

	void publish(ApplicationEvent event) {
		synchronized (this) {
			if (!this.refreshed) {
				this.pending.add(event);
				return;
			}
		}
		try {
			this.publisher.execute(() -> {
				// not into a context that closed since the event was queued
				if (this.context.isActive()) {
					this.context.publishEvent(event);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// the context has closed, and its listeners with it
		}
	}

	/** Deliver what is queued, for a bounded time, and end the thread. */
	void close() {
		try {
			this.publisher.submit(() -> {
			}).get(DRAIN.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.warn("The events of this instance's last tenure were not all delivered within " + DRAIN.toSeconds()
					+ " s");
		}
		this.publisher.shutdown();
	}

}
