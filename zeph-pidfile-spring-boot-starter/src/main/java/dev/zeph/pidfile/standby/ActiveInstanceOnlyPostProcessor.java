package dev.zeph.pidfile.standby;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.Lifecycle;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Proxies the beans that have {@link ActiveInstanceOnly} methods, so that each call checks
 * that this instance is active; and refuses, naming the bean and the method, what the proxy
 * could not guard: a private, final or static method (the proxy never sees its calls), one
 * that returns a value (a skipped call has none to return), and a mark on a bean with neither
 * scheduled methods nor a lifecycle to run. Ordered ahead of Spring's scheduling, which then
 * schedules calls through the proxy; placed before any other advice, so that a skipped call
 * opens no transaction.
 */
final class ActiveInstanceOnlyPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor
		implements SmartInitializingSingleton {

	private static final long serialVersionUID = 1L;

	private transient @Nullable ActiveInstance instance;

	private transient @Nullable ActiveInstanceOnlyInterceptor interceptor;

	private transient @Nullable ListableBeanFactory beanFactory;

	/** The beans proxied for their singleton-work methods. */
	private final transient Set<String> proxied = ConcurrentHashMap.newKeySet();

	ActiveInstanceOnlyPostProcessor() {
		setBeforeExistingAdvisors(true);
		// a class proxy: a scheduled method is called on the bean's class, not on an interface of it
		setProxyTargetClass(true);
		setOrder(Ordered.LOWEST_PRECEDENCE - 1);
	}

	/**
	 * The active instance that a guard registered before the context was refreshed: without
	 * one, no lock is taken and the annotation changes nothing.
	 */
	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		ListableBeanFactory listable = (ListableBeanFactory) beanFactory;
		this.beanFactory = listable;
		if (listable.containsBean(ActiveInstance.BEAN_NAME)) {
			ActiveInstance instance = listable.getBean(ActiveInstance.BEAN_NAME, ActiveInstance.class);
			this.instance = instance;
			this.interceptor = new ActiveInstanceOnlyInterceptor(instance);
			this.advisor = new DefaultPointcutAdvisor(new SingletonWorkPointcut(), this.interceptor);
		}
	}

	@Override
	protected boolean isEligible(Class<?> targetClass) {
		return this.interceptor != null && AnnotationUtils.isCandidateClass(targetClass, ActiveInstanceOnly.class)
				&& super.isEligible(targetClass);
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		ActiveInstanceOnlyInterceptor interceptor = this.interceptor;
		Class<?> type = AopUtils.getTargetClass(bean);
		if (interceptor == null || !AnnotationUtils.isCandidateClass(type, ActiveInstanceOnly.class)) {
			return bean;
		}
		if (check(type, beanName).isEmpty()) {
			return bean;
		}
		this.proxied.add(beanName);
		// the call reaches the interceptor with the proxy's target, which an earlier proxy may hold
		Object target = AopProxyUtils.getSingletonTarget(bean);
		interceptor.named((target != null) ? target : bean, beanName);
		return super.postProcessAfterInitialization(bean, beanName);
	}

	/** The singleton-work methods of a class, refused where a proxy could not guard them. */
	private static List<Method> check(Class<?> type, String beanName) {
		List<Method> marked = new ArrayList<>();
		boolean classMarked = AnnotatedElementUtils.hasAnnotation(type, ActiveInstanceOnly.class);
		ReflectionUtils.doWithMethods(type, (method) -> {
			if (!SingletonWorkPointcut.isMarked(method) && !(classMarked && SingletonWorkPointcut.isScheduled(method))) {
				return;
			}
			int modifiers = method.getModifiers();
			String problem = Modifier.isPrivate(modifiers) ? "is private"
					: Modifier.isStatic(modifiers) ? "is static"
							: Modifier.isFinal(modifiers) ? "is final"
									: (method.getReturnType() != void.class) ? "returns a value" : null;
			if (problem != null) {
				throw new BeanInitializationException("@ActiveInstanceOnly method " + method.getName() + "() of bean '"
						+ beanName + "' (" + ClassUtils.getQualifiedMethodName(method) + ") " + problem
						+ ": it must return void and be neither private, static nor final, since a proxy checks each"
						+ " call and skips it on an instance that is not active.");
			}
			marked.add(method);
		}, ReflectionUtils.USER_DECLARED_METHODS);
		return marked;
	}

	/**
	 * Check, once every bean exists, that each marked bean has work to guard, that the
	 * lifecycle beans named by property exist and are lifecycle beans, and that the context
	 * starts its lifecycle beans through {@link SingletonLifecycleProcessor}, the one that
	 * leaves singleton ones to this instance.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		ActiveInstance instance = this.instance;
		ListableBeanFactory beanFactory = this.beanFactory;
		if (instance == null || beanFactory == null) {
			return;
		}
		for (String name : beanFactory.getBeanNamesForAnnotation(ActiveInstanceOnly.class)) {
			Class<?> type = beanFactory.getType(name);
			if (!this.proxied.contains(name) && type != null && !Lifecycle.class.isAssignableFrom(type)) {
				throw new BeanInitializationException("Bean '" + name + "' (" + type.getName()
						+ ") is marked @ActiveInstanceOnly but has no @Scheduled method and is no Lifecycle bean, so"
						+ " the mark would change nothing. Mark its work methods, or, for listener methods such as"
						+ " @KafkaListener, name their registry (org.springframework.kafka.config.KafkaListenerEndpointRegistry)"
						+ " in zeph.pidfile.standby.lifecycle-beans.");
			}
		}
		for (String entry : instance.getSettings().lifecycleBeans()) {
			String[] names = SingletonLifecycleProcessor.namedBy(beanFactory, entry);
			if (names.length == 0) {
				throw new BeanInitializationException("zeph.pidfile.standby.lifecycle-beans names '" + entry
						+ "', but there is no bean of that name or type: name, by bean name or by class, lifecycle beans"
						+ " that must run on the active instance only, such as"
						+ " org.springframework.kafka.config.KafkaListenerEndpointRegistry.");
			}
			for (String name : names) {
				Class<?> type = beanFactory.getType(name);
				if (type == null || !Lifecycle.class.isAssignableFrom(type)) {
					throw new BeanInitializationException("zeph.pidfile.standby.lifecycle-beans names '" + entry
							+ "', and its bean '" + name + "' is " + ((type == null) ? "of no known type" : "a " + type.getName())
							+ ", which is no Lifecycle bean: it has nothing to start or stop.");
				}
			}
		}
		Object processor = beanFactory.containsBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME)
				? beanFactory.getBean(AbstractApplicationContext.LIFECYCLE_PROCESSOR_BEAN_NAME) : null;
		if (processor != null && !(processor instanceof SingletonLifecycleProcessor)
				&& !SingletonLifecycleProcessor.singletonLifecycleBeans(beanFactory, instance).isEmpty()) {
			throw new BeanInitializationException("The context's lifecycle processor is a "
					+ processor.getClass().getName() + ", so it would start the @ActiveInstanceOnly lifecycle beans on"
					+ " every instance. Remove the bean 'lifecycleProcessor', or make it a "
					+ SingletonLifecycleProcessor.class.getName() + ".");
		}
	}

}
