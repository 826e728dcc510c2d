package dev.zeph.pidfile.benchmarks.percall;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.IterationType;
import org.openjdk.jmh.runner.format.OutputFormat;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * JMH's usual text output, into a log, and every iteration's result kept as it arrives,
 * warm-up iterations included: JMH's run results hold only the measured ones, and a reader
 * of the table should see that the steady state was reached before measuring.
 */
final class IterationLog implements OutputFormat {

	/**
	 * One one-second iteration of a benchmark.
	 *
	 * @param benchmark the benchmark method's name
	 * @param warmup whether it was a warm-up iteration
	 * @param index its number within its phase, from 1
	 * @param microseconds its score, µs per operation
	 * @param collections the collections in it (JMH's {@code gc.count}, 0 without the GC profiler)
	 */
	record Iteration(String benchmark, boolean warmup, int index, double microseconds, double collections) {

	}

	private final OutputFormat text;

	private final List<Iteration> iterations = new ArrayList<>();

	IterationLog(PrintStream log) {
		this.text = OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL);
	}

	List<Iteration> iterations() {
		return this.iterations;
	}

	@Override
	public void iterationResult(BenchmarkParams benchmark, IterationParams iteration, int index,
			IterationResult result) {
		String name = benchmark.getBenchmark();
		Result<?> collections = result.getSecondaryResults().get("gc.count");
		this.iterations.add(new Iteration(name.substring(name.lastIndexOf('.') + 1),
				iteration.getType() == IterationType.WARMUP, index, result.getPrimaryResult().getScore(),
				(collections != null) ? collections.getScore() : 0));
		this.text.iterationResult(benchmark, iteration, index, result);
	}

	@Override
	public void iteration(BenchmarkParams benchmark, IterationParams iteration, int index) {
		this.text.iteration(benchmark, iteration, index);
	}

	@Override
	public void startBenchmark(BenchmarkParams benchmark) {
		this.text.startBenchmark(benchmark);
	}

	@Override
	public void endBenchmark(BenchmarkResult result) {
		this.text.endBenchmark(result);
	}

	@Override
	public void startRun() {
		this.text.startRun();
	}

	@Override
	public void endRun(Collection<RunResult> results) {
		this.text.endRun(results);
	}

	@Override
	public void print(String s) {
		this.text.print(s);
	}

	@Override
	public void println(String s) {
		this.text.println(s);
	}

	@Override
	public void flush() {
		this.text.flush();
	}

	@Override
	public void close() {
		this.text.close();
	}

	@Override
	public void verbosePrintln(String s) {
		this.text.verbosePrintln(s);
	}

	@Override
	public void write(int b) {
		this.text.write(b);
	}

	@Override
	public void write(byte[] b) throws IOException {
		this.text.write(b);
	}

}
