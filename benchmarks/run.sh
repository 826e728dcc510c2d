#!/usr/bin/env bash
# One benchmark, one command, from anywhere in the repository: builds what it measures (unless
# SKIP_BUILD=1), then runs its Java driver with the remaining key=value arguments (BENCHMARKS.md).
#   benchmarks/run.sh startup|refused|health|cds|profile|percall|cluster-startup|datasource-startup|failover|standby|fencing|timelines|startup-chart [...]
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A DRIVER=([startup]=startup.StartupBenchmark [refused]=startup.RefusedStartBenchmark
	[health]=health.HealthBenchmark [percall]=percall.PerCallBenchmark
	[cluster-startup]=startup.ClusterStartupBenchmark [failover]=cluster.FailoverBenchmark
	[cds]=startup.CdsBenchmark [profile]=startup.ProfileBenchmark [standby]=standby.StandbyBenchmark
	[fencing]=fencing.FencingBenchmark [datasource-startup]=startup.DataSourceStartupBenchmark
	[timelines]=cluster.FailoverTimelines [startup-chart]=pictures.StartupChart)
name=${1:-}
[ -n "${DRIVER[$name]:-}" ] || { echo "usage: $0 {${!DRIVER[*]}} [key=value ...]" >&2; exit 2; }
shift
if [ "${SKIP_BUILD:-0}" != 1 ]; then
	./mvnw -q -B -Pbenchmarks -DskipTests package -pl benchmarks,samples/web,samples/jdbc -am
	# the baseline without the starter, beside the sample's jar (samples/web/pom.xml)
	./mvnw -q -B -DskipTests package -pl samples/web -am -Dsample.baseline
fi
exec "${JAVA:-java}" -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" \
	"dev.zeph.pidfile.benchmarks.${DRIVER[$name]}" "$@"
