#!/usr/bin/env bash
# BEING REPLACED: the startup, refused and health sections are now Java drivers in the
# benchmarks module (benchmarks/run.sh startup|refused|health; BENCHMARKS.md). Only the cds and
# profile sections remain here until they are ported too; the others stop with that message.
#
# Start-up benchmarks of the web sample, with the zeph-pidfile starter vs. the same application
# without it (issue 5, targets 1, 2 and 4), and what Spring Boot's CDS support (JDK 17) and the
# JDK's AOT cache (JDK 25) change. Every comparison is a set of paired, interleaved runs in one
# sitting (A B, B A, A B, ...), reported as the median of the per-pair ratios with min-max, so
# that a busy machine slows both sides of a pair alike. Nothing here asserts a timing.
#
#   samples/web/bench/run-startup-benchmarks.sh              # everything, N=15 (about 20-25 min on 2 cores)
#   N=5 SECTIONS="startup refused" JDKS=25 samples/web/bench/run-startup-benchmarks.sh   # a quick look
#
# Environment (all optional):
#   N                 paired runs per comparison (default 15)
#   CDS_N             paired runs per JDK under CDS / the AOT cache (default 10)
#   PROFILE_N         three-way runs and cold acquires per JDK in the profile (default 5)
#   HEALTH_REQUESTS   requests per health round, keep-alive, concurrency 1 (default 250)
#   HEALTH_ROUNDS     health rounds per side and session, alternating enabled/disabled (default
#                     40; short rounds, so that both sides of a pair see the same load)
#   HEALTH_SESSIONS   fresh pairs of instances for the health rounds (default 3)
#   HEALTH_WARMUP     warm-up requests per instance before the rounds (default 5000)
#   HEALTH_COST_ROUNDS, HEALTH_COST_CALLS  rounds and calls per group of the in-JVM health
#                     cost (HealthCost.java; default 30 and 2000)
#   JDKS              which JDKs, in order (default "25 17")
#   SECTIONS          any of: startup refused health cds profile (default: all of them)
#   JDK17_HOME        default /usr/lib/jvm/java-17-openjdk-amd64
#   JDK25_HOME        default /usr/lib/jvm/temurin-25-jdk-amd64
#   OUT               work and results directory (default samples/web/target/bench)
#   SKIP_BUILD=1      use the jars already in samples/web/target
#
# Needs: bash, awk, curl, unzip, GNU time (/usr/bin/time) and ab; on Debian:
#   apt-get install time apache2-utils curl unzip
# Writes: $OUT/results.md (the table printed at the end), $OUT/runs.tsv (every run), logs in $OUT.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"

N=${N:-15}
CDS_N=${CDS_N:-10}
HEALTH_REQUESTS=${HEALTH_REQUESTS:-250}
HEALTH_ROUNDS=${HEALTH_ROUNDS:-40}
HEALTH_SESSIONS=${HEALTH_SESSIONS:-3}
HEALTH_WARMUP=${HEALTH_WARMUP:-5000}
HEALTH_COST_ROUNDS=${HEALTH_COST_ROUNDS:-30}
HEALTH_COST_CALLS=${HEALTH_COST_CALLS:-2000}
JDKS=${JDKS:-"25 17"}
SECTIONS=${SECTIONS:-"cds profile"}
PROFILE_N=${PROFILE_N:-5}
JDK17_HOME=${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JDK25_HOME=${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
OUT=${OUT:-$ROOT/samples/web/target/bench}

STARTER_JAR=$ROOT/samples/web/target/zeph-pidfile-sample-web.jar
BASELINE_JAR=$ROOT/samples/web/target/zeph-pidfile-sample-web-baseline.jar
EX_TEMPFAIL=75

die() { echo "bench: $*" >&2; exit 1; }
log() { echo "bench: $(date -u +%H:%M:%S) $*" >&2; }
has_section() { [[ " $SECTIONS " == *" $1 "* ]]; }

for tool in awk curl unzip; do command -v "$tool" >/dev/null || die "$tool is missing"; done
[ -x /usr/bin/time ] || die "GNU time is missing: apt-get install time"
for moved in startup refused health; do
	has_section $moved && die "the $moved section is now benchmarks/run.sh $moved (BENCHMARKS.md)"
done
has_section health && { command -v ab >/dev/null || die "ab is missing: apt-get install apache2-utils"; }

java_home() {
	case "$1" in
		17) echo "$JDK17_HOME" ;;
		25) echo "$JDK25_HOME" ;;
		*) die "unknown JDK $1 (use 17 or 25)" ;;
	esac
}
for jdk in $JDKS; do [ -x "$(java_home "$jdk")/bin/java" ] || die "no JDK $jdk at $(java_home "$jdk")"; done

# Background instances this script started and has not yet reaped, stopped by pid on exit.
declare -A BACKGROUND=()
start_bg() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 &
	BG_PID=$!
	BACKGROUND[$BG_PID]=1
}
stop_bg() {
	local pid
	for pid in "$@"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		unset "BACKGROUND[$pid]"
	done
}
cleanup() {
	local pid
	for pid in "${!BACKGROUND[@]}"; do
		kill "$pid" 2>/dev/null || true
	done
}
trap cleanup EXIT

rm -rf "$OUT"
mkdir -p "$OUT/logs" "$OUT/pid"
RUNS=$OUT/runs.tsv
RESULTS=$OUT/results.md
printf 'section\tjdk\tvariant\ti\texit\tuptime_ms\tready_ms\twall_ms\trss_kib\tcpu_s\tstarting_ms\tmain_alloc_mib\tgcs\tmain_cpu_ms\n' >"$RUNS"
: >"$RESULTS"

# ---------------------------------------------------------------------------------------------
# Build: both jars on JDK 25, so that the core jar carries its java.lang.foreign backend
# (META-INF/versions/22); the same jars then run on both JDKs (JDK 17 uses jnr-posix).
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	log "building the web sample with the starter, then the baseline without it (JDK 25)"
	JAVA_HOME=$JDK25_HOME ./mvnw -q -B -DskipTests package -pl samples/web -am
	JAVA_HOME=$JDK25_HOME ./mvnw -q -B -DskipTests package -pl samples/web -am -Dsample.baseline
fi
[ -f "$STARTER_JAR" ] && [ -f "$BASELINE_JAR" ] || die "missing $STARTER_JAR or $BASELINE_JAR"
if unzip -Z1 "$BASELINE_JAR" | grep -Eq 'BOOT-INF/lib/(zeph|jnr|jffi)'; then
	die "$BASELINE_JAR contains the starter"
fi
unzip -Z1 "$STARTER_JAR" | grep -q 'BOOT-INF/lib/zeph-pidfile-spring-boot-starter' || die "$STARTER_JAR lacks the starter"

# ---------------------------------------------------------------------------------------------
# One run of the application to ApplicationReadyEvent (--sample.exit-when-ready=true prints the
# JVM uptime and the wall clock there, then exits 0), or to a refusal.
#   run_app SECTION JDK VARIANT I EXPECTED_EXIT JAR_OR_-cp... -- APP_ARGS...
# Appends a line to runs.tsv: uptime at ready, wall time from launch to ready, wall time from
# launch to exit, peak RSS, CPU time (user+sys), the uptime at Boot's 'Starting ...' line
# (everything before it is JVM start, SpringApplication set-up and the initializers), the bytes
# the main thread allocated up to ready and the GCs before ready. For a refused start, the
# 'starting' column holds the time from launch to the logged failure report instead.
now_ms() { date +%s%3N; }
iso_to_ms() { date -u -d "$1" +%s%3N; }

