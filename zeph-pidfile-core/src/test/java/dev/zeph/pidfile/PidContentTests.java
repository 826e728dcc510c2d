package dev.zeph.pidfile;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PidContent}: the one format a pid file may have.
 */
class PidContentTests {

	@ParameterizedTest
	@ValueSource(strings = { "", "1", "1\n", "4711\n", "1234567890", "1234567890\n" })
	void isValidShouldAcceptEmptyOrUpToTenDigitsAndANewline(String content) {
		byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
		assertThat(PidContent.isValid(bytes, bytes.length)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "\n", "12345678901", "12 \n", " 12", "12\n\n", "-1", "0x10", "pid=12", "12\r\n" })
	void isValidShouldRejectAnythingElse(String content) {
		byte[] bytes = content.getBytes(StandardCharsets.US_ASCII);
		assertThat(PidContent.isValid(bytes, bytes.length)).isFalse();
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
