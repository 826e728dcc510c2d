package dev.zeph.pidfile.sample.batch;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A cron-style job that never overlaps with itself: {@code * * * * * java -jar batch.jar}
 * starts it every minute, and a run that finds the previous one still working exits 75
 * (EX_TEMPFAIL) at once, before any of its beans exist.
 */
@SpringBootApplication
public class SampleBatchApplication {

	public static void main(String[] args) {
		// exit when the work is done, closing the context so that the pid file is released
		System.exit(SpringApplication.exit(SpringApplication.run(SampleBatchApplication.class, args)));
	}

}
