package dev.zeph.pidfile;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The kernel's own list of file locks, on Linux: it names the process that took a lock even
 * when that process wrote no pid, as {@code flock(1)} does not. A line reads
 * {@code 1: FLOCK  ADVISORY  WRITE 4711 fd:01:1234 0 EOF}, the device's major and minor in
 * hex. Overlay and btrfs may report another device than {@code stat()}, so the inode decides
 * first and the device only breaks ties.
 */
final class ProcLocks {

	private static final Path PROC_LOCKS = Path.of("/proc/locks");

	private static final int INITIAL_BUFFER = 8192;

	/** Fields up to the lock's id: number, type, kind, access, pid, maj:min:ino. */
	private static final int FIELDS = 6;

	private static final byte[] WAITER = "->".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] FLOCK = "FLOCK".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] WRITE = "WRITE".getBytes(StandardCharsets.US_ASCII);

	private final Path source;

	ProcLocks() {
		this(PROC_LOCKS);
	}

	ProcLocks(Path source) {
		this.source = source;
	}

	/**
	 * The flock holders of a file.
	 * @param file the locked file's status
	 * @return what {@code /proc/locks} says, or {@link Holders#UNKNOWN} where it cannot be read
	 */
	Holders holders(FileStatus file) {
		// read and parse bytes: the kernel writes ASCII, and a line that is not about our inode
		// (most of them, on a busy machine) costs no String, no regex and no decoding
		byte[] content = new byte[INITIAL_BUFFER];
		int length = 0;
		try (InputStream in = new FileInputStream(this.source.toFile())) {
			for (int read;; length += read) {
				if (length == content.length) {
					content = Arrays.copyOf(content, content.length * 2);
				}
				// at most 8 KiB a read: FileInputStream reads that much through a stack buffer, more through malloc
				read = in.read(content, length, Math.min(content.length - length, INITIAL_BUFFER));
				if (read < 0) {
					break;
				}
			}
		}
		catch (IOException | SecurityException | UnsupportedOperationException ex) {
			return Holders.UNKNOWN;
		}
		byte[] inode = Long.toString(file.inode()).getBytes(StandardCharsets.US_ASCII);
		long major = major(file.device());
		long minor = minor(file.device());
		long exclusiveOnInode = 0;
		long exclusiveOnDevice = 0;
		int exclusiveInodeMatches = 0;
		boolean shared = false;
		boolean waiting = false;
		int[] starts = new int[FIELDS + 1];
		int[] ends = new int[FIELDS + 1];
		for (int lineStart = 0, lineEnd; lineStart < length; lineStart = lineEnd + 1) {
			lineEnd = lineStart;
			while (lineEnd < length && content[lineEnd] != '\n' && content[lineEnd] != '\r') {
				lineEnd++;
			}
			// "N:" "FLOCK" "ADVISORY" "WRITE" pid "maj:min:ino" ... ; a waiter's line has "->" after
			// the number and holds nothing
			int found = fields(content, lineStart, lineEnd, starts, ends);
			int waiter = (found > 1 && equal(content, starts[1], ends[1], WAITER)) ? 1 : 0;
			if (found < FIELDS + waiter || !equal(content, starts[1 + waiter], ends[1 + waiter], FLOCK)) {
				continue;
			}
			int idStart = starts[5 + waiter];
			int idEnd = ends[5 + waiter];
			int firstColon = indexOf(content, idStart, idEnd, (byte) ':');
			int secondColon = (firstColon < 0) ? -1 : indexOf(content, firstColon + 1, idEnd, (byte) ':');
			if (secondColon < 0 || indexOf(content, secondColon + 1, idEnd, (byte) ':') >= 0
					|| !equal(content, secondColon + 1, idEnd, inode)) {
				continue;
			}
			if (waiter == 1) {
				waiting = true;
				continue;
			}
			long pid;
			try {
				pid = Long.parseLong(ascii(content, starts[4], ends[4]));
			}
			catch (NumberFormatException ex) {
				continue;
			}
			if (!equal(content, starts[3], ends[3], WRITE)) {
				shared = true;
				continue;
			}
			exclusiveInodeMatches++;
			exclusiveOnInode = pid;
			if (hex(ascii(content, idStart, firstColon)) == major
					&& hex(ascii(content, firstColon + 1, secondColon)) == minor) {
				exclusiveOnDevice = pid;
			}
		}
		if (exclusiveOnDevice > 0) {
			return new Holders(true, OptionalLong.of(exclusiveOnDevice), shared, false, waiting);
		}
		if (exclusiveInodeMatches == 1 && exclusiveOnInode > 0) {
			return new Holders(true, OptionalLong.of(exclusiveOnInode), shared, false, waiting);
		}
		return new Holders(true, OptionalLong.empty(), shared, exclusiveInodeMatches > 0, waiting);
	}

	/**
	 * Find the first {@code starts.length} whitespace-separated fields of a line.
	 * @return how many were found
	 */
	private static int fields(byte[] content, int from, int to, int[] starts, int[] ends) {
		int count = 0;
		int position = from;
		while (count < starts.length) {
			while (position < to && isSpace(content[position])) {
				position++;
			}
			if (position == to) {
				break;
			}
			starts[count] = position;
			while (position < to && !isSpace(content[position])) {
				position++;
			}
			ends[count++] = position;
		}
		return count;
	}

	private static boolean isSpace(byte b) {
		return b == ' ' || b == '\t' || b == 0x0b || b == '\f';
	}

	private static boolean equal(byte[] content, int from, int to, byte[] expected) {
		return Arrays.equals(content, from, to, expected, 0, expected.length);
	}

	private static int indexOf(byte[] content, int from, int to, byte wanted) {
		for (int i = from; i < to; i++) {
			if (content[i] == wanted) {
				return i;
			}
		}
		return -1;
	}

	private static String ascii(byte[] content, int from, int to) {
		return new String(content, from, to - from, StandardCharsets.US_ASCII);
	}

	/** glibc's {@code major()}: bits 8-19 and 32-43 of {@code st_dev}. */
	static long major(long dev) {
		return ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
	}

	/** glibc's {@code minor()}: bits 0-7 and 20-31 of {@code st_dev}. */
	static long minor(long dev) {
		return (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
	}

	private static long hex(String number) {
		try {
			return Long.parseLong(number, 16);
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * @param known whether {@code /proc/locks} could be read at all
	 * @param exclusive the pid that holds an exclusive flock, if one was found
	 * @param shared whether someone holds a shared flock (a short-lived probe, usually)
	 * @param ambiguous whether exclusive flocks were found on files of that inode number
	 * that the device could not tell apart
	 * @param waiting whether a process is blocked waiting for a lock on a file of that inode
	 * number (a waiter's line names no device it could be told apart by)
	 */
	record Holders(boolean known, OptionalLong exclusive, boolean shared, boolean ambiguous, boolean waiting) {

		static final Holders UNKNOWN = new Holders(false, OptionalLong.empty(), false, false, false);

		Holders(boolean known, OptionalLong exclusive, boolean shared) {
			this(known, exclusive, shared, false, false);
		}

		Holders(boolean known, OptionalLong exclusive, boolean shared, boolean ambiguous) {
			this(known, exclusive, shared, ambiguous, false);
		}

		/**
		 * Whether the list was read and names nobody at all for the file: whoever holds the
		 * lock is not visible here.
		 */
		boolean none() {
			return this.known && this.exclusive.isEmpty() && !this.shared && !this.ambiguous;
		}

		/** Only shared locks: someone is probing, nobody is running. */
		boolean onlyShared() {
			return this.known && this.shared && this.exclusive.isEmpty();
		}

	}

}
