package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Path;
import java.util.OptionalLong;

import dev.zeph.pidfile.PidFileException;
import dev.zeph.pidfile.PidFileExceptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PidFileStartupException}.
 */
class PidFileStartupExceptionTests {

	private static final Path PATH = Path.of("/tmp/demo.pid");

	@Test
	void exitCodeWhenAlreadyRunningShouldBeTheConfiguredOne() {
		assertThat(PidFileStartupException.of(PidFileExceptions.alreadyRunning(PATH, OptionalLong.of(7)), 99)
			.getExitCode()).isEqualTo(99);
	}

	@Test
	void exitCodeWhenThePidFileIsUnusableShouldBeCantCreat() {
		assertThat(PidFileStartupException.of(PidFileExceptions.notAPidFile(PATH), 75).getExitCode()).isEqualTo(73);
		assertThat(PidFileStartupException.of(PidFileExceptions.unsafe(PATH, "it is a symbolic link"), 75)
			.getExitCode()).isEqualTo(73);
		assertThat(PidFileStartupException.of(PidFileExceptions.unsupportedPlatform(PATH, "no flock"), 75)
			.getExitCode()).isEqualTo(73);
		assertThat(PidFileStartupException
			.of(new PidFileException("Cannot create " + PATH, PATH, "create", "EACCES", null), 75)
			.getExitCode()).isEqualTo(73);
	}

	@Test
	void messageAndCauseShouldBeTheRefusals() {
		PidFileException cause = PidFileExceptions.notAPidFile(PATH);
		PidFileStartupException exception = PidFileStartupException.of(cause, 75);
		assertThat(exception.getCause()).isSameAs(cause);
		assertThat(exception).hasMessage(cause.getMessage());
	}

}
