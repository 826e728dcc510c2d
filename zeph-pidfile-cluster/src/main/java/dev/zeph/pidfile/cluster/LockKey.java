package dev.zeph.pidfile.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two 32-bit halves of a session lock's key: a fixed first half for this project and a
 * hash of the lock name. PostgreSQL keeps two-int keys apart from the {@code bigint} keys
 * that applications use for their own advisory locks, so the two can never collide; two names
 * can hash alike, which the holder's identity tells apart.
 *
 * @param space the fixed first half
 * @param hash the first four bytes of the SHA-256 of the name's UTF-8 bytes
 */
record LockKey(int space, int hash) {

	/** "zeph" in ASCII. */
	static final int SPACE = 0x7a657068;

	/** "zepn" in ASCII: the key of the line of waiters, whose holder is next to take the lock. */
	static final int NEXT_SPACE = 0x7a65706e;

	static LockKey of(String name) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
			return new LockKey(SPACE, ByteBuffer.wrap(digest).getInt());
		}
		catch (NoSuchAlgorithmException ex) {
			// every Java platform is required to support SHA-256
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The key that the waiter next in line holds: the one a clean release hands the lock to.
	 * @return the key of the same name in the line's space
	 */
	LockKey next() {
		return new LockKey(NEXT_SPACE, this.hash);
	}

	/**
	 * The channel on which a holder that lets go cleanly tells the waiters: one per key, so
	 * that a waiter hears only of its own lock.
	 * @return the channel's name
	 */
	String channel() {
		return "zeph:" + Integer.toUnsignedString(this.space) + ":" + Integer.toUnsignedString(this.hash);
	}

	@Override
	public String toString() {
		// unsigned, as pg_locks shows them (classid, objid)
		return "(" + Integer.toUnsignedString(this.space) + ", " + Integer.toUnsignedString(this.hash) + ")";
	}

}
