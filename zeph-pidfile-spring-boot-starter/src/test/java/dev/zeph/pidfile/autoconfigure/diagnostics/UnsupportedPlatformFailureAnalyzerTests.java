package dev.zeph.pidfile.autoconfigure.diagnostics;

import java.nio.file.Path;

import dev.zeph.pidfile.PidFileExceptions;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UnsupportedPlatformFailureAnalyzer}.
 */
class UnsupportedPlatformFailureAnalyzerTests {

	@Test
	void analyzeShouldSayWhyTheStartWasRefusedAndHowToStartAnyway() {
		FailureAnalysis analysis = new UnsupportedPlatformFailureAnalyzer().analyze(TestGuards.startupException(
				PidFileExceptions.unsupportedPlatform(Path.of("C:/demo.pid"), "Windows 11 has no flock(2)"), 75));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Windows 11 has no flock(2)").contains("'zeph.pidfile.path'");
		assertThat(analysis.getAction()).contains("remove 'zeph.pidfile.path'")
			.contains("'zeph.pidfile.enabled=false'");
	}

}
