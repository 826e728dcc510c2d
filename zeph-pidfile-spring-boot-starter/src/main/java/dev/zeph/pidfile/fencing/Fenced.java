package dev.zeph.pidfile.fencing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a method's writes only under this instance's current fencing token: as the method is
 * called, {@link Fence#check()} runs as the first statement of the transaction it joins, so
 * the transaction commits before the next holder's token exists, or fails with a
 * {@link FencedOutException} and writes nothing. The method needs a transaction of the
 * application's {@code DataSource}: mark it {@code @Transactional}, or call it from one; a
 * call outside any transaction fails at once, naming the method. On a type, every public
 * method is fenced.
 * <p>
 * Needs {@code zeph.pidfile.cluster.fencing.enabled=true}, and a single {@code DataSource} in
 * the lock's database; a start without them is refused, naming the bean. The method must be
 * neither private, static nor final, since a proxy runs the check.
 */
@Target({ ElementType.METHOD, ElementType.TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface Fenced {

}
