package dev.zeph.pidfile;

import org.jspecify.annotations.Nullable;

/**
 * An errno as the system reported it: the constant for decisions, the symbolic name and the
 * text for people.
 *
 * @param errno the errno, or {@code null} for a number this platform's ABI has no name for
 * @param name the symbolic name, such as {@code EACCES}, or {@code errno 134}
 * @param description the system's text, such as "Permission denied"
 */
record SystemError(@Nullable Errno errno, String name, String description) {

	static SystemError of(@Nullable Errno errno, int number, String description) {
		return new SystemError(errno, (errno != null) ? errno.name() : "errno " + number, description);
	}

	String describe() {
		return this.description + " (" + this.name + ")";
	}

}
