package dev.zeph.pidfile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.Commands;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests that the lock protocol makes only the system calls it needs, on every backend: a
 * child JVM on that backend runs under {@code strace -f}, and the calls that its main thread makes
 * between two marker look-ups, around one acquire and release after a first one, are
 * counted. The JVM's own housekeeping on that thread (a futex at a safepoint, memory for the
 * heap) is not the protocol's and is left out; every other call counts, whatever it is, so
 * that a change that adds one is noticed.
 */
class SystemCallCountTests {

	/** What a JVM thread may do at any moment, for the runtime's sake and not ours. */
	private static final Set<String> JVM_HOUSEKEEPING = Set.of("futex", "sched_yield", "mmap", "munmap", "mprotect",
			"madvise", "gettid", "sysinfo", "rt_sigprocmask", "rt_sigreturn", "restart_syscall");

	/** {@code 4711  newfstatat(AT_FDCWD, "/x", ...) = 0}: the thread, then the call's name. */
	private static final Pattern CALL = Pattern.compile("^(\\d+)\\s+([a-z_0-9]+)\\(");

	@TempDir
	Path temp;

	@ParameterizedTest
	@EnumSource(NativeBackend.class)
	void uncontendedAcquireAndReleaseShouldMakeTenSystemCallsAtMost(NativeBackend backend) throws Exception {
		assumeThat(System.getProperty("os.name")).as("strace traces Linux system calls").isEqualTo("Linux");
		assumeThat(backend != NativeBackend.FOREIGN || Runtime.version().feature() >= 22)
			.as("java.lang.foreign needs Java 22")
			.isTrue();
		assumeThat(Commands.available("strace")).as("strace is installed").isTrue();
		// one directory down from the temporary one, as the benchmarks' pid file is
		Path path = this.temp.resolve("run/app.pid");
		Path start = this.temp.resolve("count-start-marker");
		Path end = this.temp.resolve("count-end-marker");
		Path trace = this.temp.resolve("strace.out");
		List<String> command = new ArrayList<>(List.of("strace", "-f", "-qq", "-s", "256", "-o", trace.toString()));
		command.addAll(ChildJvm.command(List.of("-D" + NativeAccessLoader.BACKEND_PROPERTY + "=" + backend),
				CountSystemCallsMain.class, path.toString(), start.toString(),
				end.toString()));
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
		assumeThat(output).as("strace may trace here (ptrace permitted)").doesNotContain("ptrace");
		assertThat(output).contains("counted " + path).contains("backend " + backend);
		List<String> calls = callsBetween(Files.readAllLines(trace, StandardCharsets.UTF_8), start.toString(),
				end.toString());
		assertThat(calls).as("system calls of one acquire and release: %s", calls)
			.hasSizeLessThanOrEqualTo(10)
			.contains("flock");
	}

	/**
	 * The calls that the thread which looked up {@code start} made after that and before it
	 * looked up {@code end}, less the JVM's housekeeping.
	 */
	static List<String> callsBetween(List<String> trace, String start, String end) {
		String thread = null;
		List<String> calls = new ArrayList<>();
		for (String line : trace) {
			Matcher call = CALL.matcher(line);
			if (!call.find()) {
				// "<... flock resumed>", signals, exits: not a call of its own
				continue;
			}
			if (line.contains('"' + start + '"')) {
				thread = call.group(1);
				calls.clear();
			}
			else if (thread != null && thread.equals(call.group(1))) {
				if (line.contains('"' + end + '"')) {
					return calls;
				}
				if (!JVM_HOUSEKEEPING.contains(call.group(2))) {
					calls.add(call.group(2));
				}
			}
		}
		throw new IllegalStateException("the trace shows no look-up of " + start + " followed by one of " + end);
	}

}
