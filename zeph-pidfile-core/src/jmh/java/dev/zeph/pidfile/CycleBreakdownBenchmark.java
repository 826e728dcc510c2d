package dev.zeph.pidfile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Where {@code PidFile.acquire} + {@code close} spends its time beyond the C cycle: the same
 * system calls as {@code syscall-floor.c}'s cycle issued through the backend ({@link #cFloorCalls},
 * the cost of crossing into native code from Java), then the calls that {@code PidFile} makes
 * ({@link #pidFileCalls}) and made before they were cut to what is needed
 * ({@link #pidFileCallsBefore}: geteuid, pread of an old pid, ftruncate), against the real
 * thing in
 * {@code PidFileBenchmark.acquireRelease} of the benchmarks module. In this package for the package-private
 * backend; not part of the ratio table. Run by hand, with the same {@code zeph.bench.dir}:
 * <pre>
 * java -cp "$CP" org.openjdk.jmh.Main -jvmArgsAppend "--enable-native-access=ALL-UNNAMED -Dzeph.bench.dir=/tmp" 'CycleBreakdown'
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class CycleBreakdownBenchmark {

	private NativeAccess nativeAccess;

	private Path directory;

	private String path;

	private final byte[] content = PidContent.format(ProcessHandle.current().pid());

	private final byte[] buffer = new byte[PidContent.MAX_LENGTH + 1];

	@Setup(Level.Trial)
	public void setUp() throws IOException, PidFileException {
		String base = System.getProperty("zeph.bench.dir");
		this.directory = (base != null) ? Files.createTempDirectory(Path.of(base), "jmh")
				: Files.createTempDirectory("zeph-pidfile-jmh");
		this.path = this.directory.resolve("cycle.pid").toString();
		this.nativeAccess = NativeAccessLoader.get(this.directory);
		System.out.println("zeph-pidfile backend: " + this.nativeAccess.name() + " (Java " + Runtime.version() + ")");
	}

	@TearDown(Level.Trial)
	public void tearDown() throws IOException {
		Files.deleteIfExists(this.directory);
	}

	/** syscall-floor.c's cycle, call for call, through the backend. */
	@Benchmark
	public long cFloorCalls() throws ErrnoException {
		NativeAccess n = this.nativeAccess;
		int fd = n.create(this.path, 0644);
		n.tryLock(fd, true);
		FileStatus opened = n.fstat(fd);
		FileStatus current = n.lstat(this.path);
		n.pwrite(fd, this.content, 0);
		n.ftruncate(fd, this.content.length);
		n.lstat(this.path);
		n.unlink(this.path);
		n.close(fd);
		return opened.inode() + current.inode();
	}

	/**
	 * The calls a steady-state PidFile.acquire + close make on a path as deep as the
	 * benchmarks', in its order, without its logic: the two directories below the sticky
	 * temporary directory, then the C cycle less its ftruncate.
	 */
	@Benchmark
	public long pidFileCalls() throws ErrnoException {
		NativeAccess n = this.nativeAccess;
		n.stat(this.directory.getParent().toString());
		n.stat(this.directory.toString());
		int fd = n.create(this.path, 0644);
		FileStatus opened = n.fstat(fd);
		n.tryLock(fd, true);
		FileStatus current = n.lstat(this.path);
		n.pwrite(fd, this.content, 0);
		n.lstat(this.path);
		n.unlink(this.path);
		n.close(fd);
		return opened.inode() + current.inode();
	}

	/** The calls PidFile.acquire + close made before they were cut to what is needed. */
	@Benchmark
	public long pidFileCallsBefore() throws ErrnoException {
		NativeAccess n = this.nativeAccess;
		int euid = n.geteuid();
		n.stat(this.directory.toString());
		int fd = n.create(this.path, 0644);
		FileStatus opened = n.fstat(fd);
		n.tryLock(fd, true);
		FileStatus current = n.lstat(this.path);
		int old = n.pread(fd, this.buffer, 0);
		n.pwrite(fd, this.content, 0);
		n.ftruncate(fd, this.content.length);
		n.lstat(this.path);
		n.unlink(this.path);
		n.close(fd);
		return opened.inode() + current.inode() + euid + old;
	}

}
