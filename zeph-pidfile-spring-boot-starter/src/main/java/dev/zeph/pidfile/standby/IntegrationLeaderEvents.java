package dev.zeph.pidfile.standby;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ApplicationEventPublisherAware;
import org.springframework.context.SmartLifecycle;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;
import org.springframework.integration.support.SmartLifecycleRoleController;

/**
 * Spring Integration's leader events, published as this instance becomes and stops being the
 * active one, for every role its {@link SmartLifecycleRoleController} knows: the endpoints of
 * a {@code @Role} then run on the active instance only, as a {@code LockRegistryLeaderInitiator}
 * would have them run, which an application drops for this. Itself singleton work, started
 * after the other lifecycle beans and stopped before them: a revocation has stopped the role's
 * endpoints before any lock is let go. The events' {@link Context#yield()} hands the locks over.
 */
@ActiveInstanceOnly
final class IntegrationLeaderEvents implements SmartLifecycle, ApplicationEventPublisherAware {

	private final ObjectProvider<ActiveInstance> instance;

	private final ObjectProvider<SmartLifecycleRoleController> roleController;

	private ApplicationEventPublisher publisher;

	private volatile boolean running;

	IntegrationLeaderEvents(ObjectProvider<ActiveInstance> instance,
			ObjectProvider<SmartLifecycleRoleController> roleController) {
		this.instance = instance;
		this.roleController = roleController;
	}

	@Override
	public void setApplicationEventPublisher(ApplicationEventPublisher publisher) {
		this.publisher = publisher;
	}

	@Override
	public void start() {
		this.running = true;
		for (String role : roles()) {
			this.publisher.publishEvent(new OnGrantedEvent(this, new ActiveContext(role), role));
		}
	}

	@Override
	public void stop() {
		this.running = false;
		for (String role : roles()) {
			this.publisher.publishEvent(new OnRevokedEvent(this, new ActiveContext(role), role));
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/** Started by the active instance only, never with the context. */
	@Override
	public boolean isAutoStartup() {
		return false;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

	private List<String> roles() {
		SmartLifecycleRoleController controller = this.roleController.getIfAvailable();
		return (controller != null) ? List.copyOf(controller.getRoles()) : List.of();
	}

	/** The leadership of one role: this instance's activity. */
	private final class ActiveContext implements Context {

		private final String role;

		ActiveContext(String role) {
			this.role = role;
		}

		@Override
		public boolean isLeader() {
			ActiveInstance instance = IntegrationLeaderEvents.this.instance.getIfAvailable();
			return instance != null && instance.isActive();
		}

		@Override
		public void yield() {
			ActiveInstance instance = IntegrationLeaderEvents.this.instance.getIfAvailable();
			if (instance != null) {
				instance.yieldActivity();
			}
		}

		@Override
		public String getRole() {
			return this.role;
		}

	}

}