run_app() {
	local section=$1 jdk=$2 variant=$3 i=$4 expected=$5
	shift 5
	local jvm_args=()
	while [ "$1" != -- ]; do jvm_args+=("$1"); shift; done
	shift
	local java log timing start end rc
	java=$(java_home "$jdk")/bin/java
	log=$OUT/logs/$section-$jdk-$variant-$i.log
	timing=$OUT/logs/$section-$jdk-$variant-$i.time
	start=$(now_ms)
	set +e
	/usr/bin/time -f '%e %M %U %S' -o "$timing" "$java" "${jvm_args[@]}" "$@" >"$log" 2>&1
	rc=$?
	set -e
	end=$(now_ms)
	[ "$rc" = "$expected" ] || die "$section $variant on JDK $jdk (run $i) exited $rc, expected $expected: see $log"
	local rss user sys cpu uptime=NA ready=NA starting=NA alloc=NA gcs=NA main_cpu=NA line epoch jvm_start ts
	read -r _ rss user sys < <(tail -n 1 "$timing")
	cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
	line=$(grep -m1 '^sample.exit-when-ready:' "$log" || true)
	if [ "$expected" = 0 ]; then
		[ -n "$line" ] || die "no ready line in $log"
		uptime=$(sed -E 's/.*uptime_ms=([0-9]+).*/\1/' <<<"$line")
		epoch=$(sed -E 's/.*epoch_ms=([0-9]+).*/\1/' <<<"$line")
		ready=$((epoch - start))
		jvm_start=$((epoch - uptime))
		ts=$(grep -m1 'Starting SampleWebApplication' "$log" | awk '{ print $1 }')
		[ -n "$ts" ] && starting=$(($(iso_to_ms "$ts") - jvm_start))
		alloc=$(sed -nE 's/.*main_alloc_bytes=([0-9]+).*/\1/p' <<<"$line" | awk '{ printf "%.1f", $1 / 1048576 }')
		gcs=$(sed -nE 's/.* gcs=([0-9]+).*/\1/p' <<<"$line")
		[ -n "$alloc" ] || alloc=NA
		[ -n "$gcs" ] || gcs=NA
		main_cpu=$(sed -nE 's/.* main_cpu_ms=([0-9]+).*/\1/p' <<<"$line")
		[ -n "$main_cpu" ] || main_cpu=NA
	else
		[ -z "$line" ] || die "$section $variant on JDK $jdk (run $i) reached ready although refused: $log"
		ts=$(grep -m1 'LoggingFailureAnalysisReporter' "$log" | awk '{ print $1 }')
		[ -n "$ts" ] && starting=$(($(iso_to_ms "$ts") - start))
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$jdk" "$variant" "$i" "$rc" \
		"$uptime" "$ready" "$((end - start))" "$rss" "$cpu" "$starting" "$alloc" "$gcs" "$main_cpu" >>"$RUNS"
}

# Column numbers in runs.tsv.
C_UPTIME=6 C_READY=7 C_WALL=8 C_RSS=9 C_CPU=10 C_STARTING=11 C_ALLOC=12 C_GCS=13 C_MAIN_CPU=14

# "median min max ci_low ci_high" of the numbers on stdin, where ci_low-ci_high is the
# distribution-free 95% confidence interval of the median (order statistics, normal
# approximation of the binomial): a median whose interval straddles a target does not decide it.
stats() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "NA NA NA NA NA"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		w = 0.98 * sqrt(NR)
		lo = int((NR + 1) / 2 - w); if (lo < 1) lo = 1
		hi = (NR + 1) / 2 + w; hi = (hi == int(hi)) ? hi : int(hi) + 1; if (hi > NR) hi = NR
		print m, v[1], v[NR], v[lo], v[hi] }'
}

# values of one column for SECTION JDK VARIANT
column() {
	awk -F'\t' -v s="$1" -v j="$2" -v a="$3" -v c="$4" '$1 == s && $2 == j && $3 == a && $c != "NA" { print $c }' "$RUNS"
}

# per-pair A/B (op=ratio) or A-B (op=diff) for SECTION JDK A B COLUMN_A COLUMN_B, paired by run index
pairs() {
	awk -F'\t' -v s="$1" -v j="$2" -v a="$3" -v b="$4" -v ca="$5" -v cb="$6" -v op="$7" '
		$1 == s && $2 == j && $3 == a && $ca != "NA" { A[$4] = $ca }
		$1 == s && $2 == j && $3 == b && $cb != "NA" { B[$4] = $cb }
		END { for (i in A) if (i in B) print (op == "ratio") ? A[i] / B[i] : A[i] - B[i] }' "$RUNS"
}

# formatters of a "median min max ci_low ci_high" tuple
fmt_ratio() { awk -v m="$1" -v lo="$2" -v hi="$3" -v a="${4:-NA}" -v b="${5:-NA}" 'BEGIN { if (m == "NA") print "NA"; else {
	printf "%.3fx (%.3f-%.3f)", m, lo, hi; if (a != "NA") printf "; 95%% CI of median %.3f-%.3f", a, b } }'; }
fmt_mib() { awk -v m="$1" -v lo="$2" -v hi="$3" -v a="${4:-NA}" -v b="${5:-NA}" 'BEGIN { if (m == "NA") print "NA"; else {
	printf "%+.1f MiB (%+.1f to %+.1f)", m / 1024, lo / 1024, hi / 1024; if (a != "NA") printf "; 95%% CI of median %+.1f to %+.1f", a / 1024, b / 1024 } }'; }
fmt_ms() { awk -v m="$1" -v lo="$2" -v hi="$3" 'BEGIN { if (m == "NA") print "NA"; else printf "%d ms (%d-%d)", m, lo, hi }'; }
fmt_delta_ms() { awk -v m="$1" -v lo="$2" -v hi="$3" -v a="${4:-NA}" -v b="${5:-NA}" 'BEGIN { if (m == "NA") print "NA"; else {
	printf "%+d ms (%+d to %+d)", m, lo, hi; if (a != "NA") printf "; 95%% CI of median %+d to %+d", a, b } }'; }
# verdict "median min max ci_low ci_high" target [divisor]: met / NOT met when the whole
# interval of the median is on one side of the target, else the median's side and a warning
verdict() { awk -v m="$1" -v a="$4" -v b="$5" -v t="$6" -v d="${7:-1}" 'BEGIN {
	if (m == "NA") { print "not measured"; exit }
	m /= d; a /= d; b /= d
	if (b <= t) print "met"; else if (a > t) print "NOT met"
	else print (m <= t) ? "met by the median, but its CI straddles the target" : "NOT met by the median, but its CI straddles the target" }'; }

result() { echo "$*" >>"$RESULTS"; }

# Paired, interleaved runs of two variants: odd runs A then B, even runs B then A.
#   paired SECTION JDK N A_NAME "A_JVM_ARGS" A_JAR B_NAME "B_JVM_ARGS" B_JAR
# (the JVM args are word-split; the jar is a path to an executable jar)
paired() {
	local section=$1 jdk=$2 n=$3 a=$4 a_jvm=$5 a_jar=$6 b=$7 b_jvm=$8 b_jar=$9 i
	local app=(--sample.exit-when-ready=true --server.port=0 --server.address=127.0.0.1)
	for ((i = 1; i <= n; i++)); do
		if ((i % 2)); then
			# shellcheck disable=SC2086
			run_app "$section" "$jdk" "$a" "$i" 0 $a_jvm -jar "$a_jar" -- "${app[@]}" "--zeph.pidfile.path=$OUT/pid/$section-$jdk-$a-$i.pid"
			# shellcheck disable=SC2086
			run_app "$section" "$jdk" "$b" "$i" 0 $b_jvm -jar "$b_jar" -- "${app[@]}" "--zeph.pidfile.path=$OUT/pid/$section-$jdk-$b-$i.pid"
		else
			# shellcheck disable=SC2086
			run_app "$section" "$jdk" "$b" "$i" 0 $b_jvm -jar "$b_jar" -- "${app[@]}" "--zeph.pidfile.path=$OUT/pid/$section-$jdk-$b-$i.pid"
			# shellcheck disable=SC2086
			run_app "$section" "$jdk" "$a" "$i" 0 $a_jvm -jar "$a_jar" -- "${app[@]}" "--zeph.pidfile.path=$OUT/pid/$section-$jdk-$a-$i.pid"
		fi
		printf '.' >&2
	done
	echo >&2
}

