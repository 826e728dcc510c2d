package dev.zeph.pidfile;

/**
 * The fields of {@code struct stat} that decide whether a path is safe to use as a pid file
 * and whether it still names the file we locked.
 *
 * @param device {@code st_dev}
 * @param inode {@code st_ino}
 * @param mode {@code st_mode}: type and permission bits
 * @param links {@code st_nlink}; 0 once the file was unlinked
 * @param uid {@code st_uid}
 * @param size {@code st_size}
 */
record FileStatus(long device, long inode, int mode, long links, int uid, long size) {

	private static final int S_IFMT = 0170000;

	private static final int S_IFREG = 0100000;

	private static final int S_IFDIR = 0040000;

	private static final int S_IFLNK = 0120000;

	private static final int S_IFIFO = 0010000;

	private static final int S_IFCHR = 0020000;

	private static final int S_IFBLK = 0060000;

	private static final int S_IFSOCK = 0140000;

	private static final int S_ISVTX = 01000;

	private static final int S_IWOTH = 02;

	private static final int S_IWGRP = 020;

	boolean isRegularFile() {
		return (this.mode & S_IFMT) == S_IFREG;
	}

	boolean isDirectory() {
		return (this.mode & S_IFMT) == S_IFDIR;
	}

	boolean isSymbolicLink() {
		return (this.mode & S_IFMT) == S_IFLNK;
	}

	boolean isWritableByOthers() {
		return (this.mode & S_IWOTH) != 0;
	}

	boolean isWritableByGroupOrOthers() {
		return (this.mode & (S_IWGRP | S_IWOTH)) != 0;
	}

	boolean isSticky() {
		return (this.mode & S_ISVTX) != 0;
	}

	boolean isSameFile(FileStatus other) {
		return this.device == other.device && this.inode == other.inode;
	}

	String typeName() {
		return switch (this.mode & S_IFMT) {
			case S_IFREG -> "a regular file";
			case S_IFDIR -> "a directory";
			case S_IFLNK -> "a symbolic link";
			case S_IFIFO -> "a FIFO";
			case S_IFCHR -> "a character device";
			case S_IFBLK -> "a block device";
			case S_IFSOCK -> "a socket";
			default -> "a file of unknown type (mode " + Integer.toOctalString(this.mode) + ")";
		};
	}

}
