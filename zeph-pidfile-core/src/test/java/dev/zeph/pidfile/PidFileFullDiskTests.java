package dev.zeph.pidfile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.Commands;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests on a file system with no space left, made for real: a tmpfs of a few pages, filled
 * up, in a mount namespace of the child JVM's own, so that nothing outside sees it and it
 * goes away with the child.
 */
class PidFileFullDiskTests {

	@TempDir
	Path temp;

	@BeforeAll
	static void requireUnshare() {
		assumeThat("root".equals(System.getProperty("user.name")) && Commands.available("unshare"))
			.as("'unshare --mount' and mount(8) need root and util-linux")
			.isTrue();
	}

	@Test
	void acquireOnAFullFileSystemShouldRefuseWithEnospcAndLeaveNothingBehind() throws Exception {
		Path mount = this.temp.resolve("full");
		Path path = mount.resolve("run/app/app.pid");
		List<String> output = onFullFileSystem(mount, null, path);
		assertThat(line(output, "refused"))
			.isEqualTo("refused ENOSPC write Cannot write pid file " + path + ": No space left on device (ENOSPC)");
		// neither the file nor the two directories this acquire created
		assertThat(line(output, "left")).isEqualTo("left []");
	}

	@Test
	void acquireOnAFullFileSystemShouldTakeOverAStaleFileInPlace() throws Exception {
		Path mount = this.temp.resolve("full");
		Path path = mount.resolve("app.pid");
		List<String> output = onFullFileSystem(mount, "32767\n", path);
		String acquired = line(output, "acquired");
		// the stale file's own space holds the new pid: no block is needed
		String pid = acquired.split(" ")[1];
		assertThat(acquired).isEqualTo("acquired " + pid + " content " + pid);
	}

	/**
	 * {@link AcquireOnceMain} on a tmpfs of 64 KiB mounted at {@code mount} in a mount
	 * namespace of its own and filled up, after writing {@code stale} to {@code app.pid} in it
	 * first when given.
	 */
	private static List<String> onFullFileSystem(Path mount, String stale, Path path) throws Exception {
		List<String> java = ChildJvm.command(List.of(), AcquireOnceMain.class, path.toString(), mount.toString());
		String at = "'" + mount + "'";
		String script = "set -e; mkdir -p " + at + "; mount -t tmpfs -o size=64k,mode=0755 zeph-full " + at + "; "
				+ ((stale != null) ? "printf '" + stale.replace("\n", "\\n") + "' > " + at + "/app.pid; " : "")
				+ "dd if=/dev/zero of=" + at + "/filler bs=4096 2>/dev/null || true; "
				+ "if printf x 2>/dev/null > " + at + "/probe; then echo 'the file system is not full'; exit 2; fi; "
				+ "rm -f " + at + "/probe; exec "
				+ java.stream().map((arg) -> "'" + arg.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
		List<String> command = new ArrayList<>(List.of("unshare", "--mount", "sh", "-c", script));
		Commands.Result result = Commands.run(command.toArray(String[]::new));
		assertThat(result.exitCode()).as(result.output()).isZero();
		return result.output().lines().toList();
	}

	private static String line(List<String> output, String prefix) {
		return output.stream()
			.filter((line) -> line.startsWith(prefix))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no line starting '" + prefix + "' in " + output));
	}

}
