package dev.zeph.pidfile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * The parts of Linux's kernel ABI that a binding without jnr-posix has to spell out itself:
 * the open flags, the layout of {@code struct stat} and the errno names. x86_64 and aarch64
 * differ in {@code O_NOFOLLOW} and in the order of {@code st_mode} and {@code st_nlink}; the
 * errno numbers are the same on both.
 */
final class LinuxAbi {

	static final boolean AARCH64 = "aarch64".equals(System.getProperty("os.arch"));

	static final int O_RDONLY = 0;

	static final int O_RDWR = 02;

	static final int O_CREAT = 0100;

	static final int O_NONBLOCK = 04000;

	static final int O_EXCL = 0200;

	static final int O_NOFOLLOW = AARCH64 ? 0100000 : 0400000;

	static final int O_CLOEXEC = 02000000;

	static final int LOCK_SH = 1;

	static final int LOCK_EX = 2;

	static final int LOCK_NB = 4;

	static final int EPERM = 1;

	static final int ENOENT = 2;

	static final int EINTR = 4;

	static final int EIO = 5;

	static final int EWOULDBLOCK = 11;

	/** {@code struct stat}: 144 bytes on x86_64, 128 on aarch64; room for either. */
	static final int STAT_SIZE = 256;

	/** Offsets of the {@code struct stat} fields we read: 64-bit but for mode, uid and aarch64's nlink. */
	static final int ST_DEV = 0;

	static final int ST_INO = 8;

	static final int ST_NLINK = AARCH64 ? 20 : 16;

	static final int ST_MODE = AARCH64 ? 16 : 24;

	static final int ST_UID = AARCH64 ? 24 : 28;

	static final int ST_SIZE = 48;

	private static final Map<Integer, String> ERRNO_NAMES = Map.ofEntries(Map.entry(1, "EPERM"),
			Map.entry(2, "ENOENT"), Map.entry(4, "EINTR"), Map.entry(5, "EIO"), Map.entry(6, "ENXIO"),
			Map.entry(9, "EBADF"), Map.entry(11, "EWOULDBLOCK"), Map.entry(12, "ENOMEM"), Map.entry(13, "EACCES"),
			Map.entry(14, "EFAULT"), Map.entry(16, "EBUSY"), Map.entry(17, "EEXIST"), Map.entry(18, "EXDEV"),
			Map.entry(19, "ENODEV"), Map.entry(20, "ENOTDIR"), Map.entry(21, "EISDIR"), Map.entry(22, "EINVAL"),
			Map.entry(23, "ENFILE"), Map.entry(24, "EMFILE"), Map.entry(26, "ETXTBSY"), Map.entry(27, "EFBIG"),
			Map.entry(28, "ENOSPC"), Map.entry(30, "EROFS"), Map.entry(31, "EMLINK"), Map.entry(36, "ENAMETOOLONG"),
			Map.entry(37, "ENOLCK"), Map.entry(38, "ENOSYS"), Map.entry(40, "ELOOP"), Map.entry(75, "EOVERFLOW"),
			Map.entry(95, "EOPNOTSUPP"), Map.entry(116, "ESTALE"), Map.entry(122, "EDQUOT"));

	private LinuxAbi() {
	}

	/**
	 * Whether this is a Linux the bindings know the ABI of.
	 */
	static boolean isSupported(String osName, String osArch) {
		return osName.equals("Linux") && (osArch.equals("amd64") || osArch.equals("x86_64") || osArch.equals("aarch64"));
	}

	static int openFlags(boolean write) {
		return O_CLOEXEC | O_NOFOLLOW | (write ? O_RDWR : O_RDONLY | O_NONBLOCK);
	}

	static int createFlags() {
		return O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
	}

	/**
	 * Read the fields we need from a {@code struct stat} the kernel filled in.
	 */
	static FileStatus status(ByteBuffer stat) {
		ByteBuffer buffer = stat.duplicate().order(ByteOrder.nativeOrder());
		long links = AARCH64 ? Integer.toUnsignedLong(buffer.getInt(ST_NLINK)) : buffer.getLong(ST_NLINK);
		return new FileStatus(buffer.getLong(ST_DEV), buffer.getLong(ST_INO), buffer.getInt(ST_MODE), links,
				buffer.getInt(ST_UID), buffer.getLong(ST_SIZE));
	}

	static String errnoName(int errno) {
		return ERRNO_NAMES.getOrDefault(errno, "errno " + errno);
	}

}
