package dev.zeph.pidfile;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NativeLoadException}.
 */
class NativeLoadExceptionTests {

	@Test
	void messageShouldKeepTheLoadersWordsButNoStackTrace() {
		// the shape of jffi's error when it cannot run its library from a noexec temporary directory
		UnsatisfiedLinkError failure = new UnsatisfiedLinkError("java.lang.UnsatisfiedLinkError: Unable to execute or"
				+ " load jffi binary stub from `/tmp`.\n/tmp/jffi1.so: /tmp/jffi1.so: failed to map segment from shared"
				+ " object\n\tat com.kenai.jffi.internal.StubLoader.tempLoadError(StubLoader.java:563)\n\tat"
				+ " com.kenai.jffi.internal.StubLoader.loadFromJar(StubLoader.java:462)\nCaused by: java.io.IOException:"
				+ " nope\n\t... 12 more\n");
		NativeLoadException exception = new NativeLoadException(Path.of("/run/app.pid"), "jffi", failure);
		assertThat(exception.getMessage()).isEqualTo("Cannot lock pid file /run/app.pid: jffi could not load its"
				+ " native library: Unable to execute or load jffi binary stub from `/tmp`. /tmp/jffi1.so:"
				+ " /tmp/jffi1.so: failed to map segment from shared object");
		assertThat(exception.getCause()).isSameAs(failure);
		assertThat(exception.getBackend()).isEqualTo("jffi");
	}

}
