#!/usr/bin/env bash
# Per-call cost of zeph-pidfile against the C floor (issue 5, target 3; issue 13): JMH on JDK 25
# (java.lang.foreign) and JDK 17 (jffi) against ../shared/perf/syscall-floor.c, as ratios, in the
# steady state.
#
#   zeph-pidfile-core/src/jmh/run-benchmarks.sh            # about 8 minutes on 2 cores
#   BENCH_DIR=/dev/shm zeph-pidfile-core/src/jmh/run-benchmarks.sh   # on a tmpfs, like /run
#
# 1. builds the module once with -Pbenchmarks on JDK 25, so that the packaged multi-release jar
#    carries the java.lang.foreign backend in META-INF/versions/22 (JDK 17 ignores it and uses
#    jffi); JMH runs from that jar, never from target/classes;
# 2. compiles the C floor with gcc -O2 into a temporary directory;
# 3. alternates C and Java: C, Java(cfg 1), C, Java(cfg 2), C, Java(cfg 1), ..., C. Each Java
#    run is compared with the C runs just before and just after it (the median of their 2 x 3
#    rounds), so both sides see the same minute and the same noise;
# 4. prints Java/C ratios per configuration: the median over rounds, with min-max. A Java run's
#    time is the median of its one-second JMH iterations (each an average, in us/op).
#
# Steady state: the benchmark JVM runs with a fixed, pre-touched heap (HEAP_OPTS, default
# -Xms512m -Xmx512m -XX:+AlwaysPreTouch). Without it, the first pass of the allocations through
# a freshly enlarged eden pays a page fault per new 4 KiB page (about 11 us each on this kind of
# VM), which lands inside a short warm-up and measurement and adds microseconds per acquire.
# JMH's GC profiler runs too (PROF, default gc): it reports the bytes allocated per operation
# and the collections in each iteration. Every one-second iteration time, warm-up included, is
# kept in iterations.tsv and summed up as drift (last measured / first measured) in the table,
# so that a reader can see the measured iterations are flat.
#
# Both sides make their files in one temporary directory, at the same depth, so on one file
# system: BENCH_DIR (default ${TMPDIR:-/tmp}) picks it; /dev/shm is a tmpfs like /run, where
# pid files usually live, and much less noisy than a disk shared with other work.
# Environment: ROUNDS (6), FLOOR_ITERATIONS (20000 per C round), WARMUP and MEASURE (5 and 5
# one-second JMH iterations), CONFIGS ("jdk25-ffm jdk17-jffi"; "jdk25-jffi" is also known),
# JDK17_HOME, JDK25_HOME, SKIP_BUILD=1 (reuse the last build), HEAP_OPTS, PROF ("" for none),
# JMH_EXTRA (more JMH options). Raw logs, CSVs and the table stay in
# zeph-pidfile-core/target/benchmarks/.
set -euo pipefail

module=$(cd "$(dirname "$0")/../.." && pwd)
repo=$(cd "$module/.." && pwd)
floor_source="$repo/../shared/perf/syscall-floor.c"

JDK17_HOME=${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
ROUNDS=${ROUNDS:-6}
FLOOR_ITERATIONS=${FLOOR_ITERATIONS:-20000}
WARMUP=${WARMUP:-5}
MEASURE=${MEASURE:-5}
CONFIGS=${CONFIGS:-"jdk25-ffm jdk17-jffi"}
HEAP_OPTS=${HEAP_OPTS:--Xms512m -Xmx512m -XX:+AlwaysPreTouch}
PROF=${PROF-gc}
JMH_EXTRA=${JMH_EXTRA:-}

die() { echo "run-benchmarks: $*" >&2; exit 1; }
[ -f "$floor_source" ] || die "no C floor at $floor_source (the repository's parent directory must hold shared/)"
command -v gcc >/dev/null || die "gcc is needed for the C floor (apt-get install gcc)"
[ -x "$JDK17_HOME/bin/java" ] || die "no JDK 17 at $JDK17_HOME (set JDK17_HOME)"
[ -x "$JDK25_HOME/bin/java" ] || die "no JDK 25 at $JDK25_HOME (set JDK25_HOME)"

# name -> java binary, JVM options for the forked benchmark JVM
config_java() {
  case "$1" in
    jdk25-ffm|jdk25-jffi) echo "$JDK25_HOME/bin/java" ;;
    jdk17-jffi) echo "$JDK17_HOME/bin/java" ;;
    *) die "unknown configuration $1 (known: jdk25-ffm jdk17-jffi jdk25-jffi)" ;;
  esac
}
config_jvm_args() {
  case "$1" in
    jdk25-ffm) echo "--enable-native-access=ALL-UNNAMED -Dzeph.bench.expectBackend=java.lang.foreign" ;;
    jdk25-jffi) echo "--enable-native-access=ALL-UNNAMED -Dzeph.pidfile.native=jffi -Dzeph.bench.expectBackend=jffi" ;;
    jdk17-jffi) echo "-Dzeph.bench.expectBackend=jffi" ;;
  esac
}
for config in $CONFIGS; do config_java "$config" >/dev/null; done

