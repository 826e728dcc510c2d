package dev.zeph.pidfile.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Who holds a cluster lock, as the holder writes it into its session's
 * {@code application_name}: {@code zeph:<name>:<host>:<pid>:<since>}, where since is the
 * epoch second it locked, in base 36. Any role can read another session's
 * {@code application_name}, while its address and start time need extra privileges, so the
 * holder says itself who it is. PostgreSQL keeps 63 bytes of it: the lock name is cut to
 * fit, never the pid, which is what an operator acts on. A host name too long even for an
 * empty lock name (Linux allows 64 bytes) is written as its first label, and one still too
 * long as {@code ~} and its end: the unique end of a generated name, such as a Kubernetes
 * pod's.
 *
 * @param name the lock name, possibly cut
 * @param host the holder's host name
 * @param pid the holder's process id on that host
 * @param since when it locked, to the second
 */
public record HolderIdentity(String name, String host, long pid, Instant since) {

	static final String PREFIX = "zeph:";

	static final int MAX_BYTES = 63;

	/**
	 * The value for {@code application_name}, at most 63 bytes.
	 * @return the value
	 */
	String toApplicationName() {
		String end = ":" + this.pid + ":" + Long.toString(this.since.getEpochSecond(), 36);
		int hostRoom = MAX_BYTES - PREFIX.length() - 1 - end.length() - 1;
		String tail = ":" + fit(this.host, hostRoom) + end;
		int room = MAX_BYTES - PREFIX.length() - tail.getBytes(StandardCharsets.UTF_8).length;
		return PREFIX + truncate(this.name, Math.max(0, room)) + tail;
	}

	/** The host name, or the shortest form of it that still tells hosts apart, in the room given. */
	private static String fit(String host, int room) {
		if (bytes(host) <= room) {
			return host;
		}
		int dot = host.indexOf('.');
		if (dot > 0 && bytes(host.substring(0, dot)) <= room) {
			return host.substring(0, dot);
		}
		String label = (dot > 0) ? host.substring(0, dot) : host;
		int start = label.length();
		while (start > 0 && bytes(label.substring(start - 1)) <= room - 1) {
			start--;
		}
		return "~" + label.substring(start);
	}

	private static int bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

	/**
	 * Whether this identity, whose name may have been cut, is the one of the given lock name.
	 * @param lockName a full lock name
	 * @return whether it is
	 */
	boolean isFor(String lockName) {
		return lockName.equals(this.name) || (lockName.startsWith(this.name) && wasCut());
	}

	/** Whether the name filled the room left, so that it may have been cut (a character is 4 bytes at most). */
	private boolean wasCut() {
		return toApplicationName().getBytes(StandardCharsets.UTF_8).length > MAX_BYTES - 4;
	}

	static Optional<HolderIdentity> parse(@Nullable String applicationName) {
		if (applicationName == null || !applicationName.startsWith(PREFIX)) {
			return Optional.empty();
		}
		String[] parts = applicationName.substring(PREFIX.length()).split(":");
		if (parts.length < 4) {
			return Optional.empty();
		}
		try {
			int n = parts.length;
			long pid = Long.parseLong(parts[n - 2]);
			Instant since = Instant.ofEpochSecond(Long.parseLong(parts[n - 1], 36));
			String name = String.join(":", Arrays.copyOfRange(parts, 0, n - 3));
			return Optional.of(new HolderIdentity(name, parts[n - 3], pid, since));
		}
		catch (NumberFormatException ex) {
			return Optional.empty();
		}
	}

	private static String truncate(String text, int maxBytes) {
		byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
		if (bytes.length <= maxBytes) {
			return text;
		}
		int end = text.length();
		while (text.substring(0, end).getBytes(StandardCharsets.UTF_8).length > maxBytes) {
			end--;
		}
		return text.substring(0, end);
	}

	@Override
	public String toString() {
		return "PID " + this.pid + " on " + this.host + " (lock '" + this.name + "', since " + this.since + ")";
	}

}