target_startup() { [ "$1" = 25 ] && echo 1.01 || echo 1.03; }
target_rss_mib() { [ "$1" = 25 ] && echo 5 || echo 15; }
target_refused() { [ "$1" = 25 ] && echo 0.35 || echo 0.45; }
TARGET_HEALTH=1.02

declare -A SUMMARY

# ---------------------------------------------------------------------------------------------
# 1. Start-up to ApplicationReadyEvent and peak RSS: the starter vs. the baseline.
section_startup() {
	local jdk=$1
	log "start-up, JDK $jdk: 1 warm-up pair, then $N pairs"
	paired warmup "$jdk" 1 starter "" "$STARTER_JAR" baseline "" "$BASELINE_JAR"
	paired startup "$jdk" "$N" starter "" "$STARTER_JAR" baseline "" "$BASELINE_JAR"
	local up ready wall rss cpu pre refresh s_up b_up
	up=$(pairs startup "$jdk" starter baseline $C_UPTIME $C_UPTIME ratio | stats)
	ready=$(pairs startup "$jdk" starter baseline $C_READY $C_READY ratio | stats)
	wall=$(pairs startup "$jdk" starter baseline $C_WALL $C_WALL ratio | stats)
	rss=$(pairs startup "$jdk" starter baseline $C_RSS $C_RSS diff | stats)
	cpu=$(pairs startup "$jdk" starter baseline $C_CPU $C_CPU diff | stats)
	local cpu_ratio
	cpu_ratio=$(pairs startup "$jdk" starter baseline $C_CPU $C_CPU ratio | stats)
	pre=$(pairs startup "$jdk" starter baseline $C_STARTING $C_STARTING diff | stats)
	s_up=$(column startup "$jdk" starter $C_UPTIME | stats)
	b_up=$(column startup "$jdk" baseline $C_UPTIME | stats)
	# time from Boot's 'Starting' line to ready: refresh, web server, ready listeners
	refresh=$(awk -F'\t' -v j="$jdk" '$1 == "startup" && $2 == j && $6 != "NA" && $11 != "NA" {
			d[$3 SUBSEP $4] = $6 - $11; idx[$4] = 1 }
		END { for (i in idx) if (("starter" SUBSEP i) in d && ("baseline" SUBSEP i) in d)
			print d["starter" SUBSEP i] - d["baseline" SUBSEP i] }' "$RUNS" | stats)
	SUMMARY[startup_$jdk]=$(fmt_ratio $up)
	SUMMARY[startup_verdict_$jdk]=$(verdict $up "$(target_startup "$jdk")")
	SUMMARY[rss_$jdk]=$(fmt_mib $rss)
	SUMMARY[rss_verdict_$jdk]=$(verdict $rss "$(target_rss_mib "$jdk")" 1024)
	SUMMARY[startup_base_$jdk]=${b_up%% *}
	SUMMARY[startup_starter_$jdk]=${s_up%% *}
	result ""
	result "### Start-up, JDK $jdk ($N pairs; starter / baseline, median of per-pair ratios, min-max)"
	result ""
	result "| measure | starter / baseline | target | |"
	result "|---|---|---|---|"
	result "| JVM uptime at ApplicationReadyEvent | $(fmt_ratio $up) | <= $(target_startup "$jdk")x | ${SUMMARY[startup_verdict_$jdk]} |"
	result "| wall time, launch to ready | $(fmt_ratio $ready) | | |"
	result "| wall time, launch to exit | $(fmt_ratio $wall) | | |"
	result "| peak RSS, starter - baseline | $(fmt_mib $rss) | <= +$(target_rss_mib "$jdk") MiB | ${SUMMARY[rss_verdict_$jdk]} |"
	result "| CPU time (user+sys, all threads), starter / baseline | $(fmt_ratio $cpu_ratio) | | |"
	result "| CPU time (user+sys), starter - baseline | $(awk -v m="${cpu%% *}" -v lo="$(cut -d' ' -f2 <<<"$cpu")" -v hi="$(cut -d' ' -f3 <<<"$cpu")" 'BEGIN { printf "%+.2f s (%+.2f to %+.2f)", m, lo, hi }') | | |"
	result "| uptime at 'Starting ...' line (JVM + initializers), starter - baseline | $(fmt_delta_ms $pre) | | |"
	result "| 'Starting ...' line to ready (refresh), starter - baseline | $(fmt_delta_ms $refresh) | | |"
	local alloc gcs main_cpu
	main_cpu=$(pairs startup "$jdk" starter baseline $C_MAIN_CPU $C_MAIN_CPU diff | stats)
	result "| CPU time of the main thread up to ready, starter - baseline | $(fmt_delta_ms $main_cpu) | | |"
	alloc=$(pairs startup "$jdk" starter baseline $C_ALLOC $C_ALLOC diff | stats)
	gcs=$(pairs startup "$jdk" starter baseline $C_GCS $C_GCS diff | stats)
	result "| bytes allocated by the main thread up to ready, starter - baseline | $(awk -v m="${alloc%% *}" -v a="$(cut -d' ' -f4 <<<"$alloc")" -v b="$(cut -d' ' -f5 <<<"$alloc")" 'BEGIN { if (m == "NA") print "NA"; else printf "%+.1f MiB; 95%% CI of median %+.1f to %+.1f", m, a, b }') | | |"
	result "| garbage collections before ready, starter - baseline | $(awk -v m="${gcs%% *}" -v lo="$(cut -d' ' -f2 <<<"$gcs")" -v hi="$(cut -d' ' -f3 <<<"$gcs")" 'BEGIN { if (m == "NA") print "NA"; else printf "%+g (%+g to %+g)", m, lo, hi }') | | |"
	result ""
	local s_pre b_pre
	s_pre=$(column startup "$jdk" starter $C_STARTING | stats)
	b_pre=$(column startup "$jdk" baseline $C_STARTING | stats)
	result "Medians: starter $(fmt_ms $s_up), baseline $(fmt_ms $b_up) of JVM uptime at ready;" \
		"JVM uptime at the 'Starting ...' line: starter ${s_pre%% *} ms, baseline ${b_pre%% *} ms."
}

# ---------------------------------------------------------------------------------------------
# 2. A refused second start vs. a full start to ready of the same jar.
# The order of three variants in run I (from 1): A B C, then B C A, then C A B, and again.
rotation3() {
	case $(($1 % 3)) in
		1) echo "$2 $3 $4" ;;
		2) echo "$3 $4 $2" ;;
		0) echo "$4 $2 $3" ;;
	esac
}

