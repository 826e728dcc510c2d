package dev.zeph.pidfile.standby;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks singleton work: work that runs on the active instance only, while the other instances
 * stand by.
 * <ul>
 * <li>On a method, typically a {@code @Scheduled} one: each call runs only if this instance is
 * active at the moment it starts (a local check, no database call); otherwise it returns at
 * once without running. A call in flight when the instance stops being active is interrupted
 * or let finish ({@code zeph.pidfile.standby.running-work}) within the stop budget. The method
 * must return {@code void} and be neither private nor final, since a proxy runs the check.</li>
 * <li>On a bean class: the same for each of its {@code @Scheduled} methods; and, for a
 * {@code Lifecycle} or {@code SmartLifecycle} bean, the bean is not started with the context
 * but when the instance becomes active, in phase order, and stopped when it stops being
 * active, in reverse order. It needs no {@code autoStartup=false}.</li>
 * <li>On a {@code @Bean} method of a lifecycle bean: as on its class.</li>
 * </ul>
 * Lifecycle beans of other libraries (Spring Kafka's {@code KafkaListenerEndpointRegistry}, a
 * listener container, a Spring Integration endpoint) are named, by bean name or class, in
 * {@code zeph.pidfile.standby.lifecycle-beans} instead. Work without this annotation runs on
 * every instance.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ActiveInstanceOnly {

}
