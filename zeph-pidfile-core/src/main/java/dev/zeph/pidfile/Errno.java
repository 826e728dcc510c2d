package dev.zeph.pidfile;

/**
 * The errors a system call of a pid file can report, by their symbolic names. The numbers
 * differ between platforms (Linux's {@code ELOOP} is 40, macOS's 62), so a failure is named
 * by the native backend from its platform's ABI and code decides on these constants, never
 * on a number or a message.
 */
public enum Errno {

	/** Operation not permitted. */
	EPERM,

	/** No such file or directory. */
	ENOENT,

	/** Interrupted system call. */
	EINTR,

	/** Input/output error; also a write that wrote less than asked. */
	EIO,

	/** No such device or address. */
	ENXIO,

	/** Bad file descriptor. */
	EBADF,

	/** Resource temporarily unavailable: a lock held by another open file description. */
	EWOULDBLOCK,

	/** Cannot allocate memory. */
	ENOMEM,

	/** Permission denied. */
	EACCES,

	/** Bad address. */
	EFAULT,

	/** Device or resource busy. */
	EBUSY,

	/** File exists. */
	EEXIST,

	/** Invalid cross-device link. */
	EXDEV,

	/** No such device. */
	ENODEV,

	/** Not a directory. */
	ENOTDIR,

	/** Is a directory. */
	EISDIR,

	/** Invalid argument. */
	EINVAL,

	/** Too many open files in system. */
	ENFILE,

	/** Too many open files. */
	EMFILE,

	/** Text file busy. */
	ETXTBSY,

	/** File too large. */
	EFBIG,

	/** No space left on device. */
	ENOSPC,

	/** Read-only file system. */
	EROFS,

	/** Too many links. */
	EMLINK,

	/** File name too long. */
	ENAMETOOLONG,

	/** No locks available. */
	ENOLCK,

	/** Function not implemented. */
	ENOSYS,

	/** Too many levels of symbolic links: what {@code O_NOFOLLOW} reports for a link. */
	ELOOP,

	/** Value too large for defined data type. */
	EOVERFLOW,

	/** Operation not supported. */
	EOPNOTSUPP,

	/** Stale file handle. */
	ESTALE,

	/** Disk quota exceeded. */
	EDQUOT

}
