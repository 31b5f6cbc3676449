#!/usr/bin/env bash
# RDB persistence side by side with Redis 7.0: time to SAVE and to load N keys, GET/SET latency with and without
# a BGSAVE running, and the server's RSS while it saves.
#
# Usage: REDIS_PORT=7402 CINNABAR_PORT=7412 [N=1000000] [PRIORITY=...] bench/rdb-bench.sh
# PRIORITY prefixes both servers' command lines. Not "chrt -f": a real-time policy is inherited by every thread,
# and a real-time save writer thread runs without time slicing against the executor.
# Needs redis-server, redis-cli and redis-benchmark 7.0 on the PATH and dist/target/cinnabar-server.jar
# (mvn -o -q package -pl dist -am -DskipTests -Dinvoker.skip=true).
#
# The data set (mixed types, written by redis-benchmark with random keys; a few collide, and DBSIZE is printed):
# 50% strings (integers, short strings, 200-byte strings), 12% hashes of 10 fields (listpack), 8% lists of 10
# elements (quicklist), 8% sets of 10 integers (intset), 4% sets of 10 words (hashtable), 10% sorted sets of 10
# members (listpack), 4% streams of one entry, and one hash, set, sorted set and list of 100,000 elements each
# (hashtable and skiplist encodings, many quicklist nodes). MIX=strings keeps the strings-only set of the first runs.
set -euo pipefail
cd "$(dirname "$0")/.."
RP=${REDIS_PORT:?set REDIS_PORT}
CP=${CINNABAR_PORT:?set CINNABAR_PORT}
N=${N:-1000000}
PRIORITY=${PRIORITY:-}
JAR=dist/target/cinnabar-server.jar
WORK=$(mktemp -d /tmp/rdb-bench.XXXXXX)
mkdir -p "$WORK/redis" "$WORK/cinnabar"
JAVA_OPTS=${JAVA_OPTS:-"-Xms2g -Xmx2g -XX:+UseParallelGC"}

now_ms() { date +%s%3N; }

start_redis() {
  $PRIORITY redis-server --port "$RP" --bind 127.0.0.1 --dir "$WORK/redis" --dbfilename dump.rdb --save '' \
    --appendonly no --daemonize yes --logfile "$WORK/redis/log" --enable-debug-command yes
  until redis-cli -p "$RP" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done
}

start_cinnabar() {
  # shellcheck disable=SC2086
  $PRIORITY java $JAVA_OPTS -Xlog:gc:file="$WORK/cinnabar/gc.log" -jar "$JAR" --port "$CP" --dir "$WORK/cinnabar" --save '' \
    --enable-debug-command yes --logfile log >/dev/null 2>&1 &
  CPID=$!
  until redis-cli -p "$CP" ping 2>/dev/null | grep -q PONG; do sleep 0.05; done
}

MIX=${MIX:-mixed}

