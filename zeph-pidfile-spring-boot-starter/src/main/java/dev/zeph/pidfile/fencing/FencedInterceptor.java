package dev.zeph.pidfile.fencing;

import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * Runs the fencing check before a {@link Fenced} method, in the transaction it joins, and
 * refuses a call outside any transaction before the method runs.
 */
final class FencedInterceptor implements MethodInterceptor {

	private final Supplier<Fence> fence;

	FencedInterceptor(Supplier<Fence> fence) {
		this.fence = fence;
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			Object target = invocation.getThis();
			Class<?> type = (target != null) ? AopUtils.getTargetClass(target) : invocation.getMethod().getDeclaringClass();
			throw new IllegalTransactionStateException("@Fenced method "
					+ ClassUtils.getQualifiedMethodName(invocation.getMethod(), type) + "() was called outside a"
					+ " transaction: mark it @Transactional, or call it from a transaction, so that its fencing check"
					+ " and its writes commit together or not at all");
		}
		this.fence.get().check();
		return invocation.proceed();
	}

}
