#!/usr/bin/env bash
# Side-by-side load run: starts Cinnabar (the launcher jar) and a real redis-server 7.0 on loopback, then runs
# redis-benchmark against both in turns with the same parameters, and prints requests per second and the ratio.
#
#   bench/compare-with-redis.sh            # needs redis-server and redis-benchmark on PATH
#   REQUESTS_P1=200000 REQUESTS_P16=2000000 CLIENTS=50 bench/compare-with-redis.sh
#   TESTS="set get" DATA_SIZE=100000 bench/compare-with-redis.sh   # 100 kB values (SET first: GET reads its key)
#
# TESTS takes redis-benchmark's test names, multi_exec (a MULTI/EXEC of five commands, sent by PipelineLoad) and
# publish_N (PUBLISH with N subscribers; the figure is PUBLISH calls per second, each delivered N times) and fcall
# (FCALL of a one-line library function that INCRs a key).
# and the stream tests (redis-benchmark with a custom command line, each run on freshly prepared data):
#   xadd        XADD bench:s * field1 value1 field2 value2
#   xrange10    XRANGE bench:r 1-<random> + COUNT 10, over 1000 entries
#   xreadgroup  XREADGROUP GROUP grp c COUNT 1 STREAMS bench:g >, over as many entries as requests
#   xack        XACK bench:g grp 1-<random>, after one XREADGROUP delivered all of them (random IDs: about 63% of
#               the acknowledgements hit a pending entry, alike on both servers)
# SERVER_CONFIG adds the same configuration to both servers, each in a fresh temporary dir (the AOF figures):
#   SERVER_CONFIG="--appendonly yes --appendfsync always" TESTS=set bench/compare-with-redis.sh
# Each test runs Redis first, then Cinnabar, then both again in the opposite order; each side's figure is the
# mean of its two runs, so drift on a shared machine hits both alike. Cinnabar gets a warm-up run first (the JIT).
# PIPELINES="1" (or "16") runs one of the two pipeline depths only; any other depth uses REQUESTS_P16.
# ROUNDS=N repeats that four-run round N times per test (the figures are the means of all runs, and the ratio of
# each round follows in brackets): on a small shared machine one round's noise can exceed the difference measured.
# The LRANGE tests send fewer requests (a quarter for LRANGE_100, a tenth for the longer ones): a reply of
# hundreds of elements takes so much longer that the same count would make them most of the run's time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JAR=${JAR:-"$ROOT/dist/target/cinnabar-server.jar"}
REDIS_PORT=${REDIS_PORT:-7379}
CINNABAR_PORT=${CINNABAR_PORT:-7380}
CLIENTS=${CLIENTS:-50}
REQUESTS_P1=${REQUESTS_P1:-200000}
REQUESTS_P16=${REQUESTS_P16:-2000000}
ROUNDS=${ROUNDS:-1}
PIPELINES=${PIPELINES:-"1 16"}
TESTS=${TESTS:-"set get incr mset ping_inline ping_mbulk"}
DATA_SIZE=${DATA_SIZE:-3}
JAVA_OPTS=${JAVA_OPTS:-"-Xms1g -Xmx1g -XX:+UseParallelGC"}
SERVER_CONFIG=${SERVER_CONFIG:-""}
REDIS_DIR=$(mktemp -d)
CINNABAR_DIR=$(mktemp -d)

for tool in redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "$tool is not on PATH (apt-get install -y redis-server redis-tools)" >&2; exit 2; }
done
[ -f "$JAR" ] || mvn -q -B -DskipTests -pl dist -am package
[ -f "$ROOT/bench/target/classes/io/cinnabar/bench/PipelineLoad.class" ] || mvn -q -B -DskipTests -pl bench -am package

# shellcheck disable=SC2086
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --loglevel warning \
  --dir "$REDIS_DIR" $SERVER_CONFIG &
REDIS_PID=$!
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$JAR" --port "$CINNABAR_PORT" --save '' --loglevel warning --dir "$CINNABAR_DIR" $SERVER_CONFIG &
CINNABAR_PID=$!
trap 'kill $REDIS_PID $CINNABAR_PID 2>/dev/null || true; sleep 0.5; rm -rf "$REDIS_DIR" "$CINNABAR_DIR"' EXIT
for port in "$REDIS_PORT" "$CINNABAR_PORT"; do
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

stream_setup() { # port test requests: the data a stream test runs on, made afresh before each run
  local fill=(redis-benchmark -p "$1" -c 50 -P 64 -q)
  case "$2" in
    xadd) redis-cli -p "$1" del bench:s >/dev/null ;;
    xrange10) redis-cli -p "$1" del bench:r >/dev/null
      "${fill[@]}" -n 1000 XADD bench:r '1-*' field1 value1 field2 value2 >/dev/null ;;
    xreadgroup|xack) redis-cli -p "$1" del bench:g >/dev/null
      "${fill[@]}" -n "$3" XADD bench:g '1-*' field1 value1 field2 value2 >/dev/null
      redis-cli -p "$1" xgroup create bench:g grp 0 >/dev/null
      if [ "$2" = xack ]; then
        redis-cli -p "$1" xreadgroup group grp c count "$3" streams bench:g '>' >/dev/null
      fi ;;
  esac
}