fill() {
  local port=$1
  local pad
  pad=$(head -c 190 /dev/zero | tr '\0' 'p')
  local b=(redis-benchmark -p "$port" -c 4 -P 100 -r 100000000)
  if [ "$MIX" = strings ]; then
    "${b[@]}" -n $((N * 4 / 10)) SET "i:__rand_int__" "__rand_int__" >/dev/null
    "${b[@]}" -n $((N * 4 / 10)) SET "s:__rand_int__" "v-__rand_int__" >/dev/null
    "${b[@]}" -n $((N * 2 / 10)) SET "l:__rand_int__" "$pad-__rand_int__" >/dev/null
    return
  fi
  "${b[@]}" -n $((N * 20 / 100)) SET "i:__rand_int__" "__rand_int__" >/dev/null
  "${b[@]}" -n $((N * 20 / 100)) SET "s:__rand_int__" "v-__rand_int__" >/dev/null
  "${b[@]}" -n $((N * 10 / 100)) SET "l:__rand_int__" "$pad-__rand_int__" >/dev/null
  "${b[@]}" -n $((N * 12 / 100)) HSET "h:__rand_int__" f1 v1 f2 22 f3 value-3 f4 v4 f5 555 f6 v6 f7 v7 f8 v8 f9 v9 f10 v10 >/dev/null
  "${b[@]}" -n $((N * 8 / 100)) RPUSH "q:__rand_int__" a b c 4 5 6 element-7 h i j >/dev/null
  "${b[@]}" -n $((N * 8 / 100)) SADD "n:__rand_int__" 1 2 3 4 5 60 70 800 900 10000 >/dev/null
  "${b[@]}" -n $((N * 4 / 100)) SADD "w:__rand_int__" a b c d e f g h i j >/dev/null
  "${b[@]}" -n $((N * 10 / 100)) ZADD "z:__rand_int__" 1 a 2 b 3 c 4 d 5.5 e 6 f 7 g 8 h 9 i 10 j >/dev/null
  "${b[@]}" -n $((N * 4 / 100)) XADD "x:__rand_int__" '*' field value >/dev/null
  redis-benchmark -p "$port" -c 4 -P 100 -r 100000000 -n 100000 HSET bighash "f:__rand_int__" v >/dev/null
  redis-benchmark -p "$port" -c 4 -P 100 -r 100000000 -n 100000 SADD bigset "m:__rand_int__" >/dev/null
  redis-benchmark -p "$port" -c 4 -P 100 -r 100000000 -n 100000 ZADD bigzset "__rand_int__" "m:__rand_int__" >/dev/null
  redis-benchmark -p "$port" -c 4 -P 100 -r 100000000 -n 100000 RPUSH biglist "e:__rand_int__" >/dev/null
}

gc_ms() { # Cinnabar's garbage collection pauses so far, whole milliseconds
  awk '/Pause/ {gsub("ms", "", $NF); s += $NF} END {printf "%d", s}' "$WORK/cinnabar/gc.log" 2>/dev/null || echo 0
}

timed() { # port, command...: milliseconds of one round trip
  local port=$1; shift
  local t0 t1
  t0=$(now_ms); redis-cli -p "$port" "$@" >/dev/null; t1=$(now_ms)
  echo $((t1 - t0))
}

# Latency with 50 clients (the server saturated: p99 is mostly queueing behind the save's work) and with 4 clients
# (the server mostly idle: p99 shows what one slice of save work adds to a request).
LAT_CLIENTS=${LAT_CLIENTS:-"50 4"}
latency() { # port: p50 and p99 of SET and GET (redis-benchmark)
  local c
  for c in $LAT_CLIENTS; do
    redis-benchmark -p "$1" -c "$c" -n $((c >= 50 ? 400000 : 100000)) -r "$N" -d 16 -t set,get --csv 2>/dev/null \
      | tr -d '"' | awk -F, -v c="$c" 'NR>1 {print "  "c" clients "$1": p50 "$5" ms, p99 "$7" ms, max "$8" ms, "$2" requests/s"}'
  done
}

warm() { # port: the same load, unreported, so each measured block starts warm (the JIT compiles what a save under
  # writes runs, such as serializing a key before a SET changes it; a collection after a reload is in the first)
  redis-benchmark -p "$1" -c 4 -n 100000 -r "$N" -d 16 -t set,get -q >/dev/null 2>&1
}

bgsave_loop() { # port: BGSAVE again and again until killed
  # One connection asking every 20 ms (refused while a save runs), so a new save starts within 20 ms of the last.
  # Not a redis-cli process per poll: each costs 2-3 ms of CPU, which on two cores delays both servers' clients
  # (measured: it alone doubled Cinnabar's p99 during saves).
  exec redis-cli -p "$1" -r -1 -i 0.02 BGSAVE >/dev/null 2>&1
}

