#!/usr/bin/env bash
# Memory side by side: the same data loaded into a real redis-server 7.0 and into an embedded Cinnabar; Redis's
# RSS growth against Cinnabar's heap in use after a full GC. Needs redis-server on PATH and a built bench module
# (mvn -B -q -DskipTests package). A first argument divides the sizes (2 loads half as much) for a quick look; a
# second runs only the data sets whose name contains it (e.g. "elements").
set -euo pipefail
cd "$(dirname "$0")/.."
command -v redis-server >/dev/null || { echo "redis-server is not on PATH" >&2; exit 2; }
cp="$(ls bench/target/benchmarks.jar)"
java -Xmx4g -XX:+UseParallelGC -cp "$cp" io.cinnabar.bench.MemoryComparison "${1:-1}" ${2:+"$2"}