section_refused() {
	local jdk=$1 java holder_pid hold_path port i
	java=$(java_home "$jdk")/bin/java
	hold_path=$OUT/pid/refused-$jdk-held.pid
	log "refused start, JDK $jdk: one instance holds $hold_path; $N refused starts vs. $N full starts"
	start_bg "$OUT/logs/refused-$jdk-holder.log" \
		"$java" -jar "$STARTER_JAR" --server.port=0 --server.address=127.0.0.1 "--zeph.pidfile.path=$hold_path"
	holder_pid=$BG_PID
	wait_for_log "$OUT/logs/refused-$jdk-holder.log" 'Started SampleWebApplication' "$holder_pid"
	local refused_args=(--sample.exit-when-ready=true --server.port=0 --server.address=127.0.0.1 "--zeph.pidfile.path=$hold_path")
	local full_args=(--sample.exit-when-ready=true --server.port=0 --server.address=127.0.0.1)
	run_app refused-warmup "$jdk" refused 0 $EX_TEMPFAIL -jar "$STARTER_JAR" -- "${refused_args[@]}"
	# A third kind of run, beside each pair: the refused start without Spring Boot's background
	# pre-initializer, which a failed start waits for (see BENCHMARKS.md, "the refused start").
	local v
	for ((i = 1; i <= N; i++)); do
		for v in $(rotation3 "$i" refused full nopreinit); do
			case $v in
				refused) run_app refused "$jdk" refused "$i" $EX_TEMPFAIL -jar "$STARTER_JAR" -- "${refused_args[@]}" ;;
				nopreinit) run_app refused "$jdk" nopreinit "$i" $EX_TEMPFAIL -Dspring.backgroundpreinitializer.ignore=true \
					-jar "$STARTER_JAR" -- "${refused_args[@]}" ;;
				full) run_app refused "$jdk" full "$i" 0 -jar "$STARTER_JAR" -- "${full_args[@]}" "--zeph.pidfile.path=$OUT/pid/refused-$jdk-full-$i.pid" ;;
			esac
		done
		printf '.' >&2
	done
	echo >&2
	stop_bg "$holder_pid"
	grep -q "is locked by PID $holder_pid" "$OUT/logs/refused-$jdk-refused-1.log" ||
		die "the refused start did not name the holder $holder_pid: $OUT/logs/refused-$jdk-refused-1.log"
	local vs_ready vs_exit r f rcpu fcpu
	vs_ready=$(pairs refused "$jdk" refused full $C_WALL $C_READY ratio | stats)
	vs_exit=$(pairs refused "$jdk" refused full $C_WALL $C_WALL ratio | stats)
	r=$(column refused "$jdk" refused $C_WALL | stats)
	f=$(column refused "$jdk" full $C_READY | stats)
	rcpu=$(column refused "$jdk" refused $C_CPU | stats)
	fcpu=$(column refused "$jdk" full $C_CPU | stats)
	SUMMARY[refused_$jdk]=$(fmt_ratio $vs_ready)
	SUMMARY[refused_verdict_$jdk]=$(verdict $vs_ready "$(target_refused "$jdk")")
	result ""
	result "### Refused second start, JDK $jdk ($N pairs, every refused start exited $EX_TEMPFAIL)"
	result ""
	result "| measure | value | target | |"
	result "|---|---|---|---|"
	result "| refused (launch to exit) / full start (launch to ready) | $(fmt_ratio $vs_ready) | <= $(target_refused "$jdk")x | ${SUMMARY[refused_verdict_$jdk]} |"
	result "| refused / full start (both launch to exit) | $(fmt_ratio $vs_exit) | | |"
	result "| refused start, launch to exit | $(fmt_ms $r) | | |"
	local report
	report=$(column refused "$jdk" refused $C_STARTING | stats)
	result "| refused start, launch to its failure report in the log | $(fmt_ms $report) | | |"
	result "| full start, launch to ready | $(fmt_ms $f) | | |"
	result "| CPU time: refused / full (medians) | ${rcpu%% *} s / ${fcpu%% *} s | | |"
	local np npr
	np=$(pairs refused "$jdk" nopreinit full $C_WALL $C_READY ratio | stats)
	npr=$(column refused "$jdk" nopreinit $C_WALL | stats)
	SUMMARY[nopreinit_$jdk]=$(fmt_ratio $np)
	result "| refused with -Dspring.backgroundpreinitializer.ignore=true (launch to exit) / full start (launch to ready) | $(fmt_ratio $np) | <= $(target_refused "$jdk")x | $(verdict $np "$(target_refused "$jdk")") |"
	result "| refused with -Dspring.backgroundpreinitializer.ignore=true, launch to exit | $(fmt_ms $npr) | | |"
}

wait_for_log() {
	local file=$1 text=$2 pid=$3 deadline=$((SECONDS + 180))
	until grep -q "$text" "$file" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || die "process $pid ended before '$text': see $file"
		((SECONDS < deadline)) || die "gave up waiting for '$text' in $file"
		sleep 0.2
	done
}

port_of() { grep -m1 -oE 'started on port [0-9]+' "$1" | awk '{ print $4 }'; }

