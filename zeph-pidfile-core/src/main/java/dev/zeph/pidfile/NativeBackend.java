package dev.zeph.pidfile;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The native backends, each by the one name that the system property
 * {@value NativeAccessLoader#BACKEND_PROPERTY} takes and that logs and health details show.
 */
enum NativeBackend {

	/** Java 22+ on Linux x86_64 and aarch64: no third-party native code. */
	FOREIGN("java.lang.foreign"),

	/** Java 17 to 21 on Linux x86_64 and aarch64: jffi's JNI library. */
	JFFI("jffi"),

	/** macOS and other architectures: jnr-posix, an optional dependency. */
	JNR_POSIX("jnr-posix");

	private final String name;

	NativeBackend(String name) {
		this.name = name;
	}

	/**
	 * The backend a value of the system property names; {@code foreign} is still taken for
	 * {@code java.lang.foreign}, as earlier releases documented it.
	 * @return the backend, or {@code null} if the value names none
	 */
	static @Nullable NativeBackend named(String value) {
		String name = value.trim().toLowerCase(Locale.ROOT);
		for (NativeBackend backend : values()) {
			if (backend.name.equals(name)) {
				return backend;
			}
		}
		return name.equals("foreign") ? FOREIGN : null;
	}

	@Override
	public String toString() {
		return this.name;
	}

}
