package dev.zeph.pidfile.sample.batch;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.CommandLineRunner;
import org.springframework.stereotype.Component;

/**
 * Stands in for a job's real work: it takes {@code sample.work-seconds} (default 5), long
 * enough to start a second run beside it.
 */
@Component
class SampleWork implements CommandLineRunner {

	private static final Log logger = LogFactory.getLog(SampleWork.class);

	private final Duration work;

	SampleWork(@Value("${sample.work-seconds:5}") long workSeconds) {
		this.work = Duration.ofSeconds(workSeconds);
	}

	@Override
	public void run(String... args) throws InterruptedException {
		logger.info("Working for " + this.work.toSeconds() + "s as PID " + ProcessHandle.current().pid());
		Thread.sleep(this.work.toMillis());
		logger.info("Work done");
	}

}
