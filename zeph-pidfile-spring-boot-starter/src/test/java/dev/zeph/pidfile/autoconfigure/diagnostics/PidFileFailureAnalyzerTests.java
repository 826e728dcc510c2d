package dev.zeph.pidfile.autoconfigure.diagnostics;

import java.nio.file.Path;
import java.util.OptionalLong;

import dev.zeph.pidfile.Errno;
import dev.zeph.pidfile.PidFileException;
import dev.zeph.pidfile.PidFileExceptions;
import dev.zeph.pidfile.autoconfigure.PidFileStartupException;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PidFileFailureAnalyzer}.
 */
class PidFileFailureAnalyzerTests {

	private static final Path PATH = Path.of("/var/run/demo/demo.pid");

	private final PidFileFailureAnalyzer analyzer = new PidFileFailureAnalyzer();

	@Test
	void analyzeWhenPermissionIsDeniedShouldAskForWriteAccessToTheDirectory() {
		FailureAnalysis analysis = analyze("EACCES", "Cannot create pid file " + PATH + ": Permission denied (EACCES)");
		assertThat(analysis.getDescription()).contains(PATH.toString()).contains("Permission denied (EACCES)");
		assertThat(analysis.getAction()).contains("write access to /var/run/demo").contains("zeph.pidfile.path");
	}

	@Test
	void analyzeWhenFileSystemIsReadOnlyShouldSuggestAWritableOne() {
		FailureAnalysis analysis = analyze("EROFS", "Cannot create pid file " + PATH + ": Read-only file system (EROFS)");
		assertThat(analysis.getAction()).contains("read-only file system").contains("zeph.pidfile.path");
	}

	@Test
	void analyzeWhenAPartOfThePathIsNotADirectoryShouldPointAtThePath() {
		FailureAnalysis analysis = analyze("ENOTDIR", "Cannot use pid file " + PATH + ": its parent is a file");
		assertThat(analysis.getAction()).contains("not a directory").contains("zeph.pidfile.path");
	}

	@Test
	void analyzeShouldLeaveRefusalsWithTheirOwnAnalyzerAlone() {
		assertThat(this.analyzer.analyze(wrap(PidFileExceptions.alreadyRunning(PATH, OptionalLong.of(1))))).isNull();
		assertThat(this.analyzer.analyze(wrap(PidFileExceptions.unsafe(PATH, "it is a symbolic link")))).isNull();
		assertThat(this.analyzer.analyze(wrap(PidFileExceptions.notAPidFile(PATH)))).isNull();
		assertThat(this.analyzer.analyze(wrap(PidFileExceptions.unsupportedPlatform(PATH, "no flock")))).isNull();
		assertThat(this.analyzer.analyze(wrap(PidFileExceptions.nativeLoad(PATH, "jffi", new UnsatisfiedLinkError()))))
			.isNull();
	}

	@Test
	void analyzeShouldChooseTheAdviceByTheTypedErrno() {
		FailureAnalysis analysis = this.analyzer.analyze(wrap(new PidFileException("Cannot create pid file " + PATH
				+ ": quota", PATH, PidFileException.Operation.CREATE, Errno.EDQUOT, null)));
		assertThat(analysis.getAction()).startsWith("Free space on the file system of /var/run/demo");
	}

	@Test
	void analyzeShouldLeaveASubtypeWithoutAnAnalyzerAlone() {
		class NewRefusal extends PidFileException {

			NewRefusal() {
				super("Refused", PATH, PidFileException.Operation.OTHER, Errno.EACCES, null);
			}

		}
		assertThat(this.analyzer.analyze(wrap(new NewRefusal()))).isNull();
	}

	private FailureAnalysis analyze(String errno, String message) {
		FailureAnalysis analysis = this.analyzer
			.analyze(wrap(new PidFileException(message, PATH, "create", errno, null)));
		assertThat(analysis).isNotNull();
		return analysis;
	}

	private static PidFileStartupException wrap(PidFileException cause) {
		return TestGuards.startupException(cause, 75);
	}

}
