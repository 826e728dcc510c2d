package dev.zeph.pidfile.cluster;

import java.util.Optional;

/**
 * The session that holds a lock, as the server shows it.
 *
 * @param backendPid the server process of the holder's session
 * @param applicationName the session's {@code application_name}, if set
 * @param identity the holder's identity, when the application name is one of ours
 */
public record ClusterLockHolder(long backendPid, Optional<String> applicationName, Optional<HolderIdentity> identity) {

	/**
	 * A holder that let go each time this session looked for it, and took the lock again.
	 */
	static ClusterLockHolder unseen() {
		return new ClusterLockHolder(0, Optional.empty(), Optional.empty());
	}

	static ClusterLockHolder of(long backendPid, String applicationName) {
		Optional<String> name = Optional.ofNullable(applicationName).filter((value) -> !value.isEmpty());
		return new ClusterLockHolder(backendPid, name, HolderIdentity.parse(applicationName));
	}

}
