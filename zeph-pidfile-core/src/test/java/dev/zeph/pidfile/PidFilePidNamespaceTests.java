package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.Commands;
import dev.zeph.pidfile.testsupport.Polling;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests with holders in pid namespaces of their own, as containers that share a volume run
 * them: each is pid 1 there, and the kernel lists to each only the locks of the processes it
 * can see. The pid in the file then names nobody in particular, and must never be taken for
 * the holder.
 */
class PidFilePidNamespaceTests {

	@TempDir
	Path temp;

	@BeforeAll
	static void requireUnshare() {
		assumeThat("root".equals(System.getProperty("user.name")) && Commands.available("unshare"))
			.as("'unshare --pid --fork --mount-proc' needs root and util-linux's unshare")
			.isTrue();
	}

	@Test
	void acquireWhenBothArePid1OfTheirOwnNamespacesShouldNotClaimThisProcess() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process first = inOwnPidNamespace(path, true);
		try {
			assertThat(ChildJvm.awaitLine(first, "acquired")).isEqualTo("acquired 1");
			Process second = inOwnPidNamespace(path, true);
			try {
				assertThat(ChildJvm.awaitLine(second, "refused"))
					.contains("locked by a process outside this pid namespace, or not visible to this user")
					.contains("the file says PID 1, which may not be meaningful in this pid namespace")
					.doesNotContain("this process");
			}
			finally {
				Commands.killTree(second);
			}
		}
		finally {
			Commands.killTree(first);
		}
	}

	@Test
	void acquireFromAnotherNamespaceWhereThatPidIsAnotherProcessShouldNotNameIt() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process first = inOwnPidNamespace(path, true);
		try {
			ChildJvm.awaitLine(first, "acquired");
			// pid 1 there is the shell: the pid in the file names it, not the holder
			Process second = inOwnPidNamespace(path, false);
			try {
				assertThat(ChildJvm.awaitLine(second, "refused")).contains("outside this pid namespace")
					.doesNotContain("locked by PID 1");
			}
			finally {
				Commands.killTree(second);
			}
		}
		finally {
			Commands.killTree(first);
		}
	}

	@Test
	void inspectFromTheParentNamespaceShouldNameTheHolderByItsPidHereNotByTheFile() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = inOwnPidNamespace(path, true);
		try {
			ChildJvm.awaitLine(holder, "acquired");
			long pidHere = holder.descendants().findFirst().orElseThrow().pid();
			PidFileStatus status = PidFile.inspect(path);
			assertThat(status.state()).isEqualTo(PidFileStatus.State.RUNNING);
			assertThat(status.pid()).hasValue(pidHere);
			assertThat(status.holder().kind()).isEqualTo(PidFileHolder.Kind.PROCESS);
			assertThat(status.holder().writtenPid()).hasValue(1);
		}
		finally {
			Commands.killTree(holder);
		}
	}

	@Test
	void awaitReleaseInOneNamespaceShouldWakeWhenTheHolderInAnotherLetsGo() throws Exception {
		Path path = this.temp.resolve("app.pid");
		Process holder = inOwnPidNamespace(path, true);
		try {
			ChildJvm.awaitLine(holder, "acquired");
			// two containers sharing a volume, each its own pid 1
			Process waiter = inOwnPidNamespace(AwaitThenAcquireMain.class, path, true);
			try {
				ChildJvm.awaitLine(waiter, "waiting");
				long waiterHere = waiter.descendants().findFirst().orElseThrow().pid();
				Polling.await(() -> PidFileFlockInteropTests.blockedRequests().contains(" " + waiterHere + " "),
						"the waiter's blocked flock request in /proc/locks");
				assertThat(waiter.isAlive()).isTrue();
				Commands.killTree(holder);
				assertThat(ChildJvm.awaitLine(waiter, "acquired")).isEqualTo("acquired 1");
			}
			finally {
				Commands.killTree(waiter);
			}
		}
		finally {
			Commands.killTree(holder);
		}
	}

	/**
	 * {@link HoldPidFileMain} in a new pid namespace with its own {@code /proc}: as the
	 * namespace's pid 1, or as a child of a shell that is.
	 */
	private static Process inOwnPidNamespace(Path path, boolean asPid1) throws IOException {
		return inOwnPidNamespace(HoldPidFileMain.class, path, asPid1);
	}

	/**
	 * A test's main class in a new pid namespace with its own {@code /proc}: as the
	 * namespace's pid 1, or as a child of a shell that is.
	 */
	private static Process inOwnPidNamespace(Class<?> main, Path path, boolean asPid1) throws IOException {
		List<String> java = ChildJvm.command(List.of(), main, path.toString());
		List<String> command = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
		if (asPid1) {
			command.addAll(java);
		}
		else {
			// a second command keeps the shell from replacing itself with java
			command.addAll(List.of("sh", "-c",
					java.stream().map((arg) -> "'" + arg.replace("'", "'\\''") + "'").collect(Collectors.joining(" "))
							+ "; exit $?"));
		}
		return new ProcessBuilder(command).redirectErrorStream(true).start();
	}

}
