package dev.zeph.pidfile.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@link Witness} that several JVMs share: one file that each appends whole lines to with
 * {@code O_APPEND}, one {@code write(2)} a line, so the order of its lines is the order of
 * the appends across processes, where {@link System#nanoTime()} of one JVM means nothing to
 * another. Lines are {@code enter <who>} when an instance becomes active, {@code exit <who>
 * <why>} when it notices it stopped, {@code work <who>} for work done because it was active,
 * and whatever else a test notes.
 */
final class WitnessFile {

	private final Path file;

	private final Map<String, Long> appendedHere = new ConcurrentHashMap<>();

	WitnessFile(Path file) {
		this.file = file;
	}

	Path path() {
		return this.file;
	}

	void append(String line) {
		String oneLine = line.replace('\n', ' ');
		try {
			Files.writeString(this.file, oneLine + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.WRITE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.appendedHere.putIfAbsent(oneLine, System.nanoTime());
	}

	ClusterLock.Listener listener(String who) {
		return new ClusterLock.Listener() {

			@Override
			public void activated(ClusterLock lock) {
				append("enter " + who);
			}

			@Override
			public void lost(ClusterLock lock, String reason, boolean wasActive) {
				append("exit " + who + " lost: " + reason);
			}

			@Override
			public void deactivated(ClusterLock lock, String reason) {
				append("exit " + who + " " + reason);
			}

		};
	}

	List<String> lines() {
		try {
			return Files.exists(this.file) ? Files.readAllLines(this.file) : List.of();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The index of the first line that starts with the given text, or -1. */
	int indexOf(String start) {
		List<String> lines = lines();
		for (int i = 0; i < lines.size(); i++) {
			if (lines.get(i).startsWith(start)) {
				return i;
			}
		}
		return -1;
	}

	boolean saw(String start) {
		return indexOf(start) >= 0;
	}

	/** When this JVM appended the line, on its own clock. */
	long appendedAt(String line) {
		Long at = this.appendedHere.get(line);
		assertThat(at).as("'%s' appended by this JVM: %s", line, lines()).isNotNull();
		return at;
	}

	/** Each enter is preceded by the exit of whoever entered before. */
	void assertNeverTwoActive() {
		List<String> lines = lines();
		List<String> active = new ArrayList<>();
		for (String line : lines) {
			String[] words = line.split(" ");
			if (words[0].equals("enter")) {
				assertThat(active).as("active when %s became active: %s", words[1], lines).isEmpty();
				active.add(words[1]);
			}
			else if (words[0].equals("exit")) {
				active.remove(words[1]);
			}
		}
	}

	/** No work of {@code who} once {@code other} entered. */
	void assertNoWorkAfterEnter(String who, String other) {
		List<String> lines = lines();
		int entered = indexOf("enter " + other);
		assertThat(entered).as("%s entered: %s", other, lines).isNotNegative();
		assertThat(lines.subList(entered, lines.size())).as("after %s entered: %s", other, lines)
			.noneMatch((line) -> line.equals("work " + who));
	}

	@Override
	public String toString() {
		return String.join("\n", lines());
	}

}
