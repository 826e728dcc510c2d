package dev.zeph.pidfile.benchmarks.health;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.endpoint.jackson.EndpointJsonMapper;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * Not the project's code: what the pidfile health indicator adds to one health request, inside
 * one JVM, without HTTP. Starts the web sample with two health groups (every contributor, and
 * every contributor but {@code pidfile}) and times, in alternating rounds, the actuator's
 * {@link HealthEndpoint} answering each group plus the JSON it would write. End-to-end latency
 * through {@code ab} on this machine cannot resolve a few microseconds (a round varies by a
 * factor of ten); this can, and {@link HealthBenchmark} divides its difference by the HTTP
 * latency measured beside it. It runs in a JVM of its own, on the class path of the web
 * sample's extracted jar; its Spring Boot types are only {@code provided} to this module.
 * <p>
 * Arguments: rounds, calls per round, the pid file's path. Prints one line per round,
 * {@code health_cost round=N with_ns=... without_ns=...} (nanoseconds per call), then
 * {@code health_cost median with_ns=... without_ns=... delta_ns=...}.
 */
public final class HealthCost {

	private static volatile int sink;

	private HealthCost() {
	}

	public static void main(String[] args) throws Exception {
		int rounds = Integer.parseInt(args[0]);
		int calls = Integer.parseInt(args[1]);
		SpringApplication application = new SpringApplication(
				Class.forName("dev.zeph.pidfile.sample.web.SampleWebApplication"));
		try (ConfigurableApplicationContext context = application.run("--server.port=0", "--server.address=127.0.0.1",
				"--zeph.pidfile.path=" + args[2], "--logging.level.root=warn",
				"--management.endpoint.health.group.with.include=*",
				"--management.endpoint.health.group.without.include=*",
				"--management.endpoint.health.group.without.exclude=pidfile")) {
			HealthEndpoint endpoint = context.getBean(HealthEndpoint.class);
			EndpointJsonMapper endpointMapper = context.getBeanProvider(EndpointJsonMapper.class).getIfAvailable();
			JsonMapper mapper = (endpointMapper != null) ? endpointMapper.get() : context.getBean(JsonMapper.class);
			String with = mapper.writeValueAsString(endpoint.healthForPath("with"));
			String without = mapper.writeValueAsString(endpoint.healthForPath("without"));
			if (!with.contains("\"pidfile\"") || without.contains("\"pidfile\"")) {
				throw new IllegalStateException("groups are not what they should be:\n" + with + "\n" + without);
			}
			System.out.println("health_cost with=" + with);
			System.out.println("health_cost without=" + without);
			// warm-up: both paths compiled before any round counts
			for (int i = 0; i < 20; i++) {
				time(endpoint, mapper, "with", calls);
				time(endpoint, mapper, "without", calls);
			}
			long[] withNs = new long[rounds];
			long[] withoutNs = new long[rounds];
			for (int round = 0; round < rounds; round++) {
				boolean withFirst = (round % 2) == 0;
				if (withFirst) {
					withNs[round] = time(endpoint, mapper, "with", calls);
				}
				withoutNs[round] = time(endpoint, mapper, "without", calls);
				if (!withFirst) {
					withNs[round] = time(endpoint, mapper, "with", calls);
				}
				System.out.println("health_cost round=" + round + " with_ns=" + withNs[round] + " without_ns="
						+ withoutNs[round]);
			}
			long[] deltas = new long[rounds];
			for (int round = 0; round < rounds; round++) {
				deltas[round] = withNs[round] - withoutNs[round];
			}
			System.out.println("health_cost median with_ns=" + median(withNs) + " without_ns=" + median(withoutNs)
					+ " delta_ns=" + median(deltas));
		}
	}

	/** Nanoseconds per call: the endpoint's answer for the group and its JSON. */
	private static long time(HealthEndpoint endpoint, JsonMapper mapper, String group, int calls) {
		long start = System.nanoTime();
		int length = 0;
		for (int i = 0; i < calls; i++) {
			HealthDescriptor health = endpoint.healthForPath(group);
			length += mapper.writeValueAsBytes(health).length;
		}
		long perCall = (System.nanoTime() - start) / calls;
		sink = length;
		return perCall;
	}

	private static long median(long[] values) {
		long[] sorted = values.clone();
		Arrays.sort(sorted);
		int n = sorted.length;
		return (n % 2 == 1) ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
	}

}
