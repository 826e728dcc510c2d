package dev.zeph.pidfile.standby;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.availability.ApplicationAvailabilityBean;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;

/**
 * Spring Boot's application availability, as probes and applications read it, with what the
 * active instance adds: a standby refuses traffic when
 * {@code zeph.pidfile.standby.readiness=refusing-traffic}, and an instance whose singleton
 * work would not stop is broken. Read at each probe rather than set by events, since Spring
 * Boot sets the readiness once more when the application is ready.
 */
final class StandbyAvailability extends ApplicationAvailabilityBean {

	private final ObjectProvider<ActiveInstance> instance;

	StandbyAvailability(ObjectProvider<ActiveInstance> instance) {
		this.instance = instance;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <S extends AvailabilityState> @Nullable S getState(Class<S> stateType) {
		ActiveInstance instance = this.instance.getIfAvailable();
		if (instance == null) {
			return super.getState(stateType);
		}
		if (stateType == ReadinessState.class && instance.isReadinessRefused()) {
			return (S) ReadinessState.REFUSING_TRAFFIC;
		}
		if (stateType == LivenessState.class && instance.isWedged()) {
			return (S) LivenessState.BROKEN;
		}
		return super.getState(stateType);
	}

}
