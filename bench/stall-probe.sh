#!/usr/bin/env bash
# Does one client stall the others? Runs io.cinnabar.bench.StallProbe against Cinnabar (the launcher jar) and a
# real redis-server side by side: a client pipelines GETS GETs of a VALUE-byte value and reads nothing for SECONDS
# while PINGERS clients time PINGs; the probe prints their latency percentiles and the server's largest resident
# memory, then reads and checks every reply. Then, with the same load running, it times how long each server takes
# to exit after SIGTERM and after SHUTDOWN NOSAVE.
#
#   bench/stall-probe.sh
#   PRIORITY="chrt -f 50" ROUNDS=3 bench/stall-probe.sh      # on a loaded machine (as root)
#
# Redis buffers all the replies a client does not read (client-output-buffer-limit normal 0 0 0): with the
# defaults that is 3 GB of memory on its side.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR="$ROOT/dist/target/cinnabar-server.jar"
REDIS_PORT=${REDIS_PORT:-7379}
CINNABAR_PORT=${CINNABAR_PORT:-7380}
VALUE=${VALUE:-1048576}
GETS=${GETS:-3000}
SECONDS_=${SECONDS_:-10}
PINGERS=${PINGERS:-4}
ROUNDS=${ROUNDS:-2}
PRIORITY=${PRIORITY:-}
JAVA_OPTS=${JAVA_OPTS:-"-Xms1g -Xmx1g -XX:+UseParallelGC"}

[ -f "$JAR" ] || mvn -q -B -DskipTests -pl dist -am package
[ -f "$ROOT/bench/target/classes/io/cinnabar/bench/StallProbe.class" ] || mvn -q -B -DskipTests -pl bench -am package
PROBE="java -cp $ROOT/bench/target/classes io.cinnabar.bench.StallProbe"

SERVER_PID=
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true' EXIT

start() { # name -> SERVER_PID, port in PORT
  case "$1" in
    redis) PORT=$REDIS_PORT
      $PRIORITY redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
        --loglevel warning >/dev/null & ;;
    cinnabar) PORT=$CINNABAR_PORT
      # shellcheck disable=SC2086
      $PRIORITY java $JAVA_OPTS -jar "$JAR" --port "$PORT" --loglevel warning >/dev/null & ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && return; sleep 0.1; done
  echo "$1 did not start" >&2; exit 1
}

stop_time() { # how: TERM or SHUTDOWN; the load runs meanwhile
  $PRIORITY $PROBE "$PORT" "$VALUE" "$GETS" 30 "$PINGERS" >/dev/null 2>&1 &
  local probe=$!
  sleep 2
  local t0 t1
  t0=$(date +%s%N)
  if [ "$1" = TERM ]; then kill -TERM "$SERVER_PID"; else redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true; fi
  wait "$SERVER_PID" 2>/dev/null || true
  t1=$(date +%s%N)
  SERVER_PID=
  kill "$probe" 2>/dev/null || true
  wait "$probe" 2>/dev/null || true
  echo "  $1 with the load running: exited after $(( (t1 - t0) / 1000000 )) ms"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); value $VALUE bytes, $GETS GETs," \
  "$PINGERS pingers, ${SECONDS_} s"
for server in cinnabar redis; do
  echo "== $server"
  start "$server"
  for round in $(seq "$ROUNDS"); do
    echo "  round $round"
    # shellcheck disable=SC2086
    $PRIORITY $PROBE "$PORT" "$VALUE" "$GETS" "$SECONDS_" "$PINGERS" "$SERVER_PID" | sed 's/^/    /'
  done
  stop_time TERM
  start "$server"
  stop_time SHUTDOWN
done
