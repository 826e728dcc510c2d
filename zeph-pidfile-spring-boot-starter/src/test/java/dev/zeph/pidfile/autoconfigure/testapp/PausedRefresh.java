package dev.zeph.pidfile.autoconfigure.testapp;

import java.nio.file.Files;
import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * With {@code test.pause-refresh-until=<file>}, holds the refresh until that file exists: a
 * start that is still refreshing when something happens to it.
 */
@Component
@ConditionalOnProperty("test.pause-refresh-until")
class PausedRefresh {

	/** Printed as the refresh pauses. */
	public static final String PAUSED = "zeph-test-app refresh paused";

	PausedRefresh(@Value("${test.pause-refresh-until}") Path until) throws InterruptedException {
		System.out.println(PAUSED);
		while (!Files.exists(until)) {
			Thread.sleep(20);
		}
	}

}
