package dev.zeph.pidfile.standby;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.Lifecycle;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.util.ClassUtils;

/**
 * The context's lifecycle processor, leaving the singleton lifecycle beans (marked
 * {@link ActiveInstanceOnly}, or named in {@code zeph.pidfile.standby.lifecycle-beans}) to
 * {@link ActiveInstance}: it neither starts them with the context nor stops them as it closes,
 * so that they run on the active instance only, whatever their {@code autoStartup} says. And
 * it lists the active instance first, so that in its phase, the highest, it stops before the
 * beans that share it. Everything else is Spring's {@link DefaultLifecycleProcessor}.
 */
public class SingletonLifecycleProcessor extends DefaultLifecycleProcessor {

	private @Nullable ListableBeanFactory beanFactory;

	private @Nullable Map<String, Lifecycle> singletons;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		super.setBeanFactory(beanFactory);
		this.beanFactory = (ListableBeanFactory) beanFactory;
	}

	@Override
	protected Map<String, Lifecycle> getLifecycleBeans() {
		Map<String, Lifecycle> beans = super.getLifecycleBeans();
		ListableBeanFactory beanFactory = this.beanFactory;
		if (beanFactory == null || !beanFactory.containsBean(ActiveInstance.BEAN_NAME)) {
			return beans;
		}
		Map<String, Lifecycle> singletons = this.singletons;
		if (singletons == null) {
			// first asked as the context refreshes, once every singleton exists
			ActiveInstance instance = beanFactory.getBean(ActiveInstance.BEAN_NAME, ActiveInstance.class);
			singletons = new LinkedHashMap<>();
			for (String name : singletonLifecycleBeans(beanFactory, instance).keySet()) {
				Lifecycle bean = beans.get(name);
				if (bean != null) {
					singletons.put(name, bean);
					instance.getWork().addLifecycleBean(name, bean);
				}
			}
			this.singletons = singletons;
		}
		beans.keySet().removeAll(singletons.keySet());
		// first of its phase, the highest: its stop ends the work before any other bean stops
		Lifecycle instance = beans.remove(ActiveInstance.BEAN_NAME);
		if (instance == null) {
			return beans;
		}
		Map<String, Lifecycle> ordered = new LinkedHashMap<>();
		ordered.put(ActiveInstance.BEAN_NAME, instance);
		ordered.putAll(beans);
		return ordered;
	}

	/**
	 * The lifecycle beans that run on the active instance only: marked on their class or
	 * {@code @Bean} method, or named by property, by bean name or by type.
	 */
	static Map<String, Class<?>> singletonLifecycleBeans(ListableBeanFactory beanFactory, ActiveInstance instance) {
		Map<String, Class<?>> names = new LinkedHashMap<>();
		for (String name : beanFactory.getBeanNamesForAnnotation(ActiveInstanceOnly.class)) {
			add(beanFactory, name, names);
		}
		for (String entry : instance.getSettings().lifecycleBeans()) {
			for (String name : namedBy(beanFactory, entry)) {
				add(beanFactory, name, names);
			}
		}
		return names;
	}

	/**
	 * The beans an entry of {@code zeph.pidfile.standby.lifecycle-beans} names: the bean of
	 * that name, else the beans of that type, for a library whose bean names are its own
	 * internals (Spring Kafka's registry is
	 * {@code org.springframework.kafka.config.internalKafkaListenerEndpointRegistry}).
	 * @return the bean names, none when the entry names neither
	 */
	static String[] namedBy(ListableBeanFactory beanFactory, String entry) {
		if (beanFactory.containsBean(entry)) {
			return new String[] { entry };
		}
		if (!ClassUtils.isPresent(entry, beanFactory.getClass().getClassLoader())) {
			return new String[0];
		}
		return beanFactory.getBeanNamesForType(ClassUtils.resolveClassName(entry, beanFactory.getClass().getClassLoader()),
				true, false);
	}

	private static void add(ListableBeanFactory beanFactory, String name, Map<String, Class<?>> names) {
		Class<?> type = beanFactory.containsBean(name) ? beanFactory.getType(name) : null;
		if (type != null && Lifecycle.class.isAssignableFrom(type)) {
			names.put(name, type);
		}
	}

}
