package dev.zeph.pidfile;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import dev.zeph.pidfile.testsupport.ChildJvm;
import jnr.posix.POSIXFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link NativeAccessLoader}: which backend serves, and how a platform without one
 * is told.
 */
class NativeAccessLoaderTests {

	private static final Path PATH = Path.of("/run/app.pid");

	@TempDir
	Path temp;

	@Test
	void loadOnWindowsShouldRefuseWithUnsupportedPlatform() {
		assertThatExceptionOfType(UnsupportedPlatformException.class)
			.isThrownBy(() -> NativeAccessLoader.load("Windows 11", "amd64", "auto", 25, PATH))
			.withMessageContaining("/run/app.pid")
			.withMessageContaining("Windows 11 has no flock(2)");
	}

	@Test
	void pidFileClassShouldLoadWithoutNativeAccess() throws Exception {
		// class initialisation touches nothing native: Windows fails at acquire, not at load
		Class.forName(PidFile.class.getName(), true, getClass().getClassLoader());
		Class.forName(NativeAccessLoader.class.getName(), true, getClass().getClassLoader());
	}

	@Test
	void loadWithUnknownBackendShouldNameTheProperty() {
		assertThatExceptionOfType(UnsupportedPlatformException.class)
			.isThrownBy(() -> NativeAccessLoader.load("Linux", "amd64", "jna", 17, PATH))
			.withMessageContaining("-Dzeph.pidfile.native=jna");
	}

	@Test
	void loadOnJava17OnLinuxShouldUseJffi() throws Exception {
		assertThat(NativeAccessLoader.load("Linux", System.getProperty("os.arch"), "auto", 17, PATH).name())
			.isEqualTo("jffi");
	}

	@Test
	void loadWhenJffiForcedShouldUseJffiOnAnyJdk() throws Exception {
		assertThat(NativeAccessLoader.load("Linux", System.getProperty("os.arch"), "jffi", 25, PATH).name())
			.isEqualTo("jffi");
	}

	@Test
	void loadWhenJffiForcedOnMacOsShouldRefuseNamingTheAbi() {
		// jffi would call macOS's libc happily, with Linux's open flags and struct stat layout
		assertThatExceptionOfType(UnsupportedPlatformException.class)
			.isThrownBy(() -> NativeAccessLoader.load("Mac OS X", "aarch64", "jffi", 17, PATH))
			.withMessageContaining("/run/app.pid")
			.withMessageContaining("Linux x86_64 and aarch64 only, not Mac OS X/aarch64");
	}

	@Test
	void loadWhenJnrPosixForcedShouldUseJnrPosix() throws Exception {
		assertThat(NativeAccessLoader.load("Linux", System.getProperty("os.arch"), "jnr-posix", 17, PATH).name())
			.isEqualTo("jnr-posix");
	}

	@Test
	void loadOnAnUnknownLinuxArchitectureShouldUseJnrPosix() throws Exception {
		// jnr-posix knows struct stat on more platforms than our own bindings do
		assumeThat(System.getProperty("os.arch")).isIn("amd64", "aarch64");
		assertThat(NativeAccessLoader.load("Linux", "riscv64", "auto", 17, PATH).name()).isEqualTo("jnr-posix");
	}

	@Test
	void loadOnJava22OrLaterShouldUseForeign() throws Exception {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);
		assertThat(NativeAccessLoader.load("Linux", System.getProperty("os.arch"), "auto", 25, PATH).name())
			.isEqualTo("java.lang.foreign");
	}

	@Test
	void loadWhenForeignForcedOnJava17ShouldRefuse() {
		assumeThat(Runtime.version().feature()).isLessThan(22);
		assertThatExceptionOfType(UnsupportedPlatformException.class)
			.isThrownBy(() -> NativeAccessLoader.load("Linux", "amd64", "foreign", 17, PATH))
			.withMessageContaining("java.lang.foreign backend is not available");
	}

	@Test
	void jnrPureJavaFallbackShouldBeRefused() {
		assertThatIllegalStateException().isThrownBy(() -> new JnrNativeAccess(POSIXFactory.getJavaPOSIX()))
			.withMessageContaining("pure-Java fallback")
			.withMessageContaining("no flock(2)");
	}

	@Test
	void acquireOnJava22OrLaterShouldLoadNoJnrClassAndPrintNoWarning() throws Exception {
		assumeThat(Runtime.version().feature()).isGreaterThanOrEqualTo(22);
		assumeThat(System.getProperty(NativeAccessLoader.BACKEND_PROPERTY, "auto")).isIn("auto", "foreign", "java.lang.foreign");
		List<String> command = ChildJvm.command(List.of("-Xlog:class+load=info:stdout"), InspectMain.class,
				this.temp.resolve("app.pid").toString());
		Process child = new ProcessBuilder(command).start();
		String stdout = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		String stderr = new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(child.waitFor()).isZero();
		assertThat(stdout).contains("backend java.lang.foreign")
			.contains("dev.zeph.pidfile.ForeignNativeAccess")
			.doesNotContain("] jnr.")
			.doesNotContain("com.kenai.jffi")
			.doesNotContain("dev.zeph.pidfile.JnrNativeAccess");
		assertThat(stderr).doesNotContain("WARNING:");
	}

	@Test
	void acquireWithJffiShouldLoadNoJnrClassAndGenerateNoCode() throws Exception {
		String output = classLoadLog("jffi", System.getProperty("java.class.path"));
		assertThat(output).contains("backend jffi")
			.contains("com.kenai.jffi.Invoker ")
			.doesNotContain("] jnr.")
			.doesNotContain("] org.objectweb.asm.");
	}

	@Test
	void acquireWithJffiShouldWorkWithoutJnrPosixOnTheClassPath() throws Exception {
		// jnr-posix is optional: a Linux application's class path has only jffi's two jars
		String output = classLoadLog("auto", classPathWithout("/jnr-", "/asm-"));
		assertThat(output).contains("backend " + ((Runtime.version().feature() < 22) ? "jffi" : "java.lang.foreign"));
	}

	@Test
	void acquireWhenJnrPosixIsNeededButMissingShouldSayWhichDependencyToAdd() throws Exception {
		List<String> command = ChildJvm.command(
				List.of("-D" + NativeAccessLoader.BACKEND_PROPERTY + "=jnr-posix"), classPathWithout("/jnr-"),
				InspectMain.class, this.temp.resolve("app.pid").toString());
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(child.waitFor()).as(output).isNotZero();
		assertThat(output).contains(UnsupportedPlatformException.class.getName())
			.contains(this.temp.resolve("app.pid").toString())
			.contains("add the dependency com.github.jnr:jnr-posix");
		assertThat(this.temp.resolve("app.pid")).doesNotExist();
	}

	@Test
	void acquireWhenJnrPosixForcedShouldLoadJnrPosix() throws Exception {
		assertThat(classLoadLog("jnr-posix", System.getProperty("java.class.path"))).contains("backend jnr-posix")
			.contains("jnr.posix.POSIX ");
	}

	private String classLoadLog(String backend, String classPath) throws Exception {
		List<String> command = ChildJvm.command(
				List.of("-D" + NativeAccessLoader.BACKEND_PROPERTY + "=" + backend, "-Xlog:class+load=info:stdout"),
				classPath, InspectMain.class, this.temp.resolve("app.pid").toString());
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(child.waitFor()).as(output).isZero();
		return output;
	}

	private static String classPathWithout(String... fragments) {
		return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> Arrays.stream(fragments).noneMatch(entry::contains))
			.collect(Collectors.joining(File.pathSeparator));
	}

}
