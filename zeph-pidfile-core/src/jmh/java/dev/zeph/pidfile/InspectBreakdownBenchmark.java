package dev.zeph.pidfile;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
 * Where {@code PidFileBenchmark.inspectHeld}'s (benchmarks module) time goes: the pieces of
 * {@code PidFile.inspect} on a held path, to compare with the whole and with
 * {@code syscall-floor.c}'s probe (open, flock, close). In this package for the
 * package-private backend and {@link ProcLocks}; not part of the ratio table. Run by hand:
 * <pre>
 * java -cp "$CP" org.openjdk.jmh.Main -jvmArgsAppend --enable-native-access=ALL-UNNAMED 'InspectBreakdown|inspectHeld'
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class InspectBreakdownBenchmark {

	private static final Path PROC_LOCKS = Path.of("/proc/locks");

	private Path directory;

	private PidFile held;

	private String heldPath;

	private FileStatus heldStatus;

	private NativeAccess nativeAccess;

	private final byte[] buffer = new byte[8192];

	@Setup(Level.Trial)
	public void setUp() throws IOException, PidFileException, ErrnoException {
		// one flock of ours in /proc/locks, as when inspect runs on a held path
		String base = System.getProperty("zeph.bench.dir");
		this.directory = (base != null) ? Files.createTempDirectory(Path.of(base), "jmh")
				: Files.createTempDirectory("zeph-pidfile-jmh");
		this.held = PidFile.acquire(this.directory.resolve("held.pid"));
		this.heldPath = this.held.path().toString();
		this.nativeAccess = NativeAccessLoader.get(this.held.path());
		this.heldStatus = this.nativeAccess.lstat(this.heldPath);
		System.out.println("zeph-pidfile backend: " + this.nativeAccess.name() + " (Java " + Runtime.version() + ")");
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException, PidFileException {
		this.held.close();
		Files.deleteIfExists(this.directory);
	}

	/** The C probe through the backend, plus inspect's fstat: open, fstat, flock, close. */
	@Benchmark
	public boolean probeCalls() throws ErrnoException {
		int fd = this.nativeAccess.open(this.heldPath, false);
		try {
			this.nativeAccess.fstat(fd);
			return this.nativeAccess.tryLock(fd, false);
		}
		finally {
			this.nativeAccess.close(fd);
		}
	}

	/** The holder lookup's source, as shipped: read and parse /proc/locks. */
	@Benchmark
	public ProcLocks.Holders procLocksHolders() {
		return new ProcLocks().holders(this.heldStatus);
	}

	/** Reading /proc/locks as the first version did: {@code Files.readAllLines}, UTF-8, a list of lines. */
	@Benchmark
	public List<String> procLocksReadAllLines() throws IOException {
		return Files.readAllLines(PROC_LOCKS);
	}

	/** Reading /proc/locks into bytes through {@code FileInputStream}: open, read until end of file, close. */
	@Benchmark
	public int procLocksReadBytes() throws IOException {
		int length = 0;
		try (InputStream in = new FileInputStream(PROC_LOCKS.toFile())) {
			for (int n; (n = in.read(this.buffer, length, this.buffer.length - length)) > 0;) {
				length += n;
			}
		}
		return length + this.buffer[0];
	}

	/** Reading /proc/locks through the native backend: open, pread until end of file, close. */
	@Benchmark
	public int procLocksReadNative() throws ErrnoException {
		int fd = this.nativeAccess.open("/proc/locks", false);
		try {
			int length = 0;
			for (int n; (n = this.nativeAccess.pread(fd, this.buffer, length)) > 0;) {
				length += n;
			}
			return length + this.buffer[0];
		}
		finally {
			this.nativeAccess.close(fd);
		}
	}

}
