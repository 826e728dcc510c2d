package dev.zeph.pidfile.autoconfigure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.zeph.pidfile.AlreadyRunningException;
import dev.zeph.pidfile.NotAPidFileException;
import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileException;
import dev.zeph.pidfile.PidFileStatus;
import dev.zeph.pidfile.UnsafePidFileException;
import dev.zeph.pidfile.testsupport.Flock;
import jakarta.annotation.PreDestroy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.aot.AbstractAotProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link PidFileApplicationContextInitializer}, through {@link SpringApplication}
 * and the initializer's registration in {@code spring.factories}.
 */
@ExtendWith(OutputCaptureExtension.class)
class PidFileApplicationContextInitializerTests {

	private static final long PID = ProcessHandle.current().pid();

	@TempDir
	Path temp;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void runShouldLockThePathBeforeAnyBeanIsCreated() {
		Path path = this.temp.resolve("app.pid");
		ConfigurableApplicationContext context = run(LockObservingConfiguration.class, "--zeph.pidfile.path=" + path);
		PidFileStatus seenByBean = context.getBean(LockObserver.class).seenWhenCreated;
		assertThat(seenByBean.state()).isEqualTo(PidFileStatus.State.RUNNING);
		assertThat(seenByBean.pid()).hasValue(PID);
		assertThat(context.getBean(ApplicationPidFile.class).getPath()).isEqualTo(path);
	}

	@Test
	void runShouldWriteThisProcessPidAndLogOneInfoLine(CapturedOutput output) throws IOException {
		Path path = this.temp.resolve("app.pid");
		run(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
		assertThat(path).hasContent(PID + "\n");
		assertThat(output).containsOnlyOnce("Locked pid file " + path + " (PID " + PID + ", native backend ")
			.doesNotContain("Replaced stale pid file");
	}

	@Test
	void runWithoutAPathShouldLockTheDefaultFileNamedAfterTheApplication() {
		String name = "zeph-pidfile-test-" + UUID.randomUUID();
		Path path = Path.of(System.getProperty("java.io.tmpdir"), name + ".pid");
		ConfigurableApplicationContext context = run(EmptyConfiguration.class, "--spring.application.name=" + name);
		assertThat(context.getBean(ApplicationPidFile.class).getPath()).isEqualTo(path);
		assertThat(path).hasContent(PID + "\n");
		context.close();
		assertThat(path).doesNotExist();
	}

	@Test
	void runWhenAStaleFileIsThereShouldReplaceItAndWarn(CapturedOutput output) throws IOException {
		Path path = this.temp.resolve("app.pid");
		Files.writeString(path, "299\n");
		run(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
		assertThat(path).hasContent(PID + "\n");
		assertThat(output).contains("WARN").contains("Replaced stale pid file " + path + " of PID 299");
	}

	@Test
	void closeShouldReleaseAfterEveryOtherBeanIsDestroyed(CapturedOutput output) throws IOException {
		Path path = this.temp.resolve("app.pid");
		ConfigurableApplicationContext context = run(LockObservingConfiguration.class, "--zeph.pidfile.path=" + path);
		LockObserver observer = context.getBean(LockObserver.class);
		context.close();
		assertThat(observer.seenWhenDestroyed.state()).isEqualTo(PidFileStatus.State.RUNNING);
		assertThat(observer.seenWhenDestroyed.pid()).hasValue(PID);
		assertThat(path).doesNotExist();
		assertThat(PidFile.inspect(path).state()).isEqualTo(PidFileStatus.State.NOT_RUNNING);
		assertThat(output).containsOnlyOnce("Released pid file " + path + " (PID " + PID + ")");
	}

	@Test
	void runWhenRefreshFailsShouldReleaseAndRemoveTheFile() throws Exception {
		Path path = this.temp.resolve("app.pid");
		assertThatExceptionOfType(BeanCreationException.class)
			.isThrownBy(() -> run(FailingBeanConfiguration.class, "--zeph.pidfile.path=" + path));
		assertThat(path).doesNotExist();
		assertThat(Flock.isFree(path)).isTrue();
	}

	@Test
	void runWhenStartupFailsBeforeRefreshShouldReleaseAndRemoveTheFile() throws Exception {
		Path path = this.temp.resolve("app.pid");
		SpringApplication application = application(EmptyConfiguration.class);
		application.addInitializers(new FailingInitializer());
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> application.run("--zeph.pidfile.path=" + path))
			.withMessage("failing after the pid file was locked");
		assertThat(path).doesNotExist();
		assertThat(Flock.isFree(path)).isTrue();
	}

	@Test
	void runWhenARunnerFailsShouldReleaseAndRemoveTheFile() throws Exception {
		Path path = this.temp.resolve("app.pid");
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> run(FailingRunnerConfiguration.class, "--zeph.pidfile.path=" + path));
		assertThat(path).doesNotExist();
		assertThat(Flock.isFree(path)).isTrue();
	}

