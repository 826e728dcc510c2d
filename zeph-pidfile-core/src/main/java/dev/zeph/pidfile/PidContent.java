package dev.zeph.pidfile;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The one format a pid file may have: nothing at all, or a decimal pid of up to 10 digits
 * with an optional newline. Anything else is someone's file that we must not touch, and so
 * is a number that names no process: 0, or one at or above the kernel's {@code pid_max},
 * which no process here can have.
 */
final class PidContent {

	/** Longest valid content: 10 digits and a newline. */
	static final int MAX_LENGTH = 11;

	private static final int MAX_DIGITS = 10;

	private PidContent() {
	}

	/**
	 * Read the content of a locked file and check that it is a pid file's, for an acquire and
	 * an inspect alike.
	 * @param size the file's size as seen under the lock: an empty file needs no read
	 * @return the pid in the file, empty for an empty file
	 * @throws NotAPidFileException if the file holds anything else
	 */
	static OptionalLong read(NativeAccess nativeAccess, int fd, long size, Path path)
			throws ErrnoException, NotAPidFileException {
		if (size == 0) {
			return OptionalLong.empty();
		}
		byte[] content = new byte[MAX_LENGTH + 1];
		int length = nativeAccess.pread(fd, content, 0);
		if (length > MAX_LENGTH || !isValid(content, length)) {
			throw new NotAPidFileException(path);
		}
		return pid(content, length);
	}

	static byte[] format(long pid) {
		return (pid + "\n").getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Whether the bytes are a valid pid file: empty, or a pid below {@code pid_max} in up to
	 * 10 digits and a newline.
	 */
	static boolean isValid(byte[] content, int length) {
		if (length == 0) {
			return true;
		}
		int digits = (content[length - 1] == '\n') ? length - 1 : length;
		if (digits == 0 || digits > MAX_DIGITS) {
			return false;
		}
		long pid = 0;
		for (int i = 0; i < digits; i++) {
			if (content[i] < '0' || content[i] > '9') {
				return false;
			}
			pid = pid * 10 + (content[i] - '0');
		}
		return pid > 0 && pid < PidMax.VALUE;
	}

	/**
	 * The pid the bytes hold: empty for empty or invalid content.
	 */
	static OptionalLong pid(byte[] content, int length) {
		if (length == 0 || !isValid(content, length)) {
			return OptionalLong.empty();
		}
		long pid = 0;
		for (int i = 0; i < length && content[i] != '\n'; i++) {
			pid = pid * 10 + (content[i] - '0');
		}
		return OptionalLong.of(pid);
	}

	/**
	 * One more than the largest pid: Linux's {@code /proc/sys/kernel/pid_max}, read once and
	 * only when a file holds a number; elsewhere, or where it cannot be read, Linux's upper
	 * limit for it (4194304), which macOS's pids stay far below.
	 */
	static final class PidMax {

		static final long LIMIT = 4194304;

		static final long VALUE = read("/proc/sys/kernel/pid_max");

		private PidMax() {
		}

		static long read(String source) {
			try (InputStream in = new FileInputStream(source)) {
				long value = Long.parseLong(new String(in.readNBytes(32), StandardCharsets.US_ASCII).trim());
				return (value > 0) ? value : LIMIT;
			}
			catch (IOException | NumberFormatException | SecurityException ex) {
				return LIMIT;
			}
		}

	}

}
