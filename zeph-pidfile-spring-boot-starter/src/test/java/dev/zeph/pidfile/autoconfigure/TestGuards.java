package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;

import dev.zeph.pidfile.PidFileException;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Reaches the guard's package-private parts for the tests of the starter's other packages
 * (health, diagnostics), as the initializer would: the main code keeps them package-private.
 */
public final class TestGuards {

	private TestGuards() {
	}

	public static ApplicationPidFile acquire(Path path) throws PidFileException {
		return ApplicationPidFile.acquire(path);
	}

	public static void release(ApplicationPidFile pidFile) {
		pidFile.release();
	}

	public static PidFileWatchdog watchdog(ApplicationPidFile pidFile, Duration interval,
			ApplicationEventPublisher eventPublisher) {
		return new PidFileWatchdog(pidFile, interval, (PidFileWatchdog.Listener) eventPublisher::publishEvent);
	}

	/** An application that runs no web server and registers no shutdown hook, for one test. */
	public static SpringApplication application(Class<?> configuration) {
		SpringApplication application = new SpringApplication(configuration);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setRegisterShutdownHook(false);
		return application;
	}

	public static ApplicationContextInitializer<ConfigurableApplicationContext> pidFileInitializer() {
		return new PidFileApplicationContextInitializer();
	}

	public static PidFileStartupException startupException(PidFileException cause, int alreadyRunningExitCode) {
		return PidFileStartupException.of(cause, alreadyRunningExitCode);
	}

	public static PidFilePathConflictException pathConflict(Path path, String springPidFile) {
		return new PidFilePathConflictException(path, springPidFile);
	}

}
