package dev.zeph.pidfile;

/**
 * An errno as the system reported it: the number for decisions, the symbolic name and the
 * text for people.
 *
 * @param number the errno value of this platform
 * @param name the symbolic name, such as {@code EACCES}
 * @param description the system's text, such as "Permission denied"
 */
record SystemError(int number, String name, String description) {

	String describe() {
		return this.description + " (" + this.name + ")";
	}

}
