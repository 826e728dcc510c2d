package dev.zeph.pidfile.standby.testapp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An independent record of singleton work: each run and each running period of a singleton
 * lifecycle bean writes a begin and an end record, on the host's monotonic clock, with one
 * {@code O_APPEND} write per record into one file shared by every instance. Two periods of two
 * instances that overlap are a failure.
 */
public final class WorkWitness {

	private final Path file;

	private final long pid = ProcessHandle.current().pid();

	public WorkWitness(Path file) {
		this.file = file;
	}

	public void begin(String what) {
		write(what, "begin");
	}

	public void end(String what) {
		write(what, "end");
	}

	private void write(String what, String edge) {
		byte[] line = (System.nanoTime() + " " + this.pid + " " + what + " " + edge + "\n")
			.getBytes(StandardCharsets.US_ASCII);
		try (FileChannel channel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
				StandardOpenOption.APPEND)) {
			channel.write(ByteBuffer.wrap(line));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The periods of work in a witness file: a begin without an end lasts until its process
	 * died, when the test knows that moment, else for ever.
	 * @param file the witness file
	 * @param deaths when processes died, by pid, on the same clock
	 * @return the periods, in the order they began
	 */
	public static List<Period> periods(Path file, Map<Long, Long> deaths) throws IOException {
		List<Period> periods = new ArrayList<>();
		Map<String, Long> open = new HashMap<>();
		List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
		for (String line : lines) {
			String[] parts = line.split(" ");
			long nanos = Long.parseLong(parts[0]);
			long pid = Long.parseLong(parts[1]);
			String key = pid + " " + parts[2];
			if (parts[3].equals("begin")) {
				open.put(key, nanos);
			}
			else {
				Long begin = open.remove(key);
				if (begin != null) {
					periods.add(new Period(pid, parts[2], begin, nanos));
				}
			}
		}
		open.forEach((key, begin) -> {
			long pid = Long.parseLong(key.substring(0, key.indexOf(' ')));
			periods.add(new Period(pid, key.substring(key.indexOf(' ') + 1), begin,
					deaths.getOrDefault(pid, Long.MAX_VALUE)));
		});
		periods.sort((a, b) -> Long.compare(a.begin(), b.begin()));
		return periods;
	}

	/**
	 * Fail if the work of two processes ever overlapped.
	 * @param file the witness file
	 * @param deaths when processes died, by pid
	 * @return the periods
	 */
	public static List<Period> assertNoOverlap(Path file, Map<Long, Long> deaths) throws IOException {
		List<Period> periods = periods(file, deaths);
		for (int i = 0; i < periods.size(); i++) {
			for (int j = i + 1; j < periods.size(); j++) {
				Period a = periods.get(i);
				Period b = periods.get(j);
				if (a.pid() != b.pid() && b.begin() < a.end()) {
					throw new AssertionError("The work of two instances overlapped: " + a + " and " + b + " in "
							+ periods);
				}
			}
		}
		return periods;
	}

	/**
	 * Who did which work: the pids in the witness file that did it.
	 */
	public static List<Long> workers(Path file, String what) throws IOException {
		return periods(file, Map.of()).stream()
			.filter((period) -> period.what().equals(what))
			.map(Period::pid)
			.distinct()
			.toList();
	}

	public static void assertOnlyWorker(Path file, String what, long pid) throws IOException {
		assertThat(workers(file, what)).as("who ran " + what).containsOnly(pid);
	}

	/**
	 * One period of work of one process.
	 *
	 * @param pid the process
	 * @param what the work
	 * @param begin when it began
	 * @param end when it ended, or its process died
	 */
	public record Period(long pid, String what, long begin, long end) {

	}

}
