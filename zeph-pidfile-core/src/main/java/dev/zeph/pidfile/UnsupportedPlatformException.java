package dev.zeph.pidfile;

import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * This platform offers no {@code flock(2)} that this library can call: Windows, or a JVM on
 * which neither native backend can be loaded.
 */
public final class UnsupportedPlatformException extends PidFileException {

	private static final long serialVersionUID = 1L;

	UnsupportedPlatformException(Path path, String detail, @Nullable Throwable cause) {
		super("Cannot lock pid file " + path + ": " + detail, path, Operation.LOAD_NATIVE_ACCESS, null, cause);
	}

}
