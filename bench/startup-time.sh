#!/usr/bin/env bash
# Cold start (first start() to first PONG in a fresh JVM) and warm starts (later starts in the same JVM) of the
# published jar, over several fresh JVMs. Build first: mvn -B -q -DskipTests package
# A cold start is CPU-bound on two cores, so other load on the machine shows in it. To measure as on an idle
# machine while other work runs, give the JVMs priority (as root): PRIORITY="chrt -f 50" bench/startup-time.sh
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
cp="dist/target/cinnabar-server.jar:bench/target/classes"
for i in $(seq "$runs"); do
  ${PRIORITY:-} java -cp "$cp" io.cinnabar.bench.StartupTime 20
done | python3 -c '
import sys, statistics
rows = [dict(kv.split("=") for kv in line.split()) for line in sys.stdin if "=" in line]
for key in rows[0]:
    v = sorted(float(r[key]) for r in rows)
    print(f"{key}: median {statistics.median(v):.1f}, min {v[0]:.1f}, max {v[-1]:.1f} ({len(v)} JVMs)")
'
