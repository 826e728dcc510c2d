package dev.zeph.pidfile.standby;

import java.lang.reflect.Method;
import java.util.IdentityHashMap;
import java.util.Map;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Runs an {@link ActiveInstanceOnly} method only if this instance is active as the call
 * begins, and keeps the call listed while it runs, so that a loss can interrupt it and a stop
 * can wait for it; otherwise the call returns at once, running nothing.
 */
final class ActiveInstanceOnlyInterceptor implements MethodInterceptor {

	private static final Log logger = LogFactory.getLog(ActiveInstanceOnlyInterceptor.class);

	private final ActiveInstance instance;

	/** The bean names of the proxied targets, for the log's "still running" line. */
	private final Map<Object, String> beanNames = new IdentityHashMap<>();

	ActiveInstanceOnlyInterceptor(ActiveInstance instance) {
		this.instance = instance;
	}

	synchronized void named(Object target, String beanName) {
		this.beanNames.put(target, beanName);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		String what = describe(invocation.getThis(), invocation.getMethod());
		SingletonWork work = this.instance.getWork();
		if (!work.begin(what, this.instance::isActive)) {
			if (logger.isTraceEnabled()) {
				logger.trace("Not running " + what + ": this instance is not the active one");
			}
			return null;
		}
		try {
			return invocation.proceed();
		}
		finally {
			work.end();
		}
	}

	private String describe(@Nullable Object target, Method method) {
		String name;
		synchronized (this) {
			name = (target != null) ? this.beanNames.get(target) : null;
		}
		String call = method.getDeclaringClass().getSimpleName() + "." + method.getName() + "()";
		return (name != null) ? "'" + name + "' " + call : call;
	}

}
