package dev.zeph.pidfile.autoconfigure;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * Whether the guard takes a lock in an environment, and where it finds its default path.
 * <p>
 * Off in a context that Spring's TestContext framework created through Spring Boot's test
 * bootstrapper ({@code @SpringBootTest} and the test slices) unless
 * {@value #ENABLED_PROPERTY} is set explicitly: the framework caches contexts, so a test
 * suite with several configurations holds several contexts in one JVM, and each would
 * refuse the next. A context that a test starts itself with {@code SpringApplication.run}
 * is an application like any other and is guarded. Public for the cluster lock, which asks
 * the same question; not meant for applications.
 */
public enum PidFileActivation {

	/** {@value #ENABLED_PROPERTY} is {@code false}. */
	DISABLED,

	/** A test context, and {@value #ENABLED_PROPERTY} is not set. */
	OFF_IN_TEST,

	/** A test context with {@value #ENABLED_PROPERTY} set to {@code true}: a lock per context. */
	ON_IN_TEST,

	/** An application: the guard is on. */
	ON;

	static final String ENABLED_PROPERTY = "zeph.pidfile.enabled";

	/**
	 * The property source that Spring's {@code TestPropertySourceUtils} adds for inlined test
	 * properties ({@code TestPropertySourceUtils.INLINED_PROPERTIES_PROPERTY_SOURCE_NAME});
	 * named here because spring-test is not on an application's class path.
	 */
	static final String INLINED_TEST_PROPERTIES = "Inlined Test Properties";

	/**
	 * The bootstrapper whose subclasses mark every context they create with the property
	 * {@code <bootstrapper class name>=true} (its "differentiator" property).
	 */
	static final String SPRING_BOOT_TEST_BOOTSTRAPPER = "org.springframework.boot.test.context.SpringBootTestContextBootstrapper";

	boolean isOn() {
		return this == ON || this == ON_IN_TEST;
	}

	static PidFileActivation of(Environment environment) {
		Boolean enabled = Binder.get(environment).bind(ENABLED_PROPERTY, Boolean.class).orElse(null);
		if (Boolean.FALSE.equals(enabled)) {
			return DISABLED;
		}
		if (!isSpringBootTest(environment)) {
			return ON;
		}
		return (enabled != null) ? ON_IN_TEST : OFF_IN_TEST;
	}

	/**
	 * Whether a guard that is off by default may act in this environment: anywhere but in a
	 * test context, where the test must set its enabling property itself (in
	 * {@code @SpringBootTest(properties = ...)} or another inlined property), since a value
	 * in {@code application.properties} is meant for the application, not for each cached
	 * test context.
	 * @param environment the environment
	 * @param enabledProperty the guard's enabling property
	 * @return whether the guard may act
	 */
	public static boolean isOnInThisContext(Environment environment, String enabledProperty) {
		if (!isSpringBootTest(environment)) {
			return true;
		}
		PropertySource<?> inlined = ((ConfigurableEnvironment) environment).getPropertySources()
			.get(INLINED_TEST_PROPERTIES);
		return inlined != null && "true".equals(String.valueOf(inlined.getProperty(enabledProperty)));
	}

	private static boolean isSpringBootTest(Environment environment) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return false;
		}
		PropertySource<?> inlined = configurable.getPropertySources().get(INLINED_TEST_PROPERTIES);
		if (!(inlined instanceof EnumerablePropertySource<?> properties)) {
			return false;
		}
		for (String name : properties.getPropertyNames()) {
			if ("true".equals(String.valueOf(properties.getProperty(name))) && isBootstrapper(name)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isBootstrapper(String className) {
		if (!className.endsWith("Bootstrapper")) {
			return false;
		}
		try {
			for (Class<?> type = ClassUtils.forName(className, null); type != null; type = type.getSuperclass()) {
				if (SPRING_BOOT_TEST_BOOTSTRAPPER.equals(type.getName())) {
					return true;
				}
			}
		}
		catch (ClassNotFoundException | LinkageError ex) {
			// a property that merely looks like a class name
		}
		return false;
	}

}