# ---------------------------------------------------------------------------------------------
# 4. GET /actuator/health with the pidfile indicator enabled vs. disabled: HEALTH_SESSIONS fresh
#    pairs of instances (so that one instance's JIT luck does not decide), each warmed up, then
#    HEALTH_ROUNDS short alternating rounds. Per round: ab's mean latency, and the server's CPU
#    time per request (all its threads, from /proc/<pid>/task/*/schedstat), which a busy
#    machine disturbs far less than latency.
section_health() {
	local jdk=$1 java e_pid d_pid e_port d_port k
	java=$(java_home "$jdk")/bin/java
	log "health, JDK $jdk: $HEALTH_SESSIONS sessions of $HEALTH_WARMUP warm-up requests each, then $HEALTH_ROUNDS x $HEALTH_REQUESTS requests per side"
	for ((k = 1; k <= HEALTH_SESSIONS; k++)); do
		start_bg "$OUT/logs/health-$jdk-enabled-s$k.log" "$java" -jar "$STARTER_JAR" --server.port=0 --server.address=127.0.0.1 \
			"--zeph.pidfile.path=$OUT/pid/health-$jdk-enabled-s$k.pid"
		e_pid=$BG_PID
		start_bg "$OUT/logs/health-$jdk-disabled-s$k.log" "$java" -jar "$STARTER_JAR" --server.port=0 --server.address=127.0.0.1 \
			--management.health.pidfile.enabled=false "--zeph.pidfile.path=$OUT/pid/health-$jdk-disabled-s$k.pid"
		d_pid=$BG_PID
		wait_for_log "$OUT/logs/health-$jdk-enabled-s$k.log" 'Started SampleWebApplication' "$e_pid"
		wait_for_log "$OUT/logs/health-$jdk-disabled-s$k.log" 'Started SampleWebApplication' "$d_pid"
		e_port=$(port_of "$OUT/logs/health-$jdk-enabled-s$k.log")
		d_port=$(port_of "$OUT/logs/health-$jdk-disabled-s$k.log")
		local e_url=http://127.0.0.1:$e_port/actuator/health d_url=http://127.0.0.1:$d_port/actuator/health
		curl -fsS "$e_url" >"$OUT/logs/health-$jdk-enabled.json"
		curl -fsS "$d_url" >"$OUT/logs/health-$jdk-disabled.json"
		grep -q '"pidfile":{' "$OUT/logs/health-$jdk-enabled.json" || die "no pidfile indicator at $e_url"
		! grep -q '"pidfile"' "$OUT/logs/health-$jdk-disabled.json" || die "pidfile indicator still at $d_url"
		ab -q -k -c 1 -n "$HEALTH_WARMUP" "$e_url" >/dev/null
		ab -q -k -c 1 -n "$HEALTH_WARMUP" "$d_url" >/dev/null
		health_rounds health "$jdk" "$k" enabled "$e_url" "$e_pid" disabled "$d_url" "$d_pid"
		stop_bg "$e_pid" "$d_pid"
	done
	echo >&2
	local ratio cpu_ratio e d e_cpu d_cpu
	ratio=$(pairs health "$jdk" enabled disabled $C_UPTIME $C_UPTIME ratio | stats)
	cpu_ratio=$(pairs health "$jdk" enabled disabled $C_CPU $C_CPU ratio | stats)
	e=$(column health "$jdk" enabled $C_UPTIME | stats)
	d=$(column health "$jdk" disabled $C_UPTIME | stats)
	e_cpu=$(column health "$jdk" enabled $C_CPU | stats)
	d_cpu=$(column health "$jdk" disabled $C_CPU | stats)
	SUMMARY[health_$jdk]=$(fmt_ratio $ratio)
	SUMMARY[health_verdict_$jdk]=$(verdict $ratio $TARGET_HEALTH)
	SUMMARY[health_cpu_$jdk]=$(fmt_ratio $cpu_ratio)
	result ""
	result "### GET /actuator/health, JDK $jdk ($HEALTH_SESSIONS sessions x $HEALTH_ROUNDS rounds x $HEALTH_REQUESTS requests per side, ab -k -c 1, after $HEALTH_WARMUP warm-up requests per instance)"
	result ""
	result "| measure | value | target | |"
	result "|---|---|---|---|"
	result "| mean latency, indicator enabled / disabled | $(fmt_ratio $ratio) | <= ${TARGET_HEALTH}x | ${SUMMARY[health_verdict_$jdk]} |"
	result "| server CPU time per request, enabled / disabled | $(fmt_ratio $cpu_ratio) | | |"
	result "| mean latency, enabled / disabled (medians of rounds) | $(awk -v a="${e%% *}" -v b="${d%% *}" 'BEGIN { printf "%.0f us / %.0f us", a * 1000, b * 1000 }') | | |"
	result "| server CPU per request, enabled / disabled (medians of rounds) | $(awk -v a="${e_cpu%% *}" -v b="${d_cpu%% *}" 'BEGIN { printf "%.0f us / %.0f us", a, b }') | | |"

	# b. The same comparison inside one JVM, so that two instances' JIT and GC luck cannot
	#    decide it: two health groups of one instance, every contributor with and without the
	#    pid file's, requested in alternating rounds.
	local pid port with_url without_url
	log "health, JDK $jdk: $HEALTH_SESSIONS single instances, groups with and without the pidfile indicator"
	for ((k = 1; k <= HEALTH_SESSIONS; k++)); do
		start_bg "$OUT/logs/health-groups-$jdk-s$k.log" "$java" -jar "$STARTER_JAR" --server.port=0 --server.address=127.0.0.1 \
			"--zeph.pidfile.path=$OUT/pid/health-groups-$jdk-s$k.pid" \
			--management.endpoint.health.group.zeph-with.include='*' \
			--management.endpoint.health.group.zeph-with.show-details=always \
			--management.endpoint.health.group.zeph-without.include='*' \
			--management.endpoint.health.group.zeph-without.exclude=pidfile \
			--management.endpoint.health.group.zeph-without.show-details=always
		pid=$BG_PID
		wait_for_log "$OUT/logs/health-groups-$jdk-s$k.log" 'Started SampleWebApplication' "$pid"
		port=$(port_of "$OUT/logs/health-groups-$jdk-s$k.log")
		with_url=http://127.0.0.1:$port/actuator/health/zeph-with
		without_url=http://127.0.0.1:$port/actuator/health/zeph-without
		curl -fsS "$with_url" >"$OUT/logs/health-groups-$jdk-with.json"
		curl -fsS "$without_url" >"$OUT/logs/health-groups-$jdk-without.json"
		grep -q '"pidfile":{' "$OUT/logs/health-groups-$jdk-with.json" || die "no pidfile indicator at $with_url"
		! grep -q '"pidfile"' "$OUT/logs/health-groups-$jdk-without.json" || die "pidfile indicator still at $without_url"
		ab -q -k -c 1 -n "$HEALTH_WARMUP" "$with_url" >/dev/null
		ab -q -k -c 1 -n "$HEALTH_WARMUP" "$without_url" >/dev/null
		health_rounds health-groups "$jdk" "$k" with "$with_url" "$pid" without "$without_url" "$pid"
		stop_bg "$pid"
	done
	echo >&2
	local g_ratio g_cpu g_with g_without
	g_ratio=$(pairs health-groups "$jdk" with without $C_UPTIME $C_UPTIME ratio | stats)
	g_cpu=$(pairs health-groups "$jdk" with without $C_CPU $C_CPU ratio | stats)
	g_with=$(column health-groups "$jdk" with $C_UPTIME | stats)
	g_without=$(column health-groups "$jdk" without $C_UPTIME | stats)
	SUMMARY[health_groups_$jdk]=$(fmt_ratio $g_ratio)
	SUMMARY[health_groups_verdict_$jdk]=$(verdict $g_ratio $TARGET_HEALTH)
	result "| one instance, mean latency, group with the indicator / group without it | $(fmt_ratio $g_ratio) | <= ${TARGET_HEALTH}x | ${SUMMARY[health_groups_verdict_$jdk]} |"
	result "| one instance, server CPU per request, with / without | $(fmt_ratio $g_cpu) | | |"
	result "| one instance, mean latency, with / without (medians of rounds) | $(awk -v a="${g_with%% *}" -v b="${g_without%% *}" 'BEGIN { printf "%.0f us / %.0f us", a * 1000, b * 1000 }') | | |"

	# c. What the indicator adds to a request, without HTTP: HealthCost.java asks the actuator's
	#    HealthEndpoint for the same two groups in one JVM and writes their JSON, alternating
	#    rounds; its per-round difference, divided by the HTTP latency of the group without the
	#    indicator (b), is the indicator's share of a request.
	local hc=$OUT/health-cost/$jdk out=$OUT/logs/health-cost-$jdk.txt deltas share
	rm -rf "$hc"
	mkdir -p "$hc"
	"$java" -Djarmode=tools -jar "$STARTER_JAR" extract --destination "$hc/app" >/dev/null 2>&1
	"$JDK17_HOME/bin/javac" --release 17 -d "$hc/classes" -cp "$hc/app/lib/*:$hc/app/$(basename "$STARTER_JAR")" \
		"$ROOT/samples/web/bench/HealthCost.java"
	log "health, JDK $jdk: the indicator's own cost in one JVM ($HEALTH_COST_ROUNDS rounds of $HEALTH_COST_CALLS calls per group)"
	"$java" $([ "$jdk" = 17 ] || echo --enable-native-access=ALL-UNNAMED) \
		-cp "$hc/classes:$hc/app/$(basename "$STARTER_JAR"):$hc/app/lib/*" HealthCost "$HEALTH_COST_ROUNDS" "$HEALTH_COST_CALLS" \
		"$OUT/pid/health-cost-$jdk.pid" >"$out" 2>&1 || die "HealthCost failed: see $out"
	deltas=$(sed -nE 's/^health_cost round=[0-9]+ with_ns=([0-9]+) without_ns=([0-9]+)$/\1 \2/p' "$out" | awk '{ print ($1 - $2) / 1000 }' | stats)
	local h_with h_without
	h_with=$(sed -nE 's/^health_cost round=[0-9]+ with_ns=([0-9]+) .*/\1/p' "$out" | awk '{ print $1 / 1000 }' | stats)
	h_without=$(sed -nE 's/^health_cost round=[0-9]+ with_ns=[0-9]+ without_ns=([0-9]+)$/\1/p' "$out" | awk '{ print $1 / 1000 }' | stats)
	# 1 + delta / HTTP latency without the indicator, for the median and each bound of the delta
	share=$(awk -v d="$deltas" -v l="${g_without%% *}" 'BEGIN { n = split(d, v, " "); us = l * 1000
		for (i = 1; i <= n; i++) printf "%s%.4f", (i > 1 ? " " : ""), 1 + v[i] / us; print "" }')
	SUMMARY[health_share_$jdk]=$(fmt_ratio $share)
	SUMMARY[health_share_verdict_$jdk]=$(verdict $share $TARGET_HEALTH)
	result "| one JVM, no HTTP: the endpoint's answer + JSON, with / without the indicator (medians of $HEALTH_COST_ROUNDS rounds) | $(awk -v a="${h_with%% *}" -v b="${h_without%% *}" 'BEGIN { printf "%.2f us / %.2f us", a, b }') | | |"
	result "| one JVM, no HTTP: what the indicator adds to a request | $(awk -v m="${deltas%% *}" -v a="$(cut -d' ' -f4 <<<"$deltas")" -v b="$(cut -d' ' -f5 <<<"$deltas")" 'BEGIN { printf "%+.2f us; 95%% CI of median %+.2f to %+.2f", m, a, b }') | | |"
	result "| 1 + that / the HTTP latency of the group without it ($(awk -v l="${g_without%% *}" 'BEGIN { printf "%.0f us", l * 1000 }')) | $(fmt_ratio $share) | <= ${TARGET_HEALTH}x | ${SUMMARY[health_share_verdict_$jdk]} |"
}

