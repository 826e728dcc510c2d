package dev.zeph.pidfile.standby;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of singleton work ({@link ActiveInstanceOnly}), in every mode and
 * with either guard. Bound with a {@code Binder} as the guards take their locks, before any
 * bean exists; this class exists for the metadata.
 */
@ConfigurationProperties("zeph.pidfile.standby")
public class StandbyProperties {

	/**
	 * How long the singleton work may take to stop when this instance stops being active
	 * without letting go (a lost session, a replaced pid file): lifecycle beans stopped, runs
	 * in flight interrupted or let finish. Work still running then is logged by name and the
	 * process exits with 70. The takeover grace of the other instances covers it.
	 */
	private Duration stopBudget = Duration.ofSeconds(1);

	/**
	 * What happens to @ActiveInstanceOnly runs in flight when this instance stops being
	 * active: 'interrupt' interrupts their threads; 'finish' lets them end on their own. Either
	 * way within the stop budget.
	 */
	private RunningWork runningWork = RunningWork.INTERRUPT;

	/**
	 * On a normal stop, how long @ActiveInstanceOnly runs in flight may take to finish before
	 * they are interrupted; the lock is let go only after them. With the stop budget it must
	 * fit in 'spring.lifecycle.timeout-per-shutdown-phase'.
	 */
	private Duration shutdownTimeout = Duration.ofSeconds(10);

	/**
	 * The readiness of an instance that is not active: 'accepting-traffic' serves requests on
	 * every instance; 'refusing-traffic' keeps a load balancer away from standbys, for a
	 * service whose web part must be single too. Activity never depends on readiness.
	 */
	private Readiness readiness = Readiness.ACCEPTING_TRAFFIC;

	/**
	 * Lifecycle beans the application does not declare itself, that run on the active instance
	 * only, as if annotated with @ActiveInstanceOnly: each a bean name, or a class whose beans
	 * all do (org.springframework.kafka.config.KafkaListenerEndpointRegistry for the
	 * @KafkaListener containers, a listener container, a Spring Integration endpoint).
	 */
	private List<String> lifecycleBeans = new ArrayList<>();

	public Duration getStopBudget() {
		return this.stopBudget;
	}

	public void setStopBudget(Duration stopBudget) {
		this.stopBudget = stopBudget;
	}

	public RunningWork getRunningWork() {
		return this.runningWork;
	}

	public void setRunningWork(RunningWork runningWork) {
		this.runningWork = runningWork;
	}

	public Duration getShutdownTimeout() {
		return this.shutdownTimeout;
	}

	public void setShutdownTimeout(Duration shutdownTimeout) {
		this.shutdownTimeout = shutdownTimeout;
	}

	public Readiness getReadiness() {
		return this.readiness;
	}

	public void setReadiness(Readiness readiness) {
		this.readiness = readiness;
	}

	public List<String> getLifecycleBeans() {
		return this.lifecycleBeans;
	}

	public void setLifecycleBeans(List<String> lifecycleBeans) {
		this.lifecycleBeans = lifecycleBeans;
	}

	/**
	 * What happens to runs in flight when the instance stops being active.
	 */
	public enum RunningWork {

		/** Interrupt their threads. */
		INTERRUPT,

		/** Let them end on their own. */
		FINISH

	}

	/**
	 * The readiness of an instance that is not active.
	 */
	public enum Readiness {

		/** Serve requests: every instance is ready. */
		ACCEPTING_TRAFFIC,

		/** Refuse requests: only the active instance is ready. */
		REFUSING_TRAFFIC

	}

}