	@Test
	void runWhenDisabledShouldNotAcquire() {
		Path path = this.temp.resolve("app.pid");
		ConfigurableApplicationContext context = run(EmptyConfiguration.class, "--zeph.pidfile.path=" + path,
				"--zeph.pidfile.enabled=false");
		assertThat(path).doesNotExist();
		assertThat(context.containsBean(ApplicationPidFile.BEAN_NAME)).isFalse();
		assertThat(context.containsBean(PidFileWatchdog.BEAN_NAME)).isFalse();
	}

	@Test
	void runDuringAotProcessingShouldNotAcquire() {
		Path path = this.temp.resolve("app.pid");
		System.setProperty(AbstractAotProcessor.AOT_PROCESSING, "true");
		try {
			ConfigurableApplicationContext context = run(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
			assertThat(path).doesNotExist();
			assertThat(context.containsBean(ApplicationPidFile.BEAN_NAME)).isFalse();
		}
		finally {
			System.clearProperty(AbstractAotProcessor.AOT_PROCESSING);
		}
	}

	@Test
	void runWithAParentContextShouldLockOnceForTheHierarchy() {
		Path path = this.temp.resolve("app.pid");
		ConfigurableApplicationContext child = new SpringApplicationBuilder(EmptyConfiguration.class)
			.web(WebApplicationType.NONE)
			.registerShutdownHook(false)
			.child(EmptyConfiguration.class)
			.web(WebApplicationType.NONE)
			.run("--zeph.pidfile.path=" + path);
		this.contexts.add(child);
		this.contexts.add((ConfigurableApplicationContext) child.getParent());
		assertThat(child.getBean(ApplicationPidFile.class).getPath()).isEqualTo(path);
		assertThat(child.getBeanFactory().containsLocalBean(ApplicationPidFile.BEAN_NAME)).isFalse();
		assertThat(path).hasContent(PID + "\n");
	}

	@Test
	void runWhenAnotherContextInThisProcessHoldsThePathShouldRefuseWithExitCode75() throws IOException {
		Path path = this.temp.resolve("app.pid");
		run(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
		byte[] content = Files.readAllBytes(path);
		PidFileStartupException failure = startupFailure(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
		assertThat(failure.getExitCode()).isEqualTo(75);
		assertThat(failure.getCause()).isInstanceOfSatisfying(AlreadyRunningException.class,
				(cause) -> assertThat(cause.isHeldByThisProcess()).isTrue());
		assertThat(Files.readAllBytes(path)).isEqualTo(content);
	}

	@Test
	void runWhenAlreadyRunningExitCodeIsSetShouldExitWithIt() {
		Path path = this.temp.resolve("app.pid");
		run(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
		PidFileStartupException failure = startupFailure(EmptyConfiguration.class, "--zeph.pidfile.path=" + path,
				"--zeph.pidfile.already-running-exit-code=99");
		assertThat(failure.getExitCode()).isEqualTo(99);
	}

	@Test
	void runWhenAnotherProcessHoldsThePathShouldNameItsPid(CapturedOutput output) throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = Flock.hold(path);
		try {
			PidFileStartupException failure = startupFailure(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
			assertThat(failure.getCause()).isInstanceOfSatisfying(AlreadyRunningException.class,
					(cause) -> assertThat(cause.getHolderPid()).hasValue(holder.pid()));
			assertThat(output).contains("APPLICATION FAILED TO START")
				.contains("The pid file " + path + " is locked by PID " + holder.pid())
				.contains("Stop PID " + holder.pid());
		}
		finally {
			Flock.release(holder);
		}
	}

	@Test
	void runWhenThePathIsNotAPidFileShouldRefuseWithExitCode73AndLeaveItAlone() throws IOException {
		Path path = this.temp.resolve("notes.txt");
		Files.writeString(path, "remember the milk\n");
		PidFileStartupException failure = startupFailure(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
		assertThat(failure.getExitCode()).isEqualTo(73);
		assertThat(failure.getCause()).isInstanceOf(NotAPidFileException.class);
		assertThat(path).hasContent("remember the milk\n");
	}

	@Test
	void runWhenThePathIsASymbolicLinkShouldRefuseWithExitCode73() throws IOException {
		Path target = Files.writeString(this.temp.resolve("target"), "keep\n");
		Path path = Files.createSymbolicLink(this.temp.resolve("app.pid"), target);
		PidFileStartupException failure = startupFailure(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
		assertThat(failure.getExitCode()).isEqualTo(73);
		assertThat(failure.getCause()).isInstanceOf(UnsafePidFileException.class);
		assertThat(target).hasContent("keep\n");
	}

	@Test
	void runWhenAParentOfThePathIsAFileShouldRefuseWithExitCode73(CapturedOutput output) throws IOException {
		Path file = Files.writeString(this.temp.resolve("file"), "");
		Path path = file.resolve("app.pid");
		PidFileStartupException failure = startupFailure(EmptyConfiguration.class, "--zeph.pidfile.path=" + path);
		assertThat(failure.getExitCode()).isEqualTo(73);
		assertThat(failure.getCause()).isExactlyInstanceOf(PidFileException.class);
		assertThat(failure.getCause().getErrno()).hasValue("ENOTDIR");
		assertThat(output).contains("The pid file " + path + " could not be used");
	}

	@Test
	void runWhenSpringPidFileNamesTheSamePathShouldFailBeforeLocking(CapturedOutput output) {
		Path path = this.temp.resolve("app.pid");
		assertThatExceptionOfType(PidFilePathConflictException.class)
			.isThrownBy(() -> run(EmptyConfiguration.class, "--zeph.pidfile.path=" + path,
					"--spring.pid.file=" + this.temp.resolve("sub/../app.pid")))
			.satisfies((ex) -> assertThat(ex.getPath()).isEqualTo(path));
		assertThat(path).doesNotExist();
		assertThat(output).contains("'spring.pid.file'").contains("Remove 'spring.pid.file'");
	}

	@Test
	void runWhenSpringPidFileNamesAnotherPathShouldStart() {
		Path path = this.temp.resolve("app.pid");
		run(EmptyConfiguration.class, "--zeph.pidfile.path=" + path,
				"--spring.pid.file=" + this.temp.resolve("boot.pid"));
		assertThat(path).exists();
	}

	@Test
	void runWhenCheckIntervalIsNegativeShouldFailNamingTheProperty(CapturedOutput output) {
		assertInvalid("zeph.pidfile.check-interval", output, "--zeph.pidfile.check-interval=-1s");
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 256, -1 })
	void runWhenAlreadyRunningExitCodeIsOutOfRangeShouldFailNamingTheProperty(int exitCode, CapturedOutput output) {
		assertInvalid("zeph.pidfile.already-running-exit-code", output,
				"--zeph.pidfile.already-running-exit-code=" + exitCode);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "  " })
	void runWhenPathIsEmptyShouldFailNamingTheProperty(String value, CapturedOutput output) {
		assertInvalid("zeph.pidfile.path", output, "--zeph.pidfile.path=" + value);
	}

	@Test
	void runWhenPathEndsInSlashShouldFailNamingThePropertyAndCreateNothing(CapturedOutput output) {
		Path directory = this.temp.resolve("missing");
		assertInvalid("zeph.pidfile.path", output, "--zeph.pidfile.path=" + directory + "/");
		assertThat(output).contains("ends in '/'");
		assertThat(directory).doesNotExist();
	}

	@Test
	void runWhenPathStartsWithAnUnexpandedTildeShouldFailNamingThePropertyAndCreateNothing(CapturedOutput output) {
		String path = "~/zeph-test-" + UUID.randomUUID() + ".pid";
		assertInvalid("zeph.pidfile.path", output, "--zeph.pidfile.path=" + path);
		assertThat(output).contains("no shell expanded");
		assertThat(Path.of("~")).doesNotExist();
	}

	@Test
	void runWhenPathIsRelativeShouldLockItsAbsoluteFormAndWarn(CapturedOutput output) {
		Path relative = Path.of("target", "relative-" + UUID.randomUUID() + ".pid");
		ConfigurableApplicationContext context = run(EmptyConfiguration.class, "--zeph.pidfile.path=" + relative);
		ApplicationPidFile pidFile = context.getBean(ApplicationPidFile.class);
		assertThat(pidFile.getPath()).isEqualTo(relative.toAbsolutePath());
		assertThat(output).contains("WARN")
			.contains("zeph.pidfile.path '" + relative + "' is relative: using " + relative.toAbsolutePath())
			.contains("A start from another directory will lock another file");
	}

	private void assertInvalid(String property, CapturedOutput output, String... args) {
		Path path = this.temp.resolve("app.pid");
		List<String> allArgs = new ArrayList<>(List.of(args));
		if (!property.equals("zeph.pidfile.path")) {
			allArgs.add("--zeph.pidfile.path=" + path);
		}
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> run(EmptyConfiguration.class, allArgs.toArray(String[]::new)))
			.satisfies((ex) -> assertThat(ex.getName()).isEqualTo(property));
		assertThat(output).contains("for configuration property '" + property + "'");
		assertThat(path).doesNotExist();
	}

	private PidFileStartupException startupFailure(Class<?> configuration, String... args) {
		return assertThatExceptionOfType(PidFileStartupException.class).isThrownBy(() -> run(configuration, args))
			.actual();
	}

	private ConfigurableApplicationContext run(Class<?> configuration, String... args) {
		ConfigurableApplicationContext context = application(configuration).run(args);
		this.contexts.add(context);
		return context;
	}

	static SpringApplication application(Class<?> configuration) {
		return TestGuards.application(configuration);
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class LockObservingConfiguration {

		@Bean
		LockObserver lockObserver(ApplicationPidFile pidFile) {
			return new LockObserver(pidFile.getPath());
		}

	}

	/**
	 * Looks at the lock from a bean's point of view, as another process would.
	 */
	static class LockObserver {

		private final Path path;

		final PidFileStatus seenWhenCreated;

		PidFileStatus seenWhenDestroyed;

		LockObserver(Path path) {
			this.path = path;
			this.seenWhenCreated = inspect();
		}

		@PreDestroy
		void destroy() {
			this.seenWhenDestroyed = inspect();
		}

		private PidFileStatus inspect() {
			try {
				return PidFile.inspect(this.path);
			}
			catch (PidFileException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingBeanConfiguration {

		@Bean
		Object failing() {
			throw new IllegalStateException("failing bean");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingRunnerConfiguration {

		@Bean
		ApplicationRunner failingRunner() {
			return (args) -> {
				throw new IllegalStateException("failing runner");
			};
		}

	}

	static class FailingInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

		@Override
		public void initialize(ConfigurableApplicationContext context) {
			assertThat(context.getBeanFactory().containsSingleton(ApplicationPidFile.BEAN_NAME)).isTrue();
			throw new IllegalStateException("failing after the pid file was locked");
		}

	}

}
