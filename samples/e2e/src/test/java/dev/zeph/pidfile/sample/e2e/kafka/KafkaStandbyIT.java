package dev.zeph.pidfile.sample.e2e.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.LoggedProcess;
import dev.zeph.pidfile.testsupport.Polling;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real listener container as singleton work: a {@code @KafkaListener} of two instances on one
 * host, in standby mode on the pid file, against an embedded KRaft broker, with records
 * produced all along. Only the active instance consumes; once it is killed, the other takes
 * over and resumes from the group's committed offset, without a gap and never beside the first.
 */
class KafkaStandbyIT {

	private static EmbeddedKafkaKraftBroker broker;

	@TempDir
	Path temp;

	@BeforeAll
	static void startBroker() {
		// two partitions: a second consumer in the group would be given one at once
		broker = new EmbeddedKafkaKraftBroker(1, 2, "orders");
		broker.afterPropertiesSet();
	}

	@AfterAll
	static void stopBroker() {
		if (broker != null) {
			broker.destroy();
		}
	}

	private LoggedProcess start(String name) throws IOException {
		List<String> command = ChildJvm.command(List.of("-XX:TieredStopAtLevel=1"),
				System.getProperty("java.class.path"), KafkaStandbyApplication.class, "--spring.main.banner-mode=off",
				"--spring.main.web-application-type=none", "--zeph.pidfile.mode=standby",
				"--zeph.pidfile.path=" + this.temp.resolve("orders.pid"), "--zeph.pidfile.check-interval=200ms",
				"--zeph.pidfile.standby.stop-budget=200ms",
				"--zeph.pidfile.standby.lifecycle-beans=org.springframework.kafka.config.KafkaListenerEndpointRegistry",
				"--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
				"--spring.kafka.consumer.auto-offset-reset=earliest",
				// the broker hands a dead member's partitions on after its session timeout, here the least it takes
				"--spring.kafka.consumer.properties.session.timeout.ms=6000",
				"--spring.kafka.consumer.properties.heartbeat.interval.ms=1000",
				"--test.witness=" + witness());
		return LoggedProcess.start(command, this.temp, this.temp.resolve(name + ".log"));
	}

	private Path witness() {
		return this.temp.resolve("consumed.log");
	}

	@Test
	void onlyTheActiveInstanceShouldConsumeAndTheNextShouldResumeFromTheCommittedOffset() throws Exception {
		AtomicBoolean producing = new AtomicBoolean(true);
		Thread producer = new Thread(() -> produce(producing), "orders-producer");
		producer.start();
		try (LoggedProcess first = start("first")) {
			first.awaitOutput("Active: this instance holds pid file");
			Polling.await(() -> partitionsOf(first.pid()) == 2, "the first to consume both partitions");
			try (LoggedProcess second = start("second")) {
				second.awaitOutput("Standing by: Pid file");
				// long enough for a consumer that had joined the group to be given a partition, and
				// longer than the grace of 400 ms, so that the standby takes over at once
				Thread.sleep(8000);
				assertThat(groupMembers()).as("members of the consumer group while one instance stands by").isOne();
				assertThat(consumers()).containsOnly(first.pid());
				long killed = System.nanoTime();
				first.kill();
				second.awaitOutput("Active: this instance holds pid file");
				Polling.await(() -> consumers().contains(second.pid()), "the second to consume");
				Polling.await(() -> partitionsOf(second.pid()) == 2, "the second to consume both partitions");
				List<Consumed> consumed = consumed();
				assertThat(consumed).filteredOn((record) -> record.pid() == second.pid())
					.as("the second consumed only once the first was killed")
					.allMatch((record) -> record.nanos() > killed);
				for (int partition = 0; partition < 2; partition++) {
					int p = partition;
					List<Consumed> inPartition = consumed.stream().filter((record) -> record.partition() == p).toList();
					long firstLast = inPartition.stream()
						.filter((record) -> record.pid() == first.pid())
						.mapToLong(Consumed::offset)
						.max()
						.orElseThrow();
					long secondFirst = inPartition.stream()
						.filter((record) -> record.pid() == second.pid())
						.mapToLong(Consumed::offset)
						.min()
						.orElseThrow();
					assertThat(secondFirst).as("partition %d resumed from the committed offset, not from the start", p)
						.isGreaterThan(0)
						.as("partition %d without a gap", p)
						.isLessThanOrEqualTo(firstLast + 1);
					long last = inPartition.stream().mapToLong(Consumed::offset).max().orElseThrow();
					assertThat(inPartition.stream().mapToLong(Consumed::offset).distinct().count())
						.as("every offset of partition %d up to the last consumed, by one or the other", p)
						.isEqualTo(last + 1);
				}
			}
		}
		finally {
			producing.set(false);
			producer.join();
		}
	}

	private static void produce(AtomicBoolean producing) {
		try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
				broker.getBrokersAsString(), ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
				ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
			for (int n = 0; producing.get(); n++) {
				// keyed: the records spread over both partitions
				producer.send(new ProducerRecord<>("orders", "order-" + n, "order-" + n));
				Thread.sleep(20);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static int groupMembers() throws Exception {
		try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()))) {
			return admin.describeConsumerGroups(List.of("orders-standby"))
				.describedGroups()
				.get("orders-standby")
				.get()
				.members()
				.size();
		}
	}

	private List<Long> consumers() {
		return consumed().stream().map(Consumed::pid).distinct().toList();
	}

	private long partitionsOf(long pid) {
		return consumed().stream().filter((record) -> record.pid() == pid).map(Consumed::partition).distinct().count();
	}

	private List<Consumed> consumed() {
		try {
			List<Consumed> consumed = new ArrayList<>();
			if (Files.exists(witness())) {
				for (String line : Files.readAllLines(witness())) {
					String[] parts = line.split(" ");
					consumed.add(new Consumed(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Integer.parseInt(parts[2]),
							Long.parseLong(parts[3])));
				}
			}
			return consumed;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record Consumed(long nanos, long pid, int partition, long offset) {

	}

}
