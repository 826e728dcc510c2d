package dev.zeph.pidfile.sample.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.zeph.pidfile.standby.ActiveInstanceOnly;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Stands in for work that must never run on two instances at once: every
 * {@code sample.interval} (200 ms) the active instance appends a line to
 * {@code sample.work-log}, so an overlap would show as two pids interleaved in that file. Every
 * instance schedules it; {@link ActiveInstanceOnly} lets it run on the active one only.
 */
@Component
class ScheduledReport {

	private static final Log logger = LogFactory.getLog(ScheduledReport.class);

	private final Path workLog;

	private final String who = ProcessHandle.current().pid() + "";

	ScheduledReport(@Value("${sample.work-log:cluster-work.log}") Path workLog) {
		this.workLog = workLog;
	}

	@ActiveInstanceOnly
	@Scheduled(fixedDelayString = "${sample.interval:200ms}")
	void run() throws IOException {
		// one write of one line with O_APPEND: lines of several processes never mix
		Files.writeString(this.workLog, System.currentTimeMillis() + " " + this.who + "\n", StandardCharsets.UTF_8,
				StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
		logger.debug("Reported as PID " + this.who);
	}

}
