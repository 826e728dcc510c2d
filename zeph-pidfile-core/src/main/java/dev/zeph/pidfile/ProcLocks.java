package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
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
		List<String> lines;
		try {
			lines = Files.readAllLines(this.source);
		}
		catch (NoSuchFileException ex) {
			return Holders.UNKNOWN;
		}
		catch (IOException | SecurityException ex) {
			return Holders.UNKNOWN;
		}
		long major = major(file.device());
		long minor = minor(file.device());
		long exclusiveOnInode = 0;
		long exclusiveOnDevice = 0;
		int exclusiveInodeMatches = 0;
		boolean shared = false;
		for (String line : lines) {
			String[] fields = line.trim().split("\\s+");
			// "N:" "FLOCK" "ADVISORY" "WRITE" pid "maj:min:ino" ... ; waiters carry "->" and hold nothing
			if (fields.length < 6 || !"FLOCK".equals(fields[1])) {
				continue;
			}
			String[] id = fields[5].split(":");
			if (id.length != 3 || !id[2].equals(Long.toString(file.inode()))) {
				continue;
			}
			long pid;
			try {
				pid = Long.parseLong(fields[4]);
			}
			catch (NumberFormatException ex) {
				continue;
			}
			if (!"WRITE".equals(fields[3])) {
				shared = true;
				continue;
			}
			exclusiveInodeMatches++;
			exclusiveOnInode = pid;
			if (hex(id[0]) == major && hex(id[1]) == minor) {
				exclusiveOnDevice = pid;
			}
		}
		if (exclusiveOnDevice > 0) {
			return new Holders(true, OptionalLong.of(exclusiveOnDevice), shared);
		}
		if (exclusiveInodeMatches == 1 && exclusiveOnInode > 0) {
			return new Holders(true, OptionalLong.of(exclusiveOnInode), shared);
		}
		return new Holders(true, OptionalLong.empty(), shared);
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
	 */
	record Holders(boolean known, OptionalLong exclusive, boolean shared) {

		static final Holders UNKNOWN = new Holders(false, OptionalLong.empty(), false);

		/** Only shared locks: someone is probing, nobody is running. */
		boolean onlyShared() {
			return this.known && this.shared && this.exclusive.isEmpty();
		}

	}

}
