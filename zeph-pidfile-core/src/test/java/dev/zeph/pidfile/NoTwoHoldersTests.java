package dev.zeph.pidfile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.zeph.pidfile.testsupport.ChildJvm;
import dev.zeph.pidfile.testsupport.Commands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests that no two open file descriptions ever hold one pid file at once, under the race
 * that catches most implementations: a waiter opens the file, the holder unlinks and closes,
 * the waiter locks the deleted inode while a newcomer locks a new file at the same path.
 * Eight threads (each with its own open, so they truly contend) and two child JVMs take
 * turns for 20,000 holds in all, and a shared append-only log witnesses every hold.
 */
class NoTwoHoldersTests {

	private static final int THREADS = 8;

	private static final int CHILD_JVMS = 2;

	private static final int CYCLES_EACH = 2_000;

	@TempDir
	Path temp;

	@Test
	void contendersShouldNeverHoldThePidFileAtTheSameTime() throws Exception {
		Path pidFile = this.temp.resolve("contended.pid");
		Path witness = this.temp.resolve("witness.log");
		List<Process> children = new ArrayList<>();
		for (int i = 0; i < CHILD_JVMS; i++) {
			children.add(ChildJvm.start(ContenderMain.class, pidFile.toString(), witness.toString(), "jvm" + i,
					Integer.toString(CYCLES_EACH)));
		}
		ExecutorService threads = Executors.newFixedThreadPool(THREADS);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int i = 0; i < THREADS; i++) {
				String id = "thread" + i;
				running.add(threads.submit(() -> {
					ContenderMain.run(pidFile, witness, id, CYCLES_EACH);
					return null;
				}));
			}
			for (Future<?> each : running) {
				each.get(10, TimeUnit.MINUTES);
			}
			for (Process child : children) {
				assertThat(ChildJvm.awaitLine(child, "done")).startsWith("done jvm");
				assertThat(child.waitFor(5, TimeUnit.MINUTES)).isTrue();
				assertThat(child.exitValue()).isZero();
			}
		}
		finally {
			threads.shutdownNow();
			for (Process child : children) {
				Commands.killTree(child);
			}
		}
		List<String> records = Files.readAllLines(witness);
		int holds = 0;
		for (int i = 0; i < records.size(); i += 2) {
			String enter = records.get(i);
			String exit = (i + 1 < records.size()) ? records.get(i + 1) : "(end of log)";
			assertThat(enter).as("record %d: a hold must start after the previous one ended", i).startsWith("E ");
			assertThat(exit).as("record %d: %s must leave before anyone else enters", i + 1, enter)
				.isEqualTo("X " + enter.substring(2));
			holds++;
		}
		assertThat(holds).isEqualTo((THREADS + CHILD_JVMS) * CYCLES_EACH).isGreaterThanOrEqualTo(20_000);
		assertThat(pidFile).doesNotExist();
	}

}
