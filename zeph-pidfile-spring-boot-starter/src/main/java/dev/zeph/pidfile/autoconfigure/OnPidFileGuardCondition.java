package dev.zeph.pidfile.autoconfigure;

import java.util.Locale;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The condition behind {@link ConditionalOnPidFileGuard}.
 */
final class OnPidFileGuardCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		PidFileActivation activation = PidFileActivation.of(context.getEnvironment());
		String message = "pid-file guard " + activation.name().toLowerCase(Locale.ROOT).replace('_', ' ');
		return activation.isOn() ? ConditionOutcome.match(message) : ConditionOutcome.noMatch(message);
	}

}
