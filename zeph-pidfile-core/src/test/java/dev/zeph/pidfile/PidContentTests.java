package dev.zeph.pidfile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PidContent}: the one format a pid file may have.
 */
class PidContentTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "1", "1\n", "300\n", "0000000300", "0000000300\n" })
	void isValidShouldAcceptEmptyOrAPidOfUpToTenDigitsAndANewline(String content) {
		byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
		assertThat(PidContent.isValid(bytes, bytes.length)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "\n", "12345678901", "12 \n", " 12", "12\n\n", "-1", "0x10", "pid=12", "12\r\n", "0",
			"0\n", "0000000000\n", "4194304\n", "9999999999\n" })
	void isValidShouldRejectAnythingElse(String content) {
		byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
		assertThat(PidContent.isValid(bytes, bytes.length)).isFalse();
	}

	@Test
	void isValidShouldRejectPidMaxAndAbove() throws Exception {
		long pidMax = Long.parseLong(Files.readAllLines(Path.of("/proc/sys/kernel/pid_max")).get(0).trim());
		for (long number : new long[] { pidMax, pidMax + 1 }) {
			byte[] bytes = (number + "\n").getBytes(StandardCharsets.US_ASCII);
			assertThat(PidContent.isValid(bytes, bytes.length)).as("%d", number).isFalse();
		}
		byte[] below = ((pidMax - 1) + "\n").getBytes(StandardCharsets.US_ASCII);
		assertThat(PidContent.pid(below, below.length)).hasValue(pidMax - 1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "0", "0\n", "abc" })
	void pidShouldBeEmptyWhenNoProcessIsNamed(String content) {
		byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
		assertThat(PidContent.pid(bytes, bytes.length)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "4711", "4711\n" })
	void pidShouldReadTheDigits(String content) {
		byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
		assertThat(PidContent.pid(bytes, bytes.length)).hasValue(4711);
	}

}
