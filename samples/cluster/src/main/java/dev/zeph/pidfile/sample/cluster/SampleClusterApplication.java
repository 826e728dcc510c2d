package dev.zeph.pidfile.sample.cluster;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A job service meant to run as two or three instances, on one host or several, against one
 * PostgreSQL: every instance serves HTTP, its scheduled task runs on the active instance only,
 * and when that one stops (or is killed, or loses its database session) a standby takes over.
 */
@SpringBootApplication
@EnableScheduling
public class SampleClusterApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleClusterApplication.class, args);
	}

}
