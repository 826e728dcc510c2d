package dev.zeph.pidfile.sample.e2e.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * A queue consumer that must consume on one instance at a time, as its users write it: a
 * plain {@code @KafkaListener}, made singleton work by naming the listeners' registry's class in
 * {@code zeph.pidfile.standby.lifecycle-beans}. Each record it consumes is written to
 * {@code test.witness} as {@code <nanos> <pid> <partition> <offset>}, one {@code O_APPEND} write each.
 */
@SpringBootApplication
public class KafkaStandbyApplication {

	public static void main(String[] args) throws InterruptedException {
		SpringApplication.run(KafkaStandbyApplication.class, args);
		Thread.currentThread().join();
	}

	@Component
	static class OrdersListener {

		private final Path witness;

		private final long pid = ProcessHandle.current().pid();

		OrdersListener(@Value("${test.witness}") Path witness) {
			this.witness = witness;
		}

		@KafkaListener(id = "orders", topics = "orders", groupId = "orders-standby")
		void consume(ConsumerRecord<String, String> record) {
			byte[] line = (System.nanoTime() + " " + this.pid + " " + record.partition() + " " + record.offset() + "\n")
				.getBytes(StandardCharsets.US_ASCII);
			try (FileChannel channel = FileChannel.open(this.witness, StandardOpenOption.CREATE,
					StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
				channel.write(ByteBuffer.wrap(line));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
