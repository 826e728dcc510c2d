package com.example.users;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileStatus;
import dev.zeph.pidfile.autoconfigure.ApplicationPidFile;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

@SpringBootTest(properties = { "x=three", "zeph.pidfile.enabled=true" })
class GuardEnabledTests {

	private static final long PID = ProcessHandle.current().pid();

	@Autowired
	ApplicationPidFile pidFile;

	@Test
	void enabledGuardHoldsALockOnAPathOfItsOwn() throws Exception {
		Path path = this.pidFile.getPath();
		assertThat(path.getFileName().toString()).matches("users-test-" + PID + "-\\d+\\.pid");
		assertThat(Files.readString(path)).isEqualTo(PID + "\n");
		PidFileStatus status = PidFile.inspect(path);
		assertThat(status.state()).isEqualTo(PidFileStatus.State.RUNNING);
		assertThat(status.pid()).hasValue(PID);
	}

}
