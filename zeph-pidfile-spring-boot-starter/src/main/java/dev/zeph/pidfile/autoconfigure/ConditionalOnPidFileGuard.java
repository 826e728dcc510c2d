package dev.zeph.pidfile.autoconfigure;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches where the initializer takes the pid-file lock, by the same rule
 * ({@link PidFileActivation}), so that the beans that report on the lock are absent wherever
 * no lock is taken: with the guard disabled, and in test contexts that did not enable it.
 * Public because the auto-configurations of other packages of this starter use it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnPidFileGuardCondition.class)
public @interface ConditionalOnPidFileGuard {

}
