package dev.zeph.pidfile.sample.web;

import java.lang.management.ManagementFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * For the start-up benchmarks only ({@code samples/web/bench}): with
 * {@code --sample.exit-when-ready=true} the application prints how long the JVM had been up when
 * it was ready to serve, one line, then closes its context and exits 0. Without that property
 * this bean does not exist and the sample serves as usual.
 */
@Component
@ConditionalOnBooleanProperty("sample.exit-when-ready")
class ExitWhenReady implements ApplicationListener<ApplicationReadyEvent> {

	/** The start of the line the benchmark scripts parse; the uptime in milliseconds follows. */
	static final String MARKER = "sample.exit-when-ready: ready at JVM uptime ms=";

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		long uptime = ManagementFactory.getRuntimeMXBean().getUptime();
		System.out.println(MARKER + uptime);
		System.exit(SpringApplication.exit(event.getApplicationContext()));
	}

}