# nanoseconds on CPU of all threads of a process
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }'
}

# One ab round: the mean latency in ms goes into the uptime_ms column of runs.tsv, the
# server's CPU microseconds per request into the cpu column; the pair index is session*1000+round.
# HEALTH_ROUNDS rounds of two variants, A then B in odd rounds and B then A in even ones:
#   health_rounds SECTION JDK SESSION A A_URL A_PID B B_URL B_PID
health_rounds() {
	local section=$1 jdk=$2 k=$3 r
	for ((r = 1; r <= HEALTH_ROUNDS; r++)); do
		if ((r % 2)); then
			health_round "$section" "$jdk" "$4" "$k" "$r" "$5" "$6"
			health_round "$section" "$jdk" "$7" "$k" "$r" "$8" "$9"
		else
			health_round "$section" "$jdk" "$7" "$k" "$r" "$8" "$9"
			health_round "$section" "$jdk" "$4" "$k" "$r" "$5" "$6"
		fi
		printf '.' >&2
	done
}

health_round() {
	local section=$1 jdk=$2 variant=$3 k=$4 r=$5 url=$6 pid=$7 out mean before after
	out=$OUT/logs/$section-$jdk-$variant-s$k-r$r.ab
	before=$(cpu_ns "$pid")
	ab -k -c 1 -n "$HEALTH_REQUESTS" "$url" >"$out" 2>&1 || die "ab failed: see $out"
	after=$(cpu_ns "$pid")
	grep -q '^Complete requests: *'"$HEALTH_REQUESTS"'$' "$out" || die "incomplete ab round: see $out"
	! grep -q '^Non-2xx responses' "$out" || die "non-2xx health responses: see $out"
	mean=$(grep -m1 '^Time per request:' "$out" | awk '{ print $4 }')
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$section" "$jdk" "$variant" "$((k * 1000 + r))" 0 "$mean" NA NA NA \
		"$(awk -v a="$before" -v b="$after" -v n="$HEALTH_REQUESTS" 'BEGIN { printf "%.2f", (b - a) / n / 1000 }')" NA NA NA NA >>"$RUNS"
}

# ---------------------------------------------------------------------------------------------
# 3. What a user gets with Spring Boot's CDS support (JDK 17) or the JDK's AOT cache (JDK 25):
#    extract the jar, one training run that stops after refresh, then start from the archive.
cds_prepare() {
	local jdk=$1 variant=$2 jar=$3 java dir app
	java=$(java_home "$jdk")/bin/java
	dir=$OUT/cds/$jdk/$variant
	app=$dir/$(basename "$jar")
	rm -rf "$dir"
	"$java" -Djarmode=tools -jar "$jar" extract --destination "$dir" >"$OUT/logs/cds-$jdk-$variant-extract.log" 2>&1
	[ -f "$app" ] || die "extract did not produce $app"
	if [ "$jdk" = 17 ]; then
		"$java" -XX:ArchiveClassesAtExit="$dir/app.jsa" -Dspring.context.exit=onRefresh -jar "$app" \
			--server.port=0 --server.address=127.0.0.1 "--zeph.pidfile.path=$OUT/pid/cds-$jdk-$variant-training.pid" \
			>"$OUT/logs/cds-$jdk-$variant-training.log" 2>&1 || die "training run failed: see $OUT/logs/cds-$jdk-$variant-training.log"
		[ -f "$dir/app.jsa" ] || die "no $dir/app.jsa"
	else
		"$java" -XX:AOTCacheOutput="$dir/app.aot" -Dspring.context.exit=onRefresh -jar "$app" \
			--server.port=0 --server.address=127.0.0.1 "--zeph.pidfile.path=$OUT/pid/cds-$jdk-$variant-training.pid" \
			>"$OUT/logs/cds-$jdk-$variant-training.log" 2>&1 || die "training run failed: see $OUT/logs/cds-$jdk-$variant-training.log"
		[ -f "$dir/app.aot" ] || die "no $dir/app.aot"
	fi
}

cds_flag() { [ "$1" = 17 ] && echo "-XX:SharedArchiveFile=$2/app.jsa" || echo "-XX:AOTCache=$2/app.aot"; }
# the same, but failing instead of silently starting without the archive: for one check run
cds_strict() { [ "$1" = 17 ] && echo "-Xshare:on" || echo "-XX:AOTMode=on"; }

section_cds() {
	local jdk=$1 s_dir b_dir s_app b_app what
	s_dir=$OUT/cds/$jdk/starter
	b_dir=$OUT/cds/$jdk/baseline
	s_app=$s_dir/$(basename "$STARTER_JAR")
	b_app=$b_dir/$(basename "$BASELINE_JAR")
	[ "$jdk" = 17 ] && what="Spring Boot CDS (-XX:SharedArchiveFile)" || what="AOT cache (-XX:AOTCache)"
	log "$what, JDK $jdk: extract and train both jars, then $CDS_N pairs"
	cds_prepare "$jdk" starter "$STARTER_JAR"
	cds_prepare "$jdk" baseline "$BASELINE_JAR"
	# the warm-up pair insists on the archive, so a broken archive stops the script
	paired cds-warmup "$jdk" 1 starter "$(cds_strict "$jdk") $(cds_flag "$jdk" "$s_dir")" "$s_app" \
		baseline "$(cds_strict "$jdk") $(cds_flag "$jdk" "$b_dir")" "$b_app"
	paired cds "$jdk" "$CDS_N" starter "$(cds_flag "$jdk" "$s_dir")" "$s_app" baseline "$(cds_flag "$jdk" "$b_dir")" "$b_app"
	local up wall rss s_up b_up skipped
	up=$(pairs cds "$jdk" starter baseline $C_UPTIME $C_UPTIME ratio | stats)
	wall=$(pairs cds "$jdk" starter baseline $C_WALL $C_WALL ratio | stats)
	rss=$(pairs cds "$jdk" starter baseline $C_RSS $C_RSS diff | stats)
	s_up=$(column cds "$jdk" starter $C_UPTIME | stats)
	b_up=$(column cds "$jdk" baseline $C_UPTIME | stats)
	skipped=$(grep -cE 'cannot be archived|not supported by CDS|Skipping' "$OUT/logs/cds-$jdk-starter-training.log" || true)
	SUMMARY[cds_$jdk]=$(fmt_ratio $up)
	result ""
	result "### $what, JDK $jdk ($CDS_N pairs, each jar extracted and trained on its own)"
	result ""
	result "| measure | value |"
	result "|---|---|"
	result "| JVM uptime at ready, starter / baseline | $(fmt_ratio $up) |"
	result "| wall time, launch to exit, starter / baseline | $(fmt_ratio $wall) |"
	result "| peak RSS, starter - baseline | $(fmt_mib $rss) |"
	result "| JVM uptime at ready, starter | $(fmt_ms $s_up) |"
	result "| JVM uptime at ready, baseline | $(fmt_ms $b_up) |"
	if [ -n "${SUMMARY[startup_starter_$jdk]:-}" ]; then
		result "| same, plain java -jar (section above, not paired with these) | starter ${SUMMARY[startup_starter_$jdk]} ms, baseline ${SUMMARY[startup_base_$jdk]} ms |"
	fi
	result "| training-log lines about classes left out of the starter's archive | $skipped (see logs/cds-$jdk-starter-training.log) |"
}

