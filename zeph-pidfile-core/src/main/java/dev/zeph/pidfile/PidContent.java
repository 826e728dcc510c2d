package dev.zeph.pidfile;

import java.nio.charset.StandardCharsets;
import java.util.OptionalLong;

/**
 * The one format a pid file may have: nothing at all, or a decimal pid of up to 10 digits
 * with an optional newline. Anything else is someone's file that we must not touch.
 */
final class PidContent {

	/** Longest valid content: 10 digits and a newline. */
	static final int MAX_LENGTH = 11;

	private static final int MAX_DIGITS = 10;

	private PidContent() {
	}

	static byte[] format(long pid) {
		return (pid + "\n").getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Whether the bytes are a valid pid file: empty, or up to 10 digits and a newline.
	 */
	static boolean isValid(byte[] content, int length) {
		if (length == 0) {
			return true;
		}
		int digits = (content[length - 1] == '\n') ? length - 1 : length;
		if (digits == 0 || digits > MAX_DIGITS) {
			return false;
		}
		for (int i = 0; i < digits; i++) {
			if (content[i] < '0' || content[i] > '9') {
				return false;
			}
		}
		return true;
	}

	/**
	 * The pid the bytes hold: empty for empty or invalid content, or a pid of 0.
	 */
	static OptionalLong pid(byte[] content, int length) {
		if (length == 0 || !isValid(content, length)) {
			return OptionalLong.empty();
		}
		long pid = Long.parseLong(new String(content, 0, (content[length - 1] == '\n') ? length - 1 : length,
				StandardCharsets.US_ASCII));
		return (pid > 0) ? OptionalLong.of(pid) : OptionalLong.empty();
	}

}
