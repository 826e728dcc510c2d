package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A child JVM that acquires the pid file named by its first argument once, says how that
 * went, releases it, and lists what is left in the directory named by its second argument
 * (but the file named {@code filler}): for a test that sees that directory only from inside
 * the child's mount namespace.
 */
public final class AcquireOnceMain {

	private AcquireOnceMain() {
	}

	public static void main(String[] args) throws IOException {
		try (PidFile pidFile = PidFile.acquire(Path.of(args[0]))) {
			System.out.println("acquired " + pidFile.pid() + " content " + Files.readString(pidFile.path()).trim());
		}
		catch (PidFileException ex) {
			System.out.println("refused " + ex.getErrnoType().map(Errno::name).orElse("-") + " " + ex.getOperationType() + " "
					+ ex.getMessage());
		}
		Path directory = Path.of(args[1]);
		try (Stream<Path> files = Files.walk(directory)) {
			List<String> left = files.filter((file) -> !file.equals(directory))
				.filter((file) -> !file.getFileName().toString().equals("filler"))
				.map((file) -> directory.relativize(file).toString())
				.sorted()
				.toList();
			System.out.println("left " + left);
		}
	}

}
