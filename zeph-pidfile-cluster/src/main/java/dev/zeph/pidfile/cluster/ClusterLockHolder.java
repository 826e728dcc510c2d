package dev.zeph.pidfile.cluster;

import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The session that holds a lock, as the server shows it.
 *
 * @param backendPid the server's id of the holder's session: its server process on
 * PostgreSQL, its connection id on MySQL and MariaDB
 * @param applicationName the text the holder's session shows other sessions, if any: its
 * {@code application_name} on PostgreSQL, the identity in its waiting statement on MySQL
 * @param identity the holder's identity, when that text is one of ours
 * @param session the holder's session in the server's terms, for messages
 */
public record ClusterLockHolder(long backendPid, Optional<String> applicationName, Optional<HolderIdentity> identity,
		String session) {

	/**
	 * A holder that let go each time this session looked for it, and took the lock again.
	 */
	static ClusterLockHolder unseen() {
		return new ClusterLockHolder(0, Optional.empty(), Optional.empty(), "");
	}

	static ClusterLockHolder of(long backendPid, @Nullable String applicationName, String session) {
		Optional<String> name = Optional.ofNullable(applicationName).filter((value) -> !value.isEmpty());
		return new ClusterLockHolder(backendPid, name, HolderIdentity.parse(applicationName), session);
	}

}
