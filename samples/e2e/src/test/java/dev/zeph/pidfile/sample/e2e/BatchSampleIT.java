package dev.zeph.pidfile.sample.e2e;

import java.nio.file.Path;
import java.util.List;

import dev.zeph.pidfile.testsupport.LoggedProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch sample's jar as cron runs it: a run that starts while another works exits 75 at
 * once, and never overlaps.
 */
class BatchSampleIT {

	@TempDir
	Path temp;

	@Test
	void overlappingRunsShouldExitWithZeroAndSeventyFive() throws Exception {
		String pidFile = "--zeph.pidfile.path=" + this.temp.resolve("batch.pid");
		try (LoggedProcess first = SampleProcess.start("sample.batch.jar", this.temp, pidFile, "--sample.work-seconds=20");
				LoggedProcess second = start(first, pidFile)) {
			int secondExit = second.awaitExit();
			assertThat(first.isAlive()).as("the first run is still working").isTrue();
			assertThat(List.of(first.awaitExit(), secondExit)).containsExactly(0, 75);
			assertThat(second.output()).contains(Long.toString(first.pid())).doesNotContain("Working for");
			assertThat(first.output()).contains("Work done");
		}
		assertThat(this.temp.resolve("batch.pid")).doesNotExist();
	}

	@Test
	void runAloneShouldWorkAndExitZero() throws Exception {
		try (LoggedProcess run = SampleProcess.start("sample.batch.jar", this.temp,
				"--zeph.pidfile.path=" + this.temp.resolve("batch.pid"), "--sample.work-seconds=1")) {
			assertThat(run.awaitExit()).as(run.output()).isZero();
			assertThat(run.output()).contains("Work done");
		}
	}

	private LoggedProcess start(LoggedProcess first, String pidFile) throws Exception {
		first.awaitOutput("Working for");
		return SampleProcess.start("sample.batch.jar", this.temp, pidFile, "--sample.work-seconds=20");
	}

}
