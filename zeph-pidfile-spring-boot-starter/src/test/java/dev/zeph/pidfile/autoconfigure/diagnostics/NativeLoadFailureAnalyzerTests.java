package dev.zeph.pidfile.autoconfigure.diagnostics;

import java.nio.file.Path;

import dev.zeph.pidfile.NativeLoadException;
import dev.zeph.pidfile.PidFileExceptions;
import dev.zeph.pidfile.autoconfigure.TestGuards;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NativeLoadFailureAnalyzer}.
 */
class NativeLoadFailureAnalyzerTests {

	private static final Path PATH = Path.of("/run/demo/demo.pid");

	@Test
	void analyzeWhenTheLibraryCannotBeMappedShouldNameTheNoexecDirectoryAndTheFixes() {
		FailureAnalysis analysis = analyze(new UnsatisfiedLinkError("/tmp/jffi1.so: /tmp/jffi1.so: failed to map"
				+ " segment from shared object\n\tat com.kenai.jffi.internal.StubLoader.load(StubLoader.java:338)"));
		assertThat(analysis.getDescription()).contains(PATH.toString())
			.contains("failed to map segment from shared object")
			.contains("does not start")
			.doesNotContain("\tat ")
			.doesNotContain("Linux or macOS");
		assertThat(analysis.getAction()).contains("The temporary directory is not executable (mounted noexec)")
			.contains("java.io.tmpdir (" + System.getProperty("java.io.tmpdir") + ")")
			.contains("the working directory (" + System.getProperty("user.dir") + ")")
			.contains("-Djffi.extract.dir=")
			.contains("Java 22 or later")
			.contains("'zeph.pidfile.enabled=false'");
		assertThat(analysis.getCause()).isInstanceOf(NativeLoadException.class);
	}

	@Test
	void analyzeWhenTheLibraryFailsOtherwiseShouldNotBlameNoexec() {
		FailureAnalysis analysis = analyze(new UnsatisfiedLinkError("Unable to write jffi binary stub to `/tmp`."));
		assertThat(analysis.getAction()).doesNotContain("is not executable")
			.contains("jffi unpacks its JNI library into")
			.contains("-Djffi.extract.dir=");
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new NativeLoadFailureAnalyzer()
			.analyze(TestGuards.startupException(PidFileExceptions.nativeLoad(PATH, "jffi", failure), 75));
		assertThat(analysis).isNotNull();
		return analysis;
	}

}