echo "# machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); N=$N; JAVA_OPTS=$JAVA_OPTS"
start_redis
start_cinnabar
fill "$RP"
fill "$CP"
echo "DBSIZE: redis $(redis-cli -p "$RP" dbsize), cinnabar $(redis-cli -p "$CP" dbsize)"
for _ in 1 2 3; do redis-cli -p "$CP" SAVE >/dev/null; done # warm-up: the JIT compiles the save loop over a few runs
for round in 1 2 3; do
  g0=$(gc_ms); rs=$(timed "$RP" SAVE); cs=$(timed "$CP" SAVE); g1=$(gc_ms)
  rl=$(timed "$RP" DEBUG RELOAD NOSAVE); cl=$(timed "$CP" DEBUG RELOAD NOSAVE); g2=$(gc_ms)
  echo "round $round: SAVE redis ${rs} ms, cinnabar ${cs} ms (GC pauses $((g1 - g0)) ms); DEBUG RELOAD NOSAVE" \
    "(flush + load) redis ${rl} ms, cinnabar ${cl} ms (GC pauses $((g2 - g1)) ms)"
done
ls -l "$WORK/redis/dump.rdb" "$WORK/cinnabar/dump.rdb" | awk '{print $5, $9}'

# The reloads above leave a million freshly loaded keys in the young generation: their one-time copy (a young
# collection of 250-600 ms) would otherwise fall into whichever latency block comes next. Settled first, so the
# blocks compare steady states; Redis has no such debt.
jcmd "$CPID" GC.run >/dev/null 2>&1 || echo "(jcmd GC.run failed: a collection may fall into a latency block)"
echo "## latency without a save"
echo "redis:";    warm "$RP"; latency "$RP"
echo 5 > "/proc/$CPID/clear_refs" 2>/dev/null || echo "(could not reset the RSS high-water mark: the peaks below may predate the runs)"
echo "cinnabar:"; warm "$CP"; latency "$CP"
peak_idle=$(awk '/VmHWM/ {print $2}' "/proc/$CPID/status")
echo "## latency while BGSAVE runs back to back"
bgsave_loop "$RP" & LOOP=$!
echo "redis:"; warm "$RP"; latency "$RP"
kill $LOOP; wait $LOOP 2>/dev/null || true
echo "redis bgsaves: $(redis-cli -p "$RP" INFO persistence | grep -E 'rdb_saves|rdb_last_bgsave_time_sec|rdb_last_cow_size' | tr '\r\n' '  ')"
# The peak RSS, with and without saves under the same load: the kernel's high-water mark, reset before each (no
# sampler process: forking one every few milliseconds takes CPU from the server on two cores, and it showed in p99)
echo 5 > "/proc/$CPID/clear_refs" 2>/dev/null
bgsave_loop "$CP" & LOOP=$!
echo "cinnabar:"; warm "$CP"; latency "$CP"
kill $LOOP; wait $LOOP 2>/dev/null || true
echo "cinnabar bgsaves: $(redis-cli -p "$CP" INFO persistence | grep -E 'rdb_saves|rdb_last_bgsave_time_sec|rdb_last_cow_size' | tr '\r\n' '  ')"
echo "cinnabar peak RSS under the load without saves ${peak_idle} kB, with saves $(awk '/VmHWM/ {print $2}' "/proc/$CPID/status") kB"

echo "## load at startup (the servers' own 'DB loaded from disk' lines)"
redis-cli -p "$RP" SAVE >/dev/null; redis-cli -p "$CP" SAVE >/dev/null
redis-cli -p "$RP" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
redis-cli -p "$CP" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
wait $CPID 2>/dev/null || true
start_redis; start_cinnabar
sleep 0.2
echo "redis:    $(grep 'DB loaded from disk' "$WORK/redis/log" | tail -1 | sed 's/.*\* //')"
echo "cinnabar: $(grep 'DB loaded from disk' "$WORK/cinnabar/log" | tail -1 | sed 's/.*\* //')"
redis-cli -p "$RP" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
redis-cli -p "$CP" SHUTDOWN NOSAVE >/dev/null 2>&1 || true
wait $CPID 2>/dev/null || true
rm -rf "$WORK"
