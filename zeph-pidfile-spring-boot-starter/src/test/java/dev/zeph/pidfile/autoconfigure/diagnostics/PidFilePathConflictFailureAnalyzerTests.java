package dev.zeph.pidfile.autoconfigure.diagnostics;

import dev.zeph.pidfile.autoconfigure.TestGuards;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PidFilePathConflictFailureAnalyzer}.
 */
class PidFilePathConflictFailureAnalyzerTests {

	@Test
	void analyzeShouldNameBothPropertiesAndWhyTheyFight() {
		FailureAnalysis analysis = new PidFilePathConflictFailureAnalyzer()
			.analyze(TestGuards.pathConflict(Path.of("/tmp/demo.pid"), "/tmp/./demo.pid"));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("'zeph.pidfile.path'")
			.contains("'spring.pid.file' (/tmp/./demo.pid)")
			.contains("/tmp/demo.pid")
			.contains("ApplicationPidFileWriter");
		assertThat(analysis.getAction()).contains("Remove 'spring.pid.file'");
	}

}
