package dev.zeph.pidfile.fencing;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import dev.zeph.pidfile.autoconfigure.cluster.ApplicationClusterLock;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Proxies the beans that have {@link Fenced} methods, so that each call runs the fencing check
 * in its transaction; and refuses, naming the bean, what could not be fenced: a private, final
 * or static method (the proxy never sees its calls), and a mark in an application without
 * fencing tokens or without the single {@code DataSource} the check runs on. Its advice comes
 * after any other, so within the transaction that {@code @Transactional} opens.
 */
final class FencedPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor implements EnvironmentAware {

	private static final long serialVersionUID = 1L;

	private transient @Nullable ListableBeanFactory beanFactory;

	private transient @Nullable Environment environment;

	FencedPostProcessor() {
		// after the advisors already there: inside the transaction
		setBeforeExistingAdvisors(false);
		// a class proxy, as Spring Boot makes for @Transactional
		setProxyTargetClass(true);
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		ListableBeanFactory listable = (ListableBeanFactory) beanFactory;
		this.beanFactory = listable;
		this.advisor = new DefaultPointcutAdvisor(new FencedPointcut(),
				new FencedInterceptor(() -> listable.getBean(Fence.class)));
	}

	@Override
	protected boolean isEligible(Class<?> targetClass) {
		return AnnotationUtils.isCandidateClass(targetClass, Fenced.class) && super.isEligible(targetClass);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		Class<?> type = AopUtils.getTargetClass(bean);
		if (!AnnotationUtils.isCandidateClass(type, Fenced.class) || !hasFencedMethods(type, beanName)) {
			return bean;
		}
		checkFencingAvailable(type, beanName);
		return super.postProcessAfterInitialization(bean, beanName);
	}

	/** Whether a class has fenced methods, refused where a proxy could not fence them. */
	private static boolean hasFencedMethods(Class<?> type, String beanName) {
		boolean classMarked = AnnotatedElementUtils.hasAnnotation(type, Fenced.class);
		boolean[] found = { classMarked };
		ReflectionUtils.doWithMethods(type, (method) -> {
			if (!FencedPointcut.isMarked(method)) {
				return;
			}
			String problem = problem(method);
			if (problem != null) {
				throw new BeanInitializationException("@Fenced method " + method.getName() + "() of bean '" + beanName
						+ "' (" + ClassUtils.getQualifiedMethodName(method) + ") " + problem + ": it must be neither"
						+ " private, static nor final, since a proxy runs the fencing check before each call.");
			}
			found[0] = true;
		}, ReflectionUtils.USER_DECLARED_METHODS);
		return found[0];
	}

	private static @Nullable String problem(Method method) {
		int modifiers = method.getModifiers();
		return Modifier.isPrivate(modifiers) ? "is private" : Modifier.isStatic(modifiers) ? "is static"
				: Modifier.isFinal(modifiers) ? "is final" : null;
	}

	/**
	 * Refuse a fenced bean that no check could serve: without it, its writes would run
	 * unfenced, or fail only when first called.
	 */
	private void checkFencingAvailable(Class<?> type, String beanName) {
		ListableBeanFactory beanFactory = this.beanFactory;
		Environment environment = this.environment;
		if (beanFactory == null || environment == null) {
			return;
		}
		String bean = "Bean '" + beanName + "' (" + type.getName() + ") has @Fenced methods, but ";
		if (!beanFactory.containsBean(ApplicationClusterLock.BEAN_NAME)) {
			throw new BeanInitializationException(bean + "this application takes no cluster lock: set"
					+ " zeph.pidfile.cluster.enabled=true and zeph.pidfile.cluster.fencing.enabled=true.");
		}
		if (!Binder.get(environment).bind("zeph.pidfile.cluster.fencing.enabled", Boolean.class).orElse(false)) {
			throw new BeanInitializationException(bean + "the cluster lock hands out no fencing tokens: set"
					+ " zeph.pidfile.cluster.fencing.enabled=true.");
		}
		if (beanFactory.getBeanNamesForType(Fence.class, false, false).length != 1) {
			throw new BeanInitializationException(bean + "there is no single DataSource whose transactions the"
					+ " fencing check could join: define one bean of type " + Fence.class.getName()
					+ " for the DataSource of the lock's database.");
		}
	}

}