out="$module/target/benchmarks/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
BENCH_DIR=${BENCH_DIR:-${TMPDIR:-/tmp}}
work=$(mktemp -d "$BENCH_DIR/zeph-pidfile-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
# C's pid file one directory down, like Java's ($work/jmhNNN/cycle.pid): the same path walk
mkdir "$work/floor"

# --- build
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "run-benchmarks: building with -Pbenchmarks on JDK 25 (log: $out/build.log)"
  (cd "$repo" && JAVA_HOME="$JDK25_HOME" ./mvnw -B -ntp -Pbenchmarks -DskipTests package \
    -pl zeph-pidfile-core -am) >"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; die "build failed"; }
fi
jar=$(ls "$module"/target/zeph-pidfile-core-*.jar 2>/dev/null | grep -v -e sources -e javadoc | head -1)
[ -n "$jar" ] && [ -f "$module/target/jmh-dependencies.txt" ] || die "no benchmark build in $module/target"
case "$("$JDK25_HOME/bin/jar" tf "$jar")" in
  *META-INF/versions/22/dev/zeph/pidfile/ForeignNativeAccess.class*) ;;
  *) die "$jar has no java.lang.foreign backend: was it built on JDK 22+?" ;;
esac
classpath="$jar:$module/target/test-classes:$(cat "$module/target/jmh-dependencies.txt")"

gcc -O2 -o "$work/syscall-floor" "$floor_source"

load=$(cut -d' ' -f1 /proc/loadavg)
if awk -v load="$load" -v cores="$(nproc)" 'BEGIN { exit !(load > cores) }'; then
  echo "run-benchmarks: warning: load average $load on $(nproc) cores; the ratios hold up to noise, the times less so" >&2
fi

# --- the machine
{
  echo "date:    $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu:     $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
  echo "kernel:  $(uname -sr)"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the start"
  echo "fs:      $(df -T "$work" | awk 'NR==2 {print $2}') ($BENCH_DIR)"
  echo "gcc:     $(gcc -dumpfullversion 2>/dev/null || gcc -dumpversion)"
  echo "JDK 17:  $("$JDK17_HOME/bin/java" -version 2>&1 | sed -n 2p)"
  echo "JDK 25:  $("$JDK25_HOME/bin/java" -version 2>&1 | sed -n 2p)"
  echo "rounds:  $ROUNDS; C: $FLOOR_ITERATIONS calls x 3 per metric per run; JMH: 1 fork, ${WARMUP} x 1 s warm-up, ${MEASURE} x 1 s measured (median taken)"
  echo "heap:    $HEAP_OPTS; profiler: ${PROF:-none}"
} | tee "$out/machine.txt"

: >"$out/c.tsv"
: >"$out/java.tsv"
: >"$out/iterations.tsv"
c_runs=0
run_floor() {
  "$work/syscall-floor" "$work/floor/floor.pid" "$FLOOR_ITERATIONS" >"$out/c-$c_runs.txt"
  awk -v run="$c_runs" '{print run "\t" $1 "\t" $2}' "$out/c-$c_runs.txt" >>"$out/c.tsv"
  printf 'run-benchmarks: C   #%d  %s [load %s]\n' "$c_runs" \
    "$(awk '{printf "%s %s  ", $1, $2}' "$out/c-$c_runs.txt")" "$(cut -d' ' -f1 /proc/loadavg)"
  c_runs=$((c_runs + 1))
}