rps() { # port test pipeline requests -> requests per second
  stream_setup "$1" "$2" "$4"
  local bench=(redis-benchmark -p "$1" -c "$CLIENTS" -n "$4" -P "$3" -q)
  case "$2" in
    xadd) "${bench[@]}" XADD bench:s '*' field1 value1 field2 value2 2>/dev/null | tr '\r' '\n' \
        | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") print $(i-1) }' | tail -1 ;;
    xrange10) "${bench[@]}" -r 990 XRANGE bench:r '1-__rand_int__' + COUNT 10 2>/dev/null | tr '\r' '\n' \
        | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") print $(i-1) }' | tail -1 ;;
    xreadgroup) "${bench[@]}" XREADGROUP GROUP grp c COUNT 1 STREAMS bench:g '>' 2>/dev/null | tr '\r' '\n' \
        | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") print $(i-1) }' | tail -1 ;;
    xack) "${bench[@]}" -r "$4" XACK bench:g grp '1-__rand_int__' 2>/dev/null | tr '\r' '\n' \
        | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") print $(i-1) }' | tail -1 ;;
    multi_exec) # MULTI + five commands + EXEC as one request (redis-benchmark sends one command per request)
      java -cp "$ROOT/bench/target/classes" io.cinnabar.bench.PipelineLoad "$1" "$CLIENTS" "$3" $(($4 / 5)) multi_exec \
        | awk '/requests per second/ { print $2 }' ;;
    fcall) # FCALL of a small library function (loaded on both servers first)
      redis-cli -p "$1" function load replace \
        "#!lua name=benchlib
redis.register_function('bench', function(keys, args) return redis.call('incr', keys[1]) end)" >/dev/null
      redis-benchmark -p "$1" -c "$CLIENTS" -n "$4" -P "$3" -q fcall bench 1 bench-counter 2>/dev/null | tr '\r' '\n' \
        | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") print $(i-1) }' | tail -1 ;;
    publish_*) # PUBLISH to N subscribers (redis-cli processes reading to /dev/null); messages delivered = rps * N
      local n=${2#publish_} pids=() i
      for i in $(seq "$n"); do redis-cli -p "$1" subscribe bench-channel >/dev/null & pids+=($!); done
      for _ in $(seq 100); do
        [ "$(redis-cli -p "$1" pubsub numsub bench-channel | tail -1)" = "$n" ] && break; sleep 0.05
      done
      redis-benchmark -p "$1" -c "$CLIENTS" -n "$4" -P "$3" -q publish bench-channel hello 2>/dev/null | tr '\r' '\n' \
        | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") print $(i-1) }' | tail -1
      kill "${pids[@]}" 2>/dev/null; wait "${pids[@]}" 2>/dev/null || true ;;
    *)
      redis-benchmark -p "$1" -c "$CLIENTS" -n "$4" -P "$3" -d "$DATA_SIZE" -t "$2" -q 2>/dev/null | tr '\r' '\n' \
        | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") print $(i-1) }' | tail -1 ;;
  esac
}

requests_for() { # test requests: the count a test sends (the LRANGE tests' replies are long)
  local n=$2
  case "$1" in
    lrange_100) n=$((n / 4)) ;;
    lrange_*) n=$((n / 10)) ;;
  esac
  # redis-benchmark fills the list with as many LPUSHes as requests: LRANGE_600 needs 600 elements or more
  [ "$n" -ge 1000 ] || [ "$n" -ge "$2" ] || n=$(($2 < 1000 ? $2 : 1000))
  echo "$n"
}

echo "warming up Cinnabar..." >&2
for t in $TESTS; do # both depths whatever PIPELINES says: the JIT compiles what both run
  rps "$CINNABAR_PORT" "$t" 16 "$(requests_for "$t" "$REQUESTS_P16")" >/dev/null
  rps "$CINNABAR_PORT" "$t" 1 "$(requests_for "$t" "$REQUESTS_P1")" >/dev/null
done

echo "machine: $(nproc) cores, $(awk '/model name/ {sub(/.*: /, ""); print; exit}' /proc/cpuinfo), $(free -g | awk '/Mem:/ {print $2}') GiB"
echo "redis: $(redis-server --version | awk '{print $3}'), java: $(java -version 2>&1 | head -1), clients: $CLIENTS, value size: $DATA_SIZE"
printf '%-12s %3s %14s %14s %7s\n' test P redis cinnabar ratio
for pipeline in $PIPELINES; do
  for t in $TESTS; do
    n=$REQUESTS_P1; [ "$pipeline" = 1 ] || n=$REQUESTS_P16
    n=$(requests_for "$t" "$n")
    runs=""
    for _ in $(seq "$ROUNDS"); do
      r1=$(rps "$REDIS_PORT" "$t" "$pipeline" "$n"); c1=$(rps "$CINNABAR_PORT" "$t" "$pipeline" "$n")
      c2=$(rps "$CINNABAR_PORT" "$t" "$pipeline" "$n"); r2=$(rps "$REDIS_PORT" "$t" "$pipeline" "$n")
      runs="$runs $r1 $c1 $c2 $r2"
    done
    echo "$runs" | awk -v t="$t" -v p="$pipeline" '{
      r = 0; c = 0; each = ""
      for (i = 1; i + 3 <= NF; i += 4) {
        rr = $i + $(i + 3); cc = $(i + 1) + $(i + 2); r += rr; c += cc
        each = each sprintf("%s%.2f", (each == "" ? "" : " "), (rr > 0 ? cc / rr : 0))
      }
      rounds = NF / 4; r /= 2 * rounds; c /= 2 * rounds
      printf "%-12s %3s %14.0f %14.0f %6.2fx", toupper(t), p, r, c, (r > 0 ? c / r : 0)
      if (rounds > 1) printf "  [%s]", each
      printf "\n" }'
  done
done
