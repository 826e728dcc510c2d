package dev.zeph.pidfile.fencing;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * The fenced methods: those marked {@link Fenced}, and the public methods of a class marked
 * so, but not those of {@code Object}, which a caller may reach outside any transaction.
 */
final class FencedPointcut extends StaticMethodMatcherPointcut {

	@Override
	public boolean matches(Method method, Class<?> targetClass) {
		Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
		return isMarked(specific) || (Modifier.isPublic(specific.getModifiers())
				&& specific.getDeclaringClass() != Object.class
				&& AnnotatedElementUtils.hasAnnotation(targetClass, Fenced.class));
	}

	static boolean isMarked(Method method) {
		return AnnotatedElementUtils.hasAnnotation(method, Fenced.class);
	}

}
