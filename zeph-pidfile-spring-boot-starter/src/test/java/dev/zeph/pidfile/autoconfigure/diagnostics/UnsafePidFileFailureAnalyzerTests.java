package dev.zeph.pidfile.autoconfigure.diagnostics;

import java.nio.file.Path;

import dev.zeph.pidfile.PidFileExceptions;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link UnsafePidFileFailureAnalyzer}.
 */
class UnsafePidFileFailureAnalyzerTests {

	@Test
	void analyzeShouldGiveTheReasonAndSayTheFileWasLeftAlone() {
		Path path = Path.of("/tmp/demo.pid");
		FailureAnalysis analysis = new UnsafePidFileFailureAnalyzer().analyze(
				TestGuards.startupException(PidFileExceptions.unsafe(path, "it is a symbolic link"), 75));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("/tmp/demo.pid is not safe to use: it is a symbolic link")
			.contains("left unchanged");
		assertThat(analysis.getAction()).contains("zeph.pidfile.path")
			.contains("regular file with one link")
			.contains("a held one is reported as already running, never as unsafe");
	}

	@Test
	void analyzeWhenADirectoryIsRefusedShouldSayToFixItRatherThanRemoveTheFile() {
		Path path = Path.of("/srv/theirs/demo.pid");
		FailureAnalysis analysis = new UnsafePidFileFailureAnalyzer()
			.analyze(TestGuards.startupException(PidFileExceptions.unsafeDirectory(path,
					"its directory /srv/theirs (owner uid 1001 (alice), mode 755) belongs to another user",
					Path.of("/srv/theirs")), 75));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("/srv/theirs (owner uid 1001 (alice), mode 755)");
		assertThat(analysis.getAction()).contains("Fix the owner or the mode of /srv/theirs")
			.contains("zeph.pidfile.path")
			.doesNotContain("remove")
			.doesNotContain("Remove");
	}

}