# ---------------------------------------------------------------------------------------------
# Where the time goes (a profile, not a target):
#  a. three-way runs: the baseline, the starter with zeph.pidfile.enabled=false (its jars and
#     Spring parts, no native code, no lock) and the starter as shipped;
#  b. the first PidFile.acquire + release in a fresh JVM without Spring (ColdAcquire.java);
#  c. the classes each jar loads up to ready (-Xlog:class+load);
#  d. native memory by category at exit (-XX:NativeMemoryTracking) and GCs before ready.
section_profile() {
	local jdk=$1 java i v
	java=$(java_home "$jdk")/bin/java
	log "profile, JDK $jdk: $PROFILE_N three-way runs, $PROFILE_N cold acquires, class loading, native memory"
	local app=(--sample.exit-when-ready=true --server.port=0 --server.address=127.0.0.1)
	for ((i = 1; i <= PROFILE_N; i++)); do
		for v in $(rotation3 "$i" baseline disabled starter); do
			case $v in
				baseline) run_app profile "$jdk" baseline "$i" 0 -jar "$BASELINE_JAR" -- "${app[@]}" "--zeph.pidfile.path=$OUT/pid/profile-$jdk-$v-$i.pid" ;;
				disabled) run_app profile "$jdk" disabled "$i" 0 -jar "$STARTER_JAR" -- "${app[@]}" --zeph.pidfile.enabled=false ;;
				starter) run_app profile "$jdk" starter "$i" 0 -jar "$STARTER_JAR" -- "${app[@]}" "--zeph.pidfile.path=$OUT/pid/profile-$jdk-$v-$i.pid" ;;
			esac
		done
		printf '.' >&2
	done
	echo >&2
	result ""
	result "### Profile, JDK $jdk: where the starter's start-up cost goes"
	result ""
	result "a. $PROFILE_N three-way runs (rotating order), each against the baseline of its round, median (min-max):"
	result ""
	result "| variant | JVM uptime at ready | uptime at 'Starting ...' - baseline | peak RSS - baseline | CPU time - baseline | main-thread CPU - baseline | main-thread allocation - baseline |"
	result "|---|---|---|---|---|---|---|"
	for v in disabled starter; do
		local up pre rss cpu alloc mcpu
		up=$(pairs profile "$jdk" $v baseline $C_UPTIME $C_UPTIME ratio | stats)
		mcpu=$(pairs profile "$jdk" $v baseline $C_MAIN_CPU $C_MAIN_CPU diff | stats)
		pre=$(pairs profile "$jdk" $v baseline $C_STARTING $C_STARTING diff | stats)
		rss=$(pairs profile "$jdk" $v baseline $C_RSS $C_RSS diff | stats)
		cpu=$(pairs profile "$jdk" $v baseline $C_CPU $C_CPU diff | stats)
		alloc=$(pairs profile "$jdk" $v baseline $C_ALLOC $C_ALLOC diff | stats)
		result "| starter jar, $([ $v = disabled ] && echo '--zeph.pidfile.enabled=false (no native code, no lock)' || echo 'as shipped') |" \
			"$(fmt_ratio $up | sed 's/; 95%.*//') | $(fmt_delta_ms $pre | sed 's/; 95%.*//') | $(fmt_mib $rss | sed 's/; 95%.*//') |" \
			"$(awk -v m="${cpu%% *}" 'BEGIN { printf "%+.2f s", m }') | $(fmt_delta_ms $mcpu | sed 's/; 95%.*//') | $(awk -v m="${alloc%% *}" 'BEGIN { if (m == "NA") print "NA"; else printf "%+.1f MiB", m }') |"
	done

	# b. the native layer alone, cold: the core as it is (and, on 25, three bare downcalls for comparison)
	local probe=$OUT/profile/$jdk jvm_flags=() probes name
	rm -rf "$probe"
	mkdir -p "$probe"
	"$java" -Djarmode=tools -jar "$STARTER_JAR" extract --destination "$probe/app" >/dev/null 2>&1
	"$JDK17_HOME/bin/javac" --release 17 -d "$probe/classes" -cp "$probe/app/lib/*" \
		"$ROOT/samples/web/bench/ColdAcquire.java"
	if [ "$jdk" = 17 ]; then
		probes="core"
	else
		jvm_flags=(--enable-native-access=ALL-UNNAMED)
		"$JDK25_HOME/bin/javac" --release 22 -d "$probe/classes" "$ROOT/samples/web/bench/NarrowForeignProbe.java"
		probes="core ffm3"
	fi
	for ((i = 1; i <= PROFILE_N; i++)); do
		for name in $probes; do
			local out=$OUT/logs/probe-$jdk-$name.txt pid_path=$OUT/pid/probe-$jdk-$name-$i.pid
			case $name in
				core) "$java" "${jvm_flags[@]}" -cp "$probe/classes:$probe/app/lib/*" ColdAcquire "$pid_path" >>"$out" 2>&1 ;;
				ffm3) "$java" "${jvm_flags[@]}" -cp "$probe/classes" NarrowForeignProbe "$pid_path" >>"$out" 2>&1 ;;
			esac || die "probe $name failed: see $out"
		done
	done
	result ""
	result "b. The native layer alone, cold, in a fresh JVM without Spring ($PROFILE_N runs each, interleaved; wall and CPU time of the" \
		"first open + flock + close, classes loaded meanwhile; a bare JVM loads JDK classes that a Spring application has already loaded," \
		"so these overstate the in-application cost):"
	result ""
	result "| binding | wall | CPU on the calling thread | classes |"
	result "|---|---|---|---|"
	for name in $probes; do
		local out=$OUT/logs/probe-$jdk-$name.txt ms cpu_ms cls label
		grep -qE '^(cold_acquire|narrow) ' "$out" || die "no result from probe $name: see $out"
		ms=$(sed -nE 's/^(cold_acquire|narrow)( binding=[^ ]+)? ms=([0-9.]+) .*/\3/p' "$out" | stats)
		cpu_ms=$(sed -nE 's/.* cpu_ms=([0-9.]+) .*/\1/p' "$out" | stats)
		cls=$(sed -nE 's/.* classes=([0-9]+).*/\1/p' "$out" | stats)
		case $name in
			core) label="zeph-pidfile-core as it is: PidFile.acquire + close ($(sed -nE 's/.* backend=(.*)$/\1/p' "$out" | sort -u | paste -sd, -))" ;;
			ffm3) label="java.lang.foreign, 3 downcall handles (open, flock, close)" ;;
		esac
		result "| $label | $(awk -v m="${ms%% *}" -v lo="$(cut -d' ' -f2 <<<"$ms")" -v hi="$(cut -d' ' -f3 <<<"$ms")" 'BEGIN { printf "%.0f ms (%.0f-%.0f)", m, lo, hi }') |" \
			"$(awk -v m="${cpu_ms%% *}" -v lo="$(cut -d' ' -f2 <<<"$cpu_ms")" -v hi="$(cut -d' ' -f3 <<<"$cpu_ms")" 'BEGIN { printf "%.0f ms (%.0f-%.0f)", m, lo, hi }') | ${cls%% *} |"
	done

	# c. classes
	local variant jar f
	for variant in starter baseline; do
		[ $variant = starter ] && jar=$STARTER_JAR || jar=$BASELINE_JAR
		f=$OUT/logs/classes-$jdk-$variant.txt
		run_app classes "$jdk" "$variant" 1 0 "-Xlog:class+load=info:file=$f" -jar "$jar" -- \
			"${app[@]}" "--zeph.pidfile.path=$OUT/pid/classes-$jdk-$variant.pid"
	done
	local s="$OUT/logs/classes-$jdk-starter.txt" b="$OUT/logs/classes-$jdk-baseline.txt"
	class_names "$s" >"$OUT/logs/classes-$jdk-starter.names"
	class_names "$b" >"$OUT/logs/classes-$jdk-baseline.names"
	comm -23 "$OUT/logs/classes-$jdk-starter.names" "$OUT/logs/classes-$jdk-baseline.names" >"$OUT/logs/classes-$jdk-extra.names"
	result ""
	result "c. Classes loaded up to ready (one -Xlog:class+load run of each jar):"
	result ""
	result "| | starter | baseline |"
	result "|---|---|---|"
	result "| classes loaded | $(wc -l <"$OUT/logs/classes-$jdk-starter.names") | $(wc -l <"$OUT/logs/classes-$jdk-baseline.names") |"
	result "| of those from the JDK's CDS archive | $(grep -c 'shared objects file' "$s" || true) | $(grep -c 'shared objects file' "$b" || true) |"
	result ""
	result "$(wc -l <"$OUT/logs/classes-$jdk-extra.names") classes loaded only with the starter, by package (top 15; a few, such as micrometer's GC metrics, only show that a GC came earlier):"
	result ""
	result '```'
	awk '{ n = split($1, p, "."); pkg = p[1]; for (k = 2; k < n && k <= 3; k++) pkg = pkg "." p[k]; c[pkg]++ }
		END { for (k in c) printf "%6d  %s\n", c[k], k }' "$OUT/logs/classes-$jdk-extra.names" | sort -rn | head -15 >>"$RESULTS"
	result '```'

	# d. native memory and GCs
	for variant in starter baseline; do
		[ $variant = starter ] && jar=$STARTER_JAR || jar=$BASELINE_JAR
		run_app nmt "$jdk" "$variant" 1 0 -XX:NativeMemoryTracking=summary -XX:+UnlockDiagnosticVMOptions -XX:+PrintNMTStatistics \
			"-Xlog:gc:file=$OUT/logs/gc-$jdk-$variant.log" -jar "$jar" -- \
			"${app[@]}" "--zeph.pidfile.path=$OUT/pid/nmt-$jdk-$variant.pid"
	done
	result ""
	result "d. Native memory committed at exit by category (-XX:NativeMemoryTracking=summary, one run each; the categories that" \
		"grow with loaded code; the Java heap, GC, arena and compiler categories swing with GC and JIT timing from run to run):"
	result ""
	result "| category | starter | baseline | starter - baseline |"
	result "|---|---|---|---|"
	join -t'|' <(nmt_committed "$OUT/logs/nmt-$jdk-starter-1.log") <(nmt_committed "$OUT/logs/nmt-$jdk-baseline-1.log") |
		awk -F'|' '$1 ~ /^(Class|Metaspace|Code|Symbol|Thread|Internal|Other|Shared class space)$/ { printf "| %s | %.1f MiB | %.1f MiB | %+.1f MiB |\n", $1, $2 / 1024, $3 / 1024, ($2 - $3) / 1024 }' >>"$RESULTS"
	result ""
	result "GC pauses before exit: starter $(grep -c 'Pause' "$OUT/logs/gc-$jdk-starter.log" || true)," \
		"baseline $(grep -c 'Pause' "$OUT/logs/gc-$jdk-baseline.log" || true); peak RSS of these runs: starter" \
		"$(column nmt "$jdk" starter $C_RSS | awk '{ printf "%.0f", $1 / 1024 }') MiB, baseline $(column nmt "$jdk" baseline $C_RSS | awk '{ printf "%.0f", $1 / 1024 }') MiB."
}

