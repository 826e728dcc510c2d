package dev.zeph.pidfile.benchmarks.startup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.zeph.pidfile.benchmarks.sample.Command;
import dev.zeph.pidfile.benchmarks.sample.Jdk;
import dev.zeph.pidfile.benchmarks.stats.Summary;

/**
 * The native layer alone, cold, each run in a fresh JVM without Spring: {@link ColdAcquire}
 * (the core as it is, on the web sample's own libraries) and, on JDK 22+,
 * {@code NarrowForeignProbe} (three bare downcalls), interleaved run by run. The probe is
 * compiled here with that JDK's {@code javac --release 22}, because the module's sources are
 * compiled for Java 17 and must stay buildable on a JDK 17.
 */
final class ColdProbes {

	private static final Pattern RESULT = Pattern
		.compile("^(?:cold_acquire|narrow)(?: binding=\\S+)? ms=([0-9.]+).* cpu_ms=([0-9.]+) classes=(\\d+)(?: backend=(.*))?$",
				Pattern.MULTILINE);

	/** The runs of one probe. */
	record Probe(String label, List<Double> wallMs, List<Double> cpuMs, List<Double> classes) {

		Summary wall() {
			return Summary.of(this.wallMs);
		}

		Summary cpu() {
			return Summary.of(this.cpuMs);
		}

		Summary loaded() {
			return Summary.of(this.classes);
		}

	}

	private ColdProbes() {
	}

	/**
	 * {@code runs} runs of each probe on the JDK, with the starter jar extracted under
	 * {@code work}; {@code narrowSource} is the directory of {@code NarrowForeignProbe}'s
	 * source tree.
	 */
	static List<Probe> run(Jdk jdk, Path starterJar, Path narrowSource, int runs, Path work, Path pids, Path logs)
			throws Exception {
		String v = String.valueOf(jdk.version());
		Path app = Command.extract(jdk, starterJar, work.resolve("app"), logs.resolve("probe-" + v + "-extract.log"));
		Path benchmarkClasses = Path.of(ColdAcquire.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		Map<String, List<String>> commands = new LinkedHashMap<>();
		commands.put("core", command(jdk, benchmarkClasses + ":" + app.getParent().resolve("lib") + "/*",
				ColdAcquire.class.getName()));
		if (jdk.version() >= 22) {
			Path classes = work.resolve("java22-classes");
			List<String> javac = new ArrayList<>(List.of(jdk.javac().toString(), "--release", "22", "-d", classes.toString()));
			try (Stream<Path> sources = Files.walk(narrowSource)) {
				sources.filter((p) -> p.toString().endsWith(".java")).forEach((p) -> javac.add(p.toString()));
			}
			Command.run(javac, logs.resolve("probe-" + v + "-javac.log"));
			commands.put("ffm3", command(jdk, classes.toString(), ColdAcquire.class.getPackageName() + ".NarrowForeignProbe"));
		}
		Map<String, Probe> probes = new LinkedHashMap<>();
		for (int i = 1; i <= runs; i++) {
			for (Map.Entry<String, List<String>> probe : commands.entrySet()) {
				String name = probe.getKey();
				List<String> command = new ArrayList<>(probe.getValue());
				command.add(pids.resolve("probe-" + v + "-" + name + "-" + i + ".pid").toString());
				Path log = logs.resolve("probe-" + v + "-" + name + "-" + i + ".log");
				Matcher result = RESULT.matcher(Command.run(command, log));
				if (!result.find()) {
					throw new IllegalStateException("no result from the probe: see " + log);
				}
				Probe runsSoFar = probes.computeIfAbsent(name, (key) -> new Probe(label(key, result.group(4)),
						new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
				runsSoFar.wallMs().add(Double.parseDouble(result.group(1)));
				runsSoFar.cpuMs().add(Double.parseDouble(result.group(2)));
				runsSoFar.classes().add(Double.parseDouble(result.group(3)));
			}
		}
		return List.copyOf(probes.values());
	}

	private static List<String> command(Jdk jdk, String classPath, String mainClass) {
		List<String> command = new ArrayList<>(List.of(jdk.java().toString()));
		command.addAll(jdk.nativeAccess());
		command.addAll(List.of("-cp", classPath, mainClass));
		return command;
	}

	private static String label(String name, String backend) {
		return name.equals("core") ? "zeph-pidfile-core as it is: PidFile.acquire + close (" + backend.trim() + ")"
				: "java.lang.foreign, 3 downcall handles (open, flock, close)";
	}

}
