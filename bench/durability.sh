#!/usr/bin/env bash
# Durability under appendfsync always: the launcher jar runs as its own JVM, 8 clients write and record every
# acknowledged SET, the server is killed with SIGKILL after 0.3-2 s of load, restarted on the same AOF files,
# and every acknowledged write must be there. RUNS runs (default 20); exits 1 if any write was lost.
#
#   bench/durability.sh            # builds dist/target/cinnabar-server.jar and the test classes if missing
#   RUNS=5 bench/durability.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=${JAR:-"$ROOT/dist/target/cinnabar-server.jar"}
RUNS=${RUNS:-20}
[ -f "$JAR" ] || mvn -q -B -DskipTests -pl dist -am package
[ -f "$ROOT/server/target/test-classes/io/cinnabar/server/DurabilityCheck.class" ] \
  || mvn -q -B -pl server -am test-compile
uptime
java -cp "$ROOT/server/target/test-classes" io.cinnabar.server.DurabilityCheck "$JAR" "$RUNS"
