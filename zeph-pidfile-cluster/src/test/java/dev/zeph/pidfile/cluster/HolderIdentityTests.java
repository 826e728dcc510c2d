package dev.zeph.pidfile.cluster;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HolderIdentity} as {@code application_name}: 63 bytes at most, and what it keeps when
 * everything does not fit.
 */
class HolderIdentityTests {

	private static final Instant SINCE = Instant.parse("2026-11-30T17:00:00Z");

	/** Linux's pid_max allows seven digits. */
	private static final long LONGEST_PID = 4_194_304L;

	@Test
	void applicationNameShouldCutTheLockNameNeverTheHostOrPid() {
		HolderIdentity identity = new HolderIdentity("nightly-report-generator-for-the-billing-department",
				"app-7.example.com", LONGEST_PID, SINCE);
		String name = identity.toApplicationName();
		assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(63);
		HolderIdentity parsed = HolderIdentity.parse(name).orElseThrow();
		assertThat(parsed.host()).isEqualTo("app-7.example.com");
		assertThat(parsed.pid()).isEqualTo(LONGEST_PID);
		assertThat(parsed.since()).isEqualTo(SINCE);
		assertThat("nightly-report-generator-for-the-billing-department").startsWith(parsed.name());
		assertThat(parsed.isFor("nightly-report-generator-for-the-billing-department")).isTrue();
	}

	@Test
	void applicationNameWithAHostTooLongForTheRoomShouldKeepItsFirstLabelAndThePid() {
		String host = "build-agent-12.eu-central-1.compute.internal.corp.example.com";
		HolderIdentity identity = new HolderIdentity("orders", host, LONGEST_PID, SINCE);
		String name = identity.toApplicationName();
		assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(63);
		HolderIdentity parsed = HolderIdentity.parse(name).orElseThrow();
		assertThat(parsed.host()).isEqualTo("build-agent-12");
		assertThat(parsed.pid()).isEqualTo(LONGEST_PID);
	}

	@Test
	void applicationNameWithALongSingleLabelHostShouldKeepItsEndAndThePid() {
		// a Kubernetes pod's name, as its host name: 63 characters, unique at its end
		String pod = "billing-report-generator-deployment-with-a-long-name-7c9b6-x2x7q";
		HolderIdentity identity = new HolderIdentity("orders", pod, 1, SINCE);
		String name = identity.toApplicationName();
		assertThat(name.getBytes(StandardCharsets.UTF_8)).hasSize(63);
		HolderIdentity parsed = HolderIdentity.parse(name).orElseThrow();
		assertThat(parsed.host()).startsWith("~").endsWith("-7c9b6-x2x7q");
		assertThat(pod).endsWith(parsed.host().substring(1));
		assertThat(parsed.pid()).isEqualTo(1);
		assertThat(parsed.since()).isEqualTo(SINCE);
	}

	@Test
	void applicationNameThatFitsShouldParseBackWhole() {
		HolderIdentity identity = new HolderIdentity("orders", "app-7", 4242, SINCE);
		assertThat(HolderIdentity.parse(identity.toApplicationName())).contains(identity);
	}

	@Test
	void applicationNameOfANameInAnyLanguageShouldBePrintableAsciiAndParseBackWhole() {
		// PostgreSQL rewrites every byte of application_name outside printable ASCII
		HolderIdentity identity = new HolderIdentity("Gehälter:账单", "app-7", 4242, SINCE);
		String name = identity.toApplicationName();
		assertThat(name).matches("[\\x20-\\x7e]{1,63}");
		assertThat(HolderIdentity.parse(name)).contains(identity);
		assertThat(HolderIdentity.parse(name).orElseThrow().isFor("Gehälter:账单")).isTrue();
	}

	@Test
	void applicationNameShouldCutALongNameInAnyLanguageAtACharacter() {
		String lock = "月次レポート生成🙂".repeat(4);
		HolderIdentity parsed = HolderIdentity
			.parse(new HolderIdentity(lock, "app-7", LONGEST_PID, SINCE).toApplicationName())
			.orElseThrow();
		assertThat(lock).startsWith(parsed.name());
		assertThat(parsed.name()).isNotEmpty().doesNotContain("\ufffd");
		assertThat(Character.isHighSurrogate(parsed.name().charAt(parsed.name().length() - 1))).isFalse();
		assertThat(parsed.isFor(lock)).isTrue();
		assertThat(parsed.isFor(parsed.name().substring(0, 1))).isFalse();
		assertThat(parsed.pid()).isEqualTo(LONGEST_PID);
	}

	@Test
	void applicationNameWithAnIpv6HostShouldParseBackWhole() {
		HolderIdentity identity = new HolderIdentity("orders", "fe80:0:0:0:1%eth0", 42, SINCE);
		assertThat(HolderIdentity.parse(identity.toApplicationName())).contains(identity);
	}

	@Test
	void applicationNameWithASinceOutOfRangeShouldNotParse() {
		assertThat(HolderIdentity.parse("zeph:orders:app-7:42:zzzzzzzzzzzz")).isEmpty();
	}

}
