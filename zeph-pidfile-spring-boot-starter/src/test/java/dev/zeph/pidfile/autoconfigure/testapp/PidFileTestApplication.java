package dev.zeph.pidfile.autoconfigure.testapp;

import java.util.concurrent.CountDownLatch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;

/**
 * A whole application with the starter on its class path, for tests that run it as a child
 * JVM: started twice on one path, killed, terminated. It runs until it is stopped, unless
 * {@code test.exit-after-start=true}. With {@code test.main-returns=true} its main method
 * returns once it has started, as a web application's does, and the JVM lives on a thread
 * that ends as the context closes, as a web server's or a scheduler's threads do.
 */
@SpringBootApplication
public class PidFileTestApplication {

	/** Printed once the application has started, followed by its pid. */
	public static final String STARTED = "zeph-test-app started, pid ";

	public static void main(String[] args) throws InterruptedException {
		ConfigurableApplicationContext context = SpringApplication.run(PidFileTestApplication.class, args);
		System.out.println(STARTED + ProcessHandle.current().pid());
		if (context.getEnvironment().getProperty("test.exit-after-start", Boolean.class, false)) {
			context.close();
			return;
		}
		if (context.getEnvironment().getProperty("test.main-returns", Boolean.class, false)) {
			CountDownLatch closed = new CountDownLatch(1);
			context.addApplicationListener((ApplicationEvent event) -> {
				if (event instanceof ContextClosedEvent) {
					closed.countDown();
				}
			});
			new Thread(() -> {
				try {
					closed.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}, "zeph-test-app-server").start();
			return;
		}
		Thread.currentThread().join();
	}

}
