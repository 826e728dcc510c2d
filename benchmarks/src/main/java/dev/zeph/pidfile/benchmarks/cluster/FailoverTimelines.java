package dev.zeph.pidfile.benchmarks.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.zeph.pidfile.benchmarks.cluster.FailoverBenchmark.Fault;
import dev.zeph.pidfile.benchmarks.pictures.Timeline;
import dev.zeph.pidfile.testsupport.PostgresServer;

/**
 * Draws who was active when through a kill, a partition and a freeze of the active instance:
 * one failover trial of each fault for this project and for Spring Integration's leader
 * initiator, against one real PostgreSQL server, drawn from the trials' witness files into
 * {@code failover-<fault>.svg}, and the witness files kept beside them.
 * <p>
 * Arguments: {@code [directory, default docs/images]}.
 */
public final class FailoverTimelines {

	private FailoverTimelines() {
	}

	public static void main(String[] args) throws Exception {
		Path out = Path.of((args.length > 0) ? args[0] : "docs/images");
		Files.createDirectories(out);
		Path directory = Files.createTempDirectory("zeph-timelines-");
		try (PostgresServer server = PostgresServer.start()) {
			FailoverBenchmark benchmark = new FailoverBenchmark(server, directory, System.getProperty("java.class.path"));
			FailoverBenchmark.createSpringIntegrationTable(server);
			for (Fault fault : List.of(Fault.KILL, Fault.PARTITION, Fault.FREEZE)) {
				String name = fault.name().toLowerCase(java.util.Locale.ROOT);
				System.out.printf("%s: %s%n", FailoverBenchmark.ZEPH, benchmark.trial(FailoverBenchmark.ZEPH, fault, 0));
				System.out.printf("%s: %s%n", FailoverBenchmark.SPRING_INTEGRATION,
						benchmark.trial(FailoverBenchmark.SPRING_INTEGRATION, fault, 0));
				Path zeph = out.resolve("failover-" + name + "-zeph.log");
				Path integration = out.resolve("failover-" + name + "-spring-integration.log");
				Files.copy(benchmark.witness(FailoverBenchmark.ZEPH, fault, 0), zeph,
						java.nio.file.StandardCopyOption.REPLACE_EXISTING);
				Files.copy(benchmark.witness(FailoverBenchmark.SPRING_INTEGRATION, fault, 0), integration,
						java.nio.file.StandardCopyOption.REPLACE_EXISTING);
				String svg = Timeline.draw("Through a " + fault + ": who ran the singleton work when",
						List.of(new Timeline.Panel("zeph-pidfile cluster lock", zeph, "#2f6fdf"),
								new Timeline.Panel("Spring Integration leader initiator", integration, "#e07b00")));
				Files.writeString(out.resolve("failover-" + name + ".svg"), svg);
				System.out.println("drew " + out.resolve("failover-" + name + ".svg"));
			}
		}
	}

}
