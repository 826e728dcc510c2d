package dev.zeph.pidfile.autoconfigure.diagnostics;

import java.nio.file.Path;

import dev.zeph.pidfile.PidFileExceptions;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NotAPidFileFailureAnalyzer}.
 */
class NotAPidFileFailureAnalyzerTests {

	@Test
	void analyzeShouldSuspectTheConfiguredPath() {
		FailureAnalysis analysis = new NotAPidFileFailureAnalyzer()
			.analyze(TestGuards.startupException(PidFileExceptions.notAPidFile(Path.of("/etc/hosts")), 75));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("/etc/hosts does not look like a pid file")
			.contains("left unchanged");
		assertThat(analysis.getAction()).contains("Check 'zeph.pidfile.path'");
	}

}
