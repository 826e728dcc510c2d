package dev.zeph.pidfile.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code zeph.pidfile.on-loss=exit}: when a guard's lock is lost while running, close the
 * application and exit with {@value #EXIT_CODE}, so that a supervisor restarts the instance,
 * which then waits for the lock or is refused. Another instance may be active from the
 * moment of the loss, and work that goes on here could overlap with it. Registered by the
 * guards; not meant for applications.
 */
public final class ExitOnLockLoss implements ApplicationListener<ApplicationEvent> {

	/** The exit code after a lost lock: not 73 or 75, so that a supervisor restarts the instance. */
	public static final int EXIT_CODE = 70;

	private static final String BEAN_NAME = "zephExitOnLockLoss";

	private static final Log logger = LogFactory.getLog(ExitOnLockLoss.class);

	private final ConfigurableApplicationContext context;

	private volatile boolean exiting;

	private ExitOnLockLoss(ConfigurableApplicationContext context) {
		this.context = context;
	}

	/**
	 * Act on the losses of every guard of the context, once, however many guards register.
	 */
	public static void register(ConfigurableApplicationContext context, PidFileProperties.OnLoss onLoss) {
		ConfigurableListableBeanFactory beanFactory = context.getBeanFactory();
		if (onLoss != PidFileProperties.OnLoss.EXIT || beanFactory.containsSingleton(BEAN_NAME)) {
			return;
		}
		ExitOnLockLoss listener = new ExitOnLockLoss(context);
		beanFactory.registerSingleton(BEAN_NAME, listener);
		context.addApplicationListener(listener);
	}

	@Override
	public void onApplicationEvent(ApplicationEvent event) {
		if (event instanceof LockLostEvent lost && !this.exiting) {
			this.exiting = true;
			exit(this.context, lost.describeLock());
		}
	}

	/**
	 * Close the context and exit, from a thread of its own: closing stops the thread that
	 * noticed the loss, and a listener must return.
	 */
	static void exit(ConfigurableApplicationContext context, String what) {
		logger.error("Exiting with " + EXIT_CODE + ": lost " + what + " (zeph.pidfile.on-loss=exit)");
		Thread exit = new Thread(() -> System.exit(SpringApplication.exit(context, () -> EXIT_CODE)),
				"zeph-lock-lost-exit");
		// not a daemon, as it would be from the daemon thread that noticed the loss: once closing
		// the context ends the last other thread (a web server's), the JVM would exit with 0
		exit.setDaemon(false);
		exit.start();
	}

}