# "category|committed KiB" from a -XX:+PrintNMTStatistics summary (JDK 17 prints KB, JDK 25 bytes), sorted for join
nmt_committed() {
	awk '/^-  +[A-Za-z].*\(reserved=[0-9]+(KB)?, committed=[0-9]+(KB)?/ {
			name = $0; sub(/^- +/, "", name); sub(/ \(reserved=.*/, "", name)
			c = $0; sub(/.*committed=/, "", c); kb = (c ~ /^[0-9]+KB/) ? c + 0 : (c + 0) / 1024
			if (!(name in seen)) { seen[name] = 1; printf "%s|%d\n", name, kb }
		}' "$1" | sort -t'|' -k1,1
}

# class names from a -Xlog:class+load log, hidden/generated classes folded together
class_names() {
	awk '/\]\[class,load\]/ { for (k = 1; k <= NF; k++) if ($k == "source:") { print $(k - 1); break } }' "$1" |
		sed -E 's#/0x[0-9a-f]+$##; s#\$\$Lambda[^ ]*#$$Lambda#; s#\$Proxy[0-9]+#$Proxy#' | sort -u
}

# ---------------------------------------------------------------------------------------------
{
	echo "# Start-up benchmarks: samples/web with the zeph-pidfile starter vs. without it"
	echo
	echo "Run $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
		"$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)."
	for jdk in $JDKS; do
		echo "JDK $jdk: $("$(java_home "$jdk")/bin/java" -version 2>&1 | sed -n 2p)."
	done
	echo "N=$N, CDS_N=$CDS_N, PROFILE_N=$PROFILE_N, HEALTH_SESSIONS=$HEALTH_SESSIONS x HEALTH_ROUNDS=$HEALTH_ROUNDS x HEALTH_REQUESTS=$HEALTH_REQUESTS, sections: $SECTIONS."
	echo "Load average at start: $(cut -d' ' -f1-3 /proc/loadavg)."
} >>"$RESULTS"

started=$SECONDS
for jdk in $JDKS; do
	for section in startup refused health cds profile; do
		if has_section $section; then "section_$section" "$jdk"; fi
	done
done

{
	echo
	echo "### Summary"
	echo
	echo "| target | JDK | measured (median, min-max) | target | |"
	echo "|---|---|---|---|---|"
	for jdk in $JDKS; do
		if has_section startup; then
			echo "| 1. start-up to ready, starter / baseline | $jdk | ${SUMMARY[startup_$jdk]} | <= $(target_startup "$jdk")x | ${SUMMARY[startup_verdict_$jdk]} |"
			echo "| 1. peak RSS, starter - baseline | $jdk | ${SUMMARY[rss_$jdk]} | <= +$(target_rss_mib "$jdk") MiB | ${SUMMARY[rss_verdict_$jdk]} |"
		fi
		if has_section refused; then
			echo "| 2. refused start / full start to ready | $jdk | ${SUMMARY[refused_$jdk]} | <= $(target_refused "$jdk")x | ${SUMMARY[refused_verdict_$jdk]} |"
		fi
		if has_section health; then
			echo "| 4. health latency, enabled / disabled | $jdk | ${SUMMARY[health_$jdk]} | <= ${TARGET_HEALTH}x | ${SUMMARY[health_verdict_$jdk]} |"
			echo "| (4. server CPU per health request, enabled / disabled) | $jdk | ${SUMMARY[health_cpu_$jdk]} | | |"
			echo "| 4. health latency in one instance, group with / without the indicator | $jdk | ${SUMMARY[health_groups_$jdk]} | <= ${TARGET_HEALTH}x | ${SUMMARY[health_groups_verdict_$jdk]} |"
			echo "| 4. health: 1 + the indicator's in-JVM cost / the HTTP latency | $jdk | ${SUMMARY[health_share_$jdk]} | <= ${TARGET_HEALTH}x | ${SUMMARY[health_share_verdict_$jdk]} |"
		fi
		if has_section cds; then
			echo "| (CDS / AOT cache) start-up, starter / baseline | $jdk | ${SUMMARY[cds_$jdk]} | | |"
		fi
	done
	echo
	echo "Load average at end: $(cut -d' ' -f1-3 /proc/loadavg). Took $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s."
} >>"$RESULTS"

echo
cat "$RESULTS"
echo
echo "bench: results in $RESULTS, every run in $RUNS"
