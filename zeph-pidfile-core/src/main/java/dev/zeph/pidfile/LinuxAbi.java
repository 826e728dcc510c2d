package dev.zeph.pidfile;

import java.nio.ByteBuffer;

import org.jspecify.annotations.Nullable;

/**
 * The parts of Linux's kernel ABI that a binding without jnr-posix has to spell out itself:
 * the open flags, the layout of {@code struct stat} and the errno numbers. x86_64 and aarch64
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

	/** {@code struct stat}: 144 bytes on x86_64, 128 on aarch64; room for either. */
	static final int STAT_SIZE = 256;

	/** Offsets of the {@code struct stat} fields we read: 64-bit but for mode, uid and aarch64's nlink. */
	static final int ST_DEV = 0;

	static final int ST_INO = 8;

	static final int ST_NLINK = AARCH64 ? 20 : 16;

	static final int ST_MODE = AARCH64 ? 16 : 24;

	static final int ST_UID = AARCH64 ? 24 : 28;

	static final int ST_SIZE = 48;

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
	 * @param buffer a buffer in native byte order
	 * @param offset where the structure starts in it
	 */
	static FileStatus status(ByteBuffer buffer, int offset) {
		long links = AARCH64 ? Integer.toUnsignedLong(buffer.getInt(offset + ST_NLINK))
				: buffer.getLong(offset + ST_NLINK);
		return new FileStatus(buffer.getLong(offset + ST_DEV), buffer.getLong(offset + ST_INO),
				buffer.getInt(offset + ST_MODE), links, buffer.getInt(offset + ST_UID), buffer.getLong(offset + ST_SIZE));
	}

	/**
	 * The errno of a number the kernel returned: the same table on x86_64 and aarch64.
	 * @return the errno, or {@code null} for a number a pid file's calls are not known to
	 * return
	 */
	static @Nullable Errno errno(int number) {
		return switch (number) {
			case 1 -> Errno.EPERM;
			case 2 -> Errno.ENOENT;
			case 4 -> Errno.EINTR;
			case 5 -> Errno.EIO;
			case 6 -> Errno.ENXIO;
			case 9 -> Errno.EBADF;
			case 11 -> Errno.EWOULDBLOCK;
			case 12 -> Errno.ENOMEM;
			case 13 -> Errno.EACCES;
			case 14 -> Errno.EFAULT;
			case 16 -> Errno.EBUSY;
			case 17 -> Errno.EEXIST;
			case 18 -> Errno.EXDEV;
			case 19 -> Errno.ENODEV;
			case 20 -> Errno.ENOTDIR;
			case 21 -> Errno.EISDIR;
			case 22 -> Errno.EINVAL;
			case 23 -> Errno.ENFILE;
			case 24 -> Errno.EMFILE;
			case 26 -> Errno.ETXTBSY;
			case 27 -> Errno.EFBIG;
			case 28 -> Errno.ENOSPC;
			case 30 -> Errno.EROFS;
			case 31 -> Errno.EMLINK;
			case 36 -> Errno.ENAMETOOLONG;
			case 37 -> Errno.ENOLCK;
			case 38 -> Errno.ENOSYS;
			case 40 -> Errno.ELOOP;
			case 75 -> Errno.EOVERFLOW;
			case 95 -> Errno.EOPNOTSUPP;
			case 116 -> Errno.ESTALE;
			case 122 -> Errno.EDQUOT;
			default -> null;
		};
	}

}
