package dev.zeph.pidfile.cluster;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link ClusterLockSettings}: the limits of each duration, and the written-out {@code equals},
 * since a session opened with other settings than the lock is taken with must not be used,
 * whichever one setting differs.
 */
class ClusterLockSettingsTests {

	private static final ClusterLockSettings SETTINGS = new ClusterLockSettings("orders",
			"jdbc:postgresql://db:5432/app", "app", "secret", Duration.ofSeconds(6), Duration.ofMillis(500),
			Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(250), false)
		.withFencing(new ClusterLockSettings.Fencing("zeph_lock_fence", false));

	@Test
	void settingsWithTheSameComponentsShouldBeEqualWithEqualHashCodes() throws Exception {
		ClusterLockSettings copy = ClusterLockSettings.class.getDeclaredConstructor(componentTypes())
			.newInstance(components(SETTINGS));
		assertThat(copy).isEqualTo(SETTINGS).hasSameHashCodeAs(SETTINGS);
	}

	@Test
	void settingsThatDifferInAnyOneComponentShouldNotBeEqual() throws Exception {
		RecordComponent[] recordComponents = ClusterLockSettings.class.getRecordComponents();
		for (int i = 0; i < recordComponents.length; i++) {
			Object[] values = components(SETTINGS);
			values[i] = other(recordComponents[i].getType(), values[i]);
			ClusterLockSettings changed = ClusterLockSettings.class.getDeclaredConstructor(componentTypes())
				.newInstance(values);
			assertThat(changed).as(recordComponents[i].getName()).isNotEqualTo(SETTINGS);
			assertThat(SETTINGS).as(recordComponents[i].getName()).isNotEqualTo(changed);
		}
	}

	@Test
	void settingsWithoutUserOrPasswordShouldEqualTheirCopy() {
		ClusterLockSettings settings = ClusterLockSettings.of("orders", "jdbc:postgresql://db/app", null, null);
		assertThat(ClusterLockSettings.of("orders", "jdbc:postgresql://db/app", null, null)).isEqualTo(settings)
			.hasSameHashCodeAs(settings)
			.isNotEqualTo(ClusterLockSettings.of("orders", "jdbc:postgresql://db/app", "app", null));
	}

	@Test
	void settingsShouldRefuseADurationLongerThanPostgresTakesNamingIt() {
		Duration month = Duration.ofDays(30);
		assertThatIllegalArgumentException().isThrownBy(() -> timings(month, Duration.ofSeconds(2), Duration.ofMillis(250)))
			.withMessageStartingWith("server-timeout:")
			.withMessageContaining("2147483647 ms");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> timings(Duration.ofSeconds(6), Duration.ofDays(365 * 300), Duration.ofMillis(250)))
			.withMessageStartingWith("takeover-grace:");
	}

	@Test
	void settingsShouldRefuseAHeartbeatOrTryShorterThanAQueryNamingIt() {
		// "heartbeat-interval=1", meant as a second, is read as a millisecond
		ClusterLockSettings settings = ClusterLockSettings.of("orders", "jdbc:postgresql://db:5432/app", null, null);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> settings.withTimings(Duration.ofSeconds(6), Duration.ofMillis(1), Duration.ofSeconds(1)))
			.withMessageStartingWith("heartbeat-interval: 1 ms is shorter than 50 ms")
			.withMessageContaining("write 1s for a second");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> settings.withTimings(Duration.ofSeconds(6), Duration.ofMillis(500), Duration.ofMillis(2)))
			.withMessageStartingWith("heartbeat-timeout:");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> timings(Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofMillis(1)))
			.withMessageStartingWith("acquire-interval:");
	}

	@Test
	void settingsShouldRefuseAnAcquireIntervalThatOutlastsTheWaitingSessionsLease() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> timings(Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(6)))
			.withMessageStartingWith("acquire-interval:")
			.withMessageContaining("server-timeout");
	}

	@Test
	void settingsShouldRefuseAUrlOfAnotherDatabaseWithoutRepeatingItsQuery() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClusterLockSettings.of("orders", "jdbc:sqlserver://db/app?password=hunter2", null, null))
			.withMessageStartingWith("url:")
			.withMessageContaining("jdbc:sqlserver://db/app?...")
			.withMessageNotContaining("hunter2");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ClusterLockSettings.of("orders", "jdbc:mysql://a,b/app?password=hunter2", null, null))
			.withMessageStartingWith("url:")
			.withMessageContaining("names several hosts")
			.withMessageNotContaining("hunter2");
	}

	@Test
	void fencingShouldRefuseATableNameThatIsNoIdentifierNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ClusterLockSettings.Fencing("fence; DROP TABLE x", true))
			.withMessageStartingWith("fencing.table: 'fence; DROP TABLE x' is not a table name");
		assertThatIllegalArgumentException().isThrownBy(() -> new ClusterLockSettings.Fencing("a.b.c", true))
			.withMessageStartingWith("fencing.table:");
		assertThat(new ClusterLockSettings.Fencing("ledger.zeph_fence", false).table()).isEqualTo("ledger.zeph_fence");
	}

	@Test
	void withoutSecretsShouldHideTheQueryAndTheUserInformationBeforeTheHost() {
		assertThat(ClusterLockSettings.withoutSecrets("jdbc:postgresql://db:5432/app")).isEqualTo("jdbc:postgresql://db:5432/app");
		assertThat(ClusterLockSettings.withoutSecrets("jdbc:postgresql://app:hunter2@db:5432/app?ssl=true"))
			.isEqualTo("jdbc:postgresql://...@db:5432/app?...");
		assertThat(ClusterLockSettings.withoutSecrets("jdbc:postgres://app:hun/ter@2@db/app"))
			.isEqualTo("jdbc:postgres://...@db/app");
		assertThat(ClusterLockSettings.of("orders", "jdbc:postgresql://app:hunter2@db/app", null, null))
			.asString()
			.doesNotContain("hunter2");
	}

	private static ClusterLockSettings timings(Duration serverTimeout, Duration takeoverGrace, Duration acquireInterval) {
		return new ClusterLockSettings("orders", "jdbc:postgresql://db:5432/app", null, null, serverTimeout,
				Duration.ofMillis(500), Duration.ofSeconds(1), takeoverGrace, acquireInterval, false);
	}

	private static Object other(Class<?> type, Object value) {
		if (value instanceof ClusterLockSettings.Fencing fencing) {
			return new ClusterLockSettings.Fencing(fencing.table(), !fencing.initializeSchema());
		}
		if (type == String.class) {
			return value + "-other";
		}
		if (type == Duration.class) {
			// a millisecond: the settings stay valid, with room in the server timeout and the grace
			return ((Duration) value).plusMillis(1);
		}
		return !(Boolean) value;
	}

	private static Class<?>[] componentTypes() {
		return Arrays.stream(ClusterLockSettings.class.getRecordComponents())
			.map(RecordComponent::getType)
			.toArray(Class<?>[]::new);
	}

	private static Object[] components(ClusterLockSettings settings) throws Exception {
		RecordComponent[] recordComponents = ClusterLockSettings.class.getRecordComponents();
		Object[] values = new Object[recordComponents.length];
		for (int i = 0; i < recordComponents.length; i++) {
			values[i] = recordComponents[i].getAccessor().invoke(settings);
		}
		return values;
	}

}
