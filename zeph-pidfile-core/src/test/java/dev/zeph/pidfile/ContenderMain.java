package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One contender for a pid file: acquires, records "enter" and "exit" in a shared
 * {@code O_APPEND} witness log, releases, and again, until it has held the file
 * {@code cycles} times. Runs as a thread in the test JVM and as the main of child JVMs.
 */
public final class ContenderMain {

	private ContenderMain() {
	}

	public static void main(String[] args) throws Exception {
		run(Path.of(args[0]), Path.of(args[1]), args[2], Integer.parseInt(args[3]));
		System.out.println("done " + args[2]);
	}

	static void run(Path pidFile, Path witness, String id, int cycles) throws IOException {
		// one write(2) per record on an O_APPEND file: records from all processes interleave whole
		try (FileChannel log = FileChannel.open(witness, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.APPEND)) {
			ByteBuffer enter = ByteBuffer.wrap(("E " + id + "\n").getBytes(StandardCharsets.US_ASCII));
			ByteBuffer exit = ByteBuffer.wrap(("X " + id + "\n").getBytes(StandardCharsets.US_ASCII));
			int held = 0;
			while (held < cycles) {
				PidFile acquired;
				try {
					acquired = PidFile.acquire(pidFile);
				}
				catch (AlreadyRunningException ex) {
					Thread.onSpinWait();
					continue;
				}
				try (acquired) {
					log.write(enter.rewind());
					Thread.yield();
					log.write(exit.rewind());
				}
				held++;
			}
		}
	}

}
