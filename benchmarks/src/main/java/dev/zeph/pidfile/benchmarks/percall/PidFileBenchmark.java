package dev.zeph.pidfile.benchmarks.percall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.zeph.pidfile.PidFile;
import dev.zeph.pidfile.PidFileException;
import dev.zeph.pidfile.PidFileStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call cost of a pid file, for comparison with {@code ../shared/perf/syscall-floor.c}
 * run in the same minute (see {@link PerCallBenchmark}): the C program's "cycle",
 * "verify" and "probe" are {@link #acquireRelease()}, {@link #ownershipCheck()} and
 * {@link #inspectHeld()}.
 * <p>
 * System properties read in the forked JVM: {@code zeph.bench.dir}, the directory to make the
 * pid files in (a fresh subdirectory is created there; default: the system temp directory),
 * so that the C floor and Java use one file system; {@code zeph.bench.expectBackend}, the
 * native backend that must serve ({@code java.lang.foreign} or {@code jffi}): the trial
 * fails rather than measure the other one. The backend in use is printed either way.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class PidFileBenchmark {

	private Path directory;

	/** Where {@link #acquireRelease()} creates and removes its pid file: absent between calls. */
	private Path cyclePath;

	/** A pid file held, by an open file description of its own, for the whole trial. */
	private Path heldPath;

	private PidFile held;

	@Setup(Level.Trial)
	public void setUp() throws IOException, PidFileException {
		String base = System.getProperty("zeph.bench.dir");
		this.directory = (base != null) ? Files.createTempDirectory(Path.of(base), "jmh")
				: Files.createTempDirectory("zeph-pidfile-jmh");
		this.cyclePath = this.directory.resolve("cycle.pid");
		this.heldPath = this.directory.resolve("held.pid");
		this.held = PidFile.acquire(this.heldPath);
		String backend = this.held.nativeBackend();
		System.out.println("zeph-pidfile backend: " + backend + " (Java " + Runtime.version() + ", "
				+ System.getProperty("java.vm.name") + ")");
		String expected = System.getProperty("zeph.bench.expectBackend");
		if (expected != null && !expected.isEmpty() && !expected.equals(backend)) {
			throw new IllegalStateException("expected the " + expected + " backend, but " + backend + " serves");
		}
		// what the benchmarks rely on: the held file is ours, and a second open file description sees it locked
		if (!this.held.isOwned()) {
			throw new IllegalStateException("held pid file not owned: " + this.held.ownership());
		}
		PidFileStatus status = PidFile.inspect(this.heldPath);
		if (status.state() != PidFileStatus.State.RUNNING || status.pid().orElse(-1) != this.held.pid()) {
			throw new IllegalStateException("inspect of a held pid file says " + status);
		}
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException, PidFileException {
		this.held.close();
		try (Stream<Path> paths = Files.walk(this.directory)) {
			for (Path each : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
				Files.deleteIfExists(each);
			}
		}
	}

	/**
	 * One acquire and release: create, lock, check the inode, write the pid; then check,
	 * unlink and close. The C "cycle".
	 */
	@Benchmark
	public long acquireRelease() throws PidFileException {
		try (PidFile pidFile = PidFile.acquire(this.cyclePath)) {
			return pidFile.pid();
		}
	}

	/**
	 * Does the path still name the file we locked: one {@code lstat}. The C "verify" does
	 * {@code fstat} and {@code lstat}.
	 */
	@Benchmark
	public PidFile.Ownership ownershipCheck() {
		return this.held.ownership();
	}

	/**
	 * Is a held pid file's instance running, and who is it: open, {@code fstat},
	 * {@code flock(LOCK_SH|LOCK_NB)}, {@code pread} of the pid written in the file, close. The
	 * holder is a {@code PidFile} of this JVM, which its own record of held files names; a
	 * holder in another process would be confirmed in {@code /proc/locks}. The C "probe" does
	 * open, flock and close.
	 */
	@Benchmark
	public PidFileStatus inspectHeld() throws PidFileException {
		return PidFile.inspect(this.heldPath);
	}

}