java_runs=0
run_java() {
  local config=$1 round=$2 java args
  java=$(config_java "$config")
  args="-Dzeph.bench.dir=$work $HEAP_OPTS $(config_jvm_args "$config")"
  local log="$out/jmh-$java_runs-$config.log" csv="$out/jmh-$java_runs-$config.csv"
  # shellcheck disable=SC2086
  LC_ALL=C "$java" -cp "$classpath" org.openjdk.jmh.Main -f 1 -wi "$WARMUP" -w 1s -i "$MEASURE" -r 1s \
    -bm avgt -tu us -rf csv -rff "$csv" -jvmArgsAppend "$args" ${PROF:+-prof $PROF} $JMH_EXTRA \
    '^dev\.zeph\.pidfile\.bench\.PidFileBenchmark\.' >"$log" 2>&1 || { tail -40 "$log"; die "JMH failed ($config)"; }
  local backends
  backends=$(grep -o 'zeph-pidfile backend: .*' "$log" | sort -u)
  [ "$(echo "$backends" | wc -l)" = 1 ] && [ -n "$backends" ] || die "which backend ran? $log says: $backends"
  # run, config, round, benchmark, phase (w: warm-up, m: measured), iteration, us/op, collections in it
  awk -v run="$java_runs" -v config="$config" -v round="$round" '
    function flush() { if (phase != "" && value != "") print run "\t" config "\t" round "\t" bench "\t" phase "\t" index_ "\t" value "\t" gcs + 0; value = ""; gcs = 0 }
    /^# Benchmark: / { flush(); n = split($3, name, "."); bench = name[n]; phase = "" }
    /^# Warmup Iteration +[0-9]+:/ { flush(); phase = "w"; index_ = $4 + 0 }
    /^Iteration +[0-9]+:/ { flush(); phase = "m"; index_ = $2 + 0 }
    / us\/op/ { if (phase != "") for (i = 1; i <= NF; i++) if ($i == "us/op") value = $(i - 1) }
    /gc\.count:/ { for (i = 1; i <= NF; i++) if ($i == "counts" && $(i - 1) ~ /^[0-9.]+$/) gcs = $(i - 1) }
    /^Result / { flush(); phase = "" }
    END { flush() }' "$log" >>"$out/iterations.tsv"
  # run, config, round, benchmark, median of the measured iterations, JMH's mean, bytes allocated per op
  awk -v run="$java_runs" -v config="$config" -v round="$round" -v csv="$csv" '
    function flush(   i, j, t, m) {
      if (bench == "" || k == 0) return
      for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
      m = (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
      median[bench] = m; k = 0
    }
    /^# Benchmark: / { flush(); n = split($3, name, "."); bench = name[n] }
    /^Iteration +[0-9]+: / { for (i = 1; i <= NF; i++) if ($i == "us/op") v[++k] = $(i - 1) }
    END {
      flush()
      while ((getline line < csv) > 0) {
        if (line ~ /^"Benchmark"/) continue
        split(line, f, ","); gsub(/"/, "", f[1])
        if (f[1] ~ /:gc\.alloc\.rate\.norm$/) { sub(/:gc\.alloc\.rate\.norm$/, "", f[1]); n = split(f[1], name, "."); alloc[name[n]] = f[5]; continue }
        if (f[1] ~ /:/) continue
        n = split(f[1], name, ".")
        if (name[n] in median) { order[++benches] = name[n]; mean[name[n]] = f[5] }
      }
      for (b = 1; b <= benches; b++) print run "\t" config "\t" round "\t" order[b] "\t" median[order[b]] "\t" mean[order[b]] "\t" ((order[b] in alloc) ? alloc[order[b]] : "")
    }' "$log" >>"$out/java.tsv"
  printf 'run-benchmarks: %-9s #%d  %s  [%s; load %s]\n' "$config" "$java_runs" \
    "$(awk -F'\t' -v run="$java_runs" '$1 == run {printf "%s %.3f  ", $4, $5}' "$out/java.tsv")" \
    "${backends#zeph-pidfile backend: }" "$(cut -d' ' -f1 /proc/loadavg)"
  java_runs=$((java_runs + 1))
}

# --- C, Java, C, Java, ..., C
start=$(date +%s)
for round in $(seq 1 "$ROUNDS"); do
  for config in $CONFIGS; do
    run_floor
    run_java "$config" "$round"
  done
done
run_floor
echo "run-benchmarks: measured in $(( $(date +%s) - start )) s; load $(cut -d' ' -f1-3 /proc/loadavg) at the end"

echo
"$JDK17_HOME/bin/java" -cp "$module/target/test-classes" dev.zeph.pidfile.bench.FloorRatios "$out" | tee "$out/table.md"
echo
echo "run-benchmarks: raw results in $out"
