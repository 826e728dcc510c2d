package dev.zeph.pidfile;

import org.jspecify.annotations.Nullable;

/**
 * A binding of Linux's libc that reads the kernel's ABI from {@link LinuxAbi}: what the open
 * flags and the errno numbers are is the kernel's, not the binding's, so it is said here once
 * for every such backend.
 */
abstract class LinuxLibc implements Libc {

	@Override
	public final int open(String path, boolean write) {
		return open(path, LinuxAbi.openFlags(write), 0);
	}

	@Override
	public final int create(String path, int mode) {
		return open(path, LinuxAbi.createFlags(), mode);
	}

	/**
	 * {@code open(2)} with the given flags and mode.
	 * @return the descriptor, or {@code -1} with errno set
	 */
	abstract int open(String path, int flags, int mode);

	@Override
	public final @Nullable Errno errnoOf(int number) {
		return LinuxAbi.errno(number);
	}

}
