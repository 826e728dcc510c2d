package dev.zeph.pidfile.cluster;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * Who holds a cluster lock, as the holder writes it into its session's
 * {@code application_name}: {@code zeph:<name>:<host>:<pid>:<since>}, where since is the
 * epoch second it locked, in base 36. Any role can read another session's
 * {@code application_name}, while its address and start time need extra privileges, so the
 * holder says itself who it is. PostgreSQL keeps 63 bytes of printable ASCII and rewrites
 * any other byte, so the name and host are written with every other character, and
 * {@code %} and {@code :}, as {@code %XX} escapes of their UTF-8 bytes: a lock named in any
 * language reads back as itself. The lock name is cut to fit, at a character, never the pid,
 * which is what an operator acts on. A host name too long even for an empty lock name (Linux
 * allows 64 bytes) is written as its first label, and one still too long as {@code ~} and its
 * end: the unique end of a generated name, such as a Kubernetes pod's.
 *
 * @param name the lock name, possibly cut
 * @param host the holder's host name
 * @param pid the holder's process id on that host
 * @param since when it locked, to the second
 */
public record HolderIdentity(String name, String host, long pid, Instant since) {

	static final String PREFIX = "zeph:";

	static final int MAX_BYTES = 63;

	private static final HexFormat HEX = HexFormat.of().withUpperCase();

	/**
	 * The value for {@code application_name}: at most 63 bytes, all printable ASCII.
	 * @return the value
	 */
	String toApplicationName() {
		String tail = tail(MAX_BYTES);
		return PREFIX + escape(cutName(MAX_BYTES - PREFIX.length() - tail.length())) + tail;
	}

	/**
	 * The same text as {@link #toApplicationName()}, whole: for a server that shows a text of
	 * any length, where the full name tells two long lock names apart.
	 * @return the text, all printable ASCII
	 */
	String toText() {
		return PREFIX + escape(this.name) + tail(Integer.MAX_VALUE);
	}

	/** {@code :<host>:<pid>:<since>}, the host fitted to the room the pid and since leave. */
	private String tail(int maxBytes) {
		String end = ":" + this.pid + ":" + Long.toString(this.since.getEpochSecond(), 36);
		int hostRoom = maxBytes - PREFIX.length() - 1 - end.length() - 1;
		return ":" + escape(fit(this.host, hostRoom)) + end;
	}

	/** The lock name as written in the given room: whole characters, as many as fit escaped. */
	private String cutName(int room) {
		int end = 0;
		int used = 0;
		while (end < this.name.length()) {
			int next = this.name.offsetByCodePoints(end, 1);
			used += escape(this.name.substring(end, next)).length();
			if (used > room) {
				break;
			}
			end = next;
		}
		return this.name.substring(0, end);
	}

	/** The host name, or the shortest form of it that still tells hosts apart, in the room given. */
	private static String fit(String host, int room) {
		if (escape(host).length() <= room) {
			return host;
		}
		int dot = host.indexOf('.');
		if (dot > 0 && escape(host.substring(0, dot)).length() <= room) {
			return host.substring(0, dot);
		}
		String label = (dot > 0) ? host.substring(0, dot) : host;
		int start = label.length();
		while (start > 0 && escape(label.substring(label.offsetByCodePoints(start, -1))).length() <= room - 1) {
			start = label.offsetByCodePoints(start, -1);
		}
		return "~" + label.substring(start);
	}

	/**
	 * Whether this identity, whose name may have been cut, is the one of the given lock name:
	 * whether that name, written with this identity's host, pid and since, reads back as this
	 * identity's name.
	 * @param lockName a full lock name
	 * @return whether it is
	 */
	boolean isFor(String lockName) {
		if (lockName.equals(this.name)) {
			return true;
		}
		HolderIdentity written = new HolderIdentity(lockName, this.host, this.pid, this.since);
		return written.cutName(MAX_BYTES - PREFIX.length() - written.tail(MAX_BYTES).length()).equals(this.name);
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
			return Optional.of(new HolderIdentity(unescape(name), unescape(parts[n - 3]), pid, since));
		}
		catch (NumberFormatException | DateTimeException ex) {
			// not one of ours after all, or written by something else
			return Optional.empty();
		}
	}

	/** Printable ASCII but {@code %} and {@code :} as it is, every other byte of UTF-8 as {@code %XX}. */
	static String escape(String text) {
		StringBuilder escaped = new StringBuilder(text.length());
		for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
			if (b >= 0x20 && b < 0x7f && b != '%' && b != ':') {
				escaped.append((char) b);
			}
			else {
				escaped.append('%').append(HEX.toHexDigits(b));
			}
		}
		return escaped.toString();
	}

	private static String unescape(String text) {
		if (text.indexOf('%') < 0) {
			return text;
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c == '%' && i + 2 < text.length() && HexFormat.isHexDigit(text.charAt(i + 1))
					&& HexFormat.isHexDigit(text.charAt(i + 2))) {
				bytes.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
				i += 2;
			}
			else {
				bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
			}
		}
		return bytes.toString(StandardCharsets.UTF_8);
	}

	@Override
	public String toString() {
		return "PID " + this.pid + " on " + this.host + " (lock '" + this.name + "', since " + this.since + ")";
	}

}
