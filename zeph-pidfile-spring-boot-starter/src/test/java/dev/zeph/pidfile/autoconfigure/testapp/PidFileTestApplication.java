package dev.zeph.pidfile.autoconfigure.testapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A whole application with the starter on its class path, for tests that run it as a child
 * JVM: started twice on one path, killed, terminated. It runs until it is stopped, unless
 * {@code test.exit-after-start=true}.
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
		Thread.currentThread().join();
	}

}
