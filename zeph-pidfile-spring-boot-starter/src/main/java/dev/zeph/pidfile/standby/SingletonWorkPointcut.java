package dev.zeph.pidfile.standby;

import java.lang.reflect.Method;

import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.context.annotation.Bean;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.annotation.Schedules;

/**
 * The methods that run on the active instance only: those annotated with
 * {@link ActiveInstanceOnly}, and the {@code @Scheduled} methods of a class annotated with it.
 * Not a {@code @Bean} method so annotated: that marks the bean it makes.
 */
final class SingletonWorkPointcut extends StaticMethodMatcherPointcut {

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		return isSingletonWork(AopUtils.getMostSpecificMethod(method, targetClass), targetClass);
	}

	static boolean isSingletonWork(Method method, Class<?> targetClass) {
		return isMarked(method)
				|| (AnnotatedElementUtils.hasAnnotation(targetClass, ActiveInstanceOnly.class) && isScheduled(method));
	}

	static boolean isMarked(Method method) {
		return AnnotatedElementUtils.hasAnnotation(method, ActiveInstanceOnly.class)
				&& !AnnotatedElementUtils.hasAnnotation(method, Bean.class);
	}

	static boolean isScheduled(Method method) {
		return AnnotatedElementUtils.hasAnnotation(method, Scheduled.class)
				|| AnnotatedElementUtils.hasAnnotation(method, Schedules.class);
	}

}
