package dev.zeph.pidfile.sample.web;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A web service that runs once per pid file: start it twice and the second start stops before
 * it binds a port, naming the first. Its health endpoint names the holder of the lock.
 */
@SpringBootApplication
public class SampleWebApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleWebApplication.class, args);
	}

}
