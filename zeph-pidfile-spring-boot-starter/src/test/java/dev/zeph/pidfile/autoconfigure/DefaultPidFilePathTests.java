package dev.zeph.pidfile.autoconfigure;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DefaultPidFilePath}.
 */
class DefaultPidFilePathTests {

	@Test
	void resolveShouldPutTheFileInTheTemporaryDirectory() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.application.name", "orders");
		assertThat(DefaultPidFilePath.resolve(environment))
			.isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "orders.pid"));
	}

	@Test
	void fileNameWhenApplicationNameIsSetShouldUseIt() {
		assertThat(DefaultPidFilePath.fileName(new MockEnvironment().withProperty("spring.application.name", "orders")))
			.isEqualTo("orders.pid");
	}

	@Test
	void fileNameWhenApplicationNameHasSeparatorsShouldKeepItOneSegment() {
		assertThat(DefaultPidFilePath
			.fileName(new MockEnvironment().withProperty("spring.application.name", "../billing/api v2")))
			.isEqualTo("billing-api-v2.pid");
	}

	@Test
	void fileNameWhenApplicationNameIsOnlyPunctuationShouldFallBackToApplication() {
		assertThat(DefaultPidFilePath.fileName(new MockEnvironment().withProperty("spring.application.name", "../")))
			.isEqualTo("application.pid");
	}

	@Test
	void fileNameWhenApplicationNameIsNotSetShouldUseTheMainClass() {
		assertThat(FakeLauncher.main(new MockEnvironment())).isEqualTo("dev.zeph.pidfile.autoconfigure.DefaultPidFilePathTests-FakeLauncher.pid");
	}

	@Test
	void fileNameWhenApplicationNameIsBlankShouldUseTheMainClass() {
		assertThat(FakeLauncher.main(new MockEnvironment().withProperty("spring.application.name", " ")))
			.isEqualTo("dev.zeph.pidfile.autoconfigure.DefaultPidFilePathTests-FakeLauncher.pid");
	}

	/**
	 * Stands in for an application's main class: the file name is taken from the innermost
	 * stack frame of a method named {@code main}.
	 */
	static final class FakeLauncher {

		static String main(Environment environment) {
			return DefaultPidFilePath.fileName(environment);
		}

	}

}
