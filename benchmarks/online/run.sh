#!/usr/bin/env bash
# The online-serving benchmark: a 1M-key x 50-feature FLOAT64 group served by the packaged server
# (pinned to CPU 0, embedded Postgres included), load generated from CPU 1. See
# docs/benchmarks-online.md. Usage: benchmarks/online/run.sh [seconds per run] [warm-up seconds]
# Rates: RATES_1X50 (default "2000 5000 10000") and RATES_100X50 (default "200 500") requests/s.
# Needs the packaged server (./mvnw -B -pl feature-store-api -am package -DskipTests, which
# benchmarks/run.sh does), a JDK 21+ (JAVA, default the newest in /usr/lib/jvm), curl and python3.
# Uses when present: taskset (pins server and load to separate CPUs), cc (the C floor and load
# generator), pgbench and psql (the Postgres baseline); without them those parts are skipped, and said.
# POSTGRES_BASELINE=0 and RESTARTS=0 skip the Postgres baseline and the two restarts.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-20}
WARMUP=${2:-10}
KEYS=${KEYS:-1000000}
FEATURES=50
WORK=${WORK:-/tmp/online-benchmark}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/*/bin/java | sort -V | tail -1)}
for tool in curl python3; do
  command -v $tool > /dev/null || { echo "benchmarks/online/run.sh needs $tool" >&2; exit 1; }
done
# SERVER_JAR: another build of the server, e.g. the commit before a change, for A/B runs.
SERVER_JAR=${SERVER_JAR:-feature-store-api/target/feature-store-server.jar}
[ -f "$SERVER_JAR" ] || {
  echo "no $SERVER_JAR: run ./mvnw -B -pl feature-store-api -am package -DskipTests" >&2
  exit 1
}
# Server on CPU 0, load on CPU 1, when taskset is here; otherwise both share every CPU (said below).
# The server and the floor start in the background: exec keeps $! their own pid, for kill.
if command -v taskset > /dev/null; then
  on_server_cpu() { exec taskset -c 0 "$@"; }
  on_load_cpu() { taskset -c 1 "$@"; }
  on_cpus() { exec taskset -c "$@"; }
else
  echo "taskset not found (package util-linux): server and load generator are not pinned to separate CPUs"
  on_server_cpu() { exec "$@"; }
  on_load_cpu() { "$@"; }
  on_cpus() { shift; exec "$@"; }
fi
POSTGRES_BASELINE=${POSTGRES_BASELINE:-1}
if [ "$POSTGRES_BASELINE" = 1 ] && ! { command -v pgbench && command -v psql; } > /dev/null; then
  echo "pgbench or psql not found (package postgresql-client): the Postgres baseline is skipped"
  POSTGRES_BASELINE=0
fi
RESTARTS=${RESTARTS:-1}
# The server's heap (-Xms = -Xmx, pre-touched): 6g holds the 1M-key index with room to spare.
SERVER_HEAP=${SERVER_HEAP:-6g}
# Free ports by default: other servers (other checkouts' tests) may hold the usual ones, and the
# readiness check would then be answered by them.
port_taken() { (echo > /dev/tcp/127.0.0.1/$1) 2> /dev/null; }
free_port_pair() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    port_taken $port || port_taken $((port + 1)) || { echo $port; return; }
  done
}
MAIN_PORT=${MAIN_PORT:-$(free_port_pair)}
ONLINE_PORT=${ONLINE_PORT:-$(free_port_pair)}
# Every call carries an API key, lookups included: the first admin key, set at the server's start.
ADMIN_KEY=benchmark-admin-key-$RANDOM$RANDOM
export AUTHORIZATION="Bearer $ADMIN_KEY"
RATES_1X50=${RATES_1X50-2000 5000 10000}
RATES_100X50=${RATES_100X50:-200 500}
# Extra JVM options for the server: SERVER_OPTS="-XX:+AlwaysPreTouch" (the collector is COLLECTOR's, below); WARMUP_SECONDS
# (default 30) of closed-loop lookups precede the measured runs.
SERVER_OPTS=${SERVER_OPTS:-}
# The heap in transparent huge pages, as docs/operations.md recommends for online serving: with 4 KiB
# pages the floor's p99 was 9-220 ms here, with huge pages 1.5-4 ms (docs/benchmarks-online.md).
# HUGE_PAGES= (empty) measures without them.
HUGE_PAGES=${HUGE_PAGES--XX:+UseTransparentHugePages}
# The collector docs/operations.md recommends for online serving: generational ZGC, whose pauses
# stayed under 7 ms; Serial, the JVM's pick on one CPU, paused 64-216 ms after the index was
# built (docs/benchmarks-online.md). COLLECTOR= (empty) leaves the choice to the JVM.
COLLECTOR=${COLLECTOR--XX:+UseZGC}
mkdir -p "$WORK/classes"
"$(dirname "$JAVA")/javac" -d "$WORK/classes" benchmarks/online/OnlineLoad.java
# The platform floor (floor.c: a C epoll server giving the same answer as GET /health), when a C
# compiler is here: what the machine and the generator allow before any JVM or HTTP stack.
PLATFORM_FLOOR_PORT=$((ONLINE_PORT + 1))
# load.c is OnlineLoad's method in C: at the highest 1x50 rate both generators measure the platform
# floor and the lookups, so that the Java generator's own share of the tail shows.
if command -v cc > /dev/null; then
  cc -O2 -o "$WORK/floor" benchmarks/online/floor.c
  cc -O2 -o "$WORK/load" benchmarks/online/load.c
else
  echo "cc not found: the C platform floor and the C load generator are skipped"
  rm -f "$WORK/floor" "$WORK/load"
fi

if [ ! -f "$WORK/upload.arrows" ]; then
  # -am: on a fresh clone the module's own test dependencies (src-test-fixtures) are in no repository.
  [ -f feature-store-core/target/benchmark-classpath.txt ] || ./mvnw -B -q -pl feature-store-core -am \
    dependency:build-classpath -Dmdep.outputFile=target/benchmark-classpath.txt
  CP=$(cat feature-store-core/target/benchmark-classpath.txt)
  "$JAVA" --add-opens=java.base/java.nio=ALL-UNNAMED -cp "$CP" benchmarks/online/GenerateUpload.java \
    "$WORK/upload.arrows" "$KEYS" "$FEATURES"
fi
python3 - "$WORK" "$KEYS" "$FEATURES" <<'PY'
import json, random, sys
work, keys, features = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(7)
names = ["items:f%02d" % f for f in range(features)]
for batch, name in ((1, "bodies-1x50.txt"), (100, "bodies-100x50.txt")):
    with open(f"{work}/{name}", "w") as out:
        for _ in range(2000):
            ids = [random.randrange(keys) for _ in range(batch)]
            out.write(json.dumps({"features": names, "entities": {"item_id": ids}}, separators=(",", ":")) + "\n")
PY

rm -rf "$WORK/data"
await_ready() {
  until curl -sf localhost:$MAIN_PORT/actuator/health/readiness > /dev/null; do
    kill -0 $SERVER 2> /dev/null || { tail -20 "$1"; echo "the server exited before it was ready: $1" >&2; exit 1; }
    sleep 1
  done
}
on_server_cpu "$JAVA" -Xms$SERVER_HEAP -Xmx$SERVER_HEAP -XX:+AlwaysPreTouch $HUGE_PAGES $COLLECTOR $SERVER_OPTS -Xlog:gc,gc+cpu,safepoint:file="$WORK/gc.log" --add-opens=java.base/java.nio=ALL-UNNAMED \
  -jar "$SERVER_JAR" \
  --feature-store.data-dir="$WORK/data" --server.port=$MAIN_PORT \
  --feature-store.online-port=$ONLINE_PORT --feature-store.online.memory-budget=2GB \
  --feature-store.max-upload-size=2GB --feature-store.admin-key="$ADMIN_KEY" > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER ${PLATFORM_FLOOR:-} 2>/dev/null || true' EXIT
await_ready "$WORK/server.log"

curl -sf -H "Authorization: $AUTHORIZATION" -H 'Content-Type: application/json' localhost:$MAIN_PORT/api/v1/entities \
  -d '{"name":"item_id","keyType":"INT64"}' > /dev/null
FEATURE_LIST=$(python3 -c "print(','.join('{\"name\":\"f%02d\",\"type\":\"FLOAT64\"}' % f for f in range($FEATURES)))")
curl -sf -H "Authorization: $AUTHORIZATION" -H 'Content-Type: application/json' localhost:$MAIN_PORT/api/v1/feature-groups \
  -d "{\"name\":\"items\",\"entity\":\"item_id\",\"online\":true,\"ttl\":\"P30D\",\"features\":[$FEATURE_LIST]}" > /dev/null
echo "commit: $(/usr/bin/time -f '%e s' curl -sf -H "Authorization: $AUTHORIZATION" -H 'Content-Type: application/vnd.apache.arrow.stream' \
  --data-binary @"$WORK/upload.arrows" localhost:$MAIN_PORT/api/v1/feature-groups/items/commits 2>&1)"
echo "index: $(curl -sf -H "Authorization: $AUTHORIZATION" localhost:$MAIN_PORT/api/v1/online-indexes)"
grep "Online index of 'items' loaded" "$WORK/server.log" | sed 's/.*: Online/Online/'
# The index is built once the commit is answered: collector pauses from here on count against the
# goal (none above 10 ms), the first collections that meet the index's pages included.
GC_LOG_LINES_AT_INDEX=$(wc -l < "$WORK/gc.log")

load() { on_load_cpu "$JAVA" -Xmx1g -cp "$WORK/classes" OnlineLoad "$@" "$SECONDS_PER_RUN" "$WARMUP" "${CONNECTIONS:-16}"; }
load_c() { on_load_cpu "$WORK/load" "$@" "$SECONDS_PER_RUN" "$WARMUP" "${CONNECTIONS:-16}" | sed 's/^/C generator (load.c): /'; }
# Warm-up before any measured run (benchmarks.md asks for 30 s): closed-loop lookups of both shapes,
# so the JIT has compiled the lookup path before a fixed rate arrives. Without it, the first
# fixed-rate run on one CPU competes with the compiler threads and its queue never drains.
echo "warm-up (${WARMUP_SECONDS:-30} s, not measured): $(SECONDS_PER_RUN=$(( ${WARMUP_SECONDS:-30} / 2 )) WARMUP=0 CONNECTIONS=4 \
  load $ONLINE_PORT POST /get-online-features "$WORK/bodies-1x50.txt" 0 | grep -o 'achieved=[0-9]*/s')"
echo "warm-up: $(SECONDS_PER_RUN=$(( ${WARMUP_SECONDS:-30} / 2 )) WARMUP=0 CONNECTIONS=4 \
  load $ONLINE_PORT POST /get-online-features "$WORK/bodies-100x50.txt" 0 | grep -o 'achieved=[0-9]*/s')"
# The collector's first young collections after the index is built copy it (hundreds of MB) to the
# old generation, a one-time pause per build. The warm-up goes on (10 s at a time, at most 90 s more)
# until two have happened, so that the measured runs see the steady state; the pauses are printed.
collections_since_index() { tail -n +$((GC_LOG_LINES_AT_INDEX + 1)) "$WORK/gc.log" | grep -E 'Pause Young|Minor Collection .*->' || true; }
young_collections() { collections_since_index | wc -l; }
for extra in 1 2 3 4 5 6 7 8 9; do
  [ "$(young_collections)" -ge 2 ] && break
  SECONDS_PER_RUN=10 WARMUP=0 CONNECTIONS=4 load $ONLINE_PORT POST /get-online-features "$WORK/bodies-1x50.txt" 0 > /dev/null
done
echo "young collections since the index was built, during the warm-up: $(young_collections) (pauses: $(collections_since_index | grep 'Pause Young' | grep -o '[0-9.]*ms$' | tr '\n' ' '))"
echo "load average before the load runs: $(uptime)"
# Loopback TCP shapes the 100x50 tail (docs/benchmarks-online.md, "BBR on loopback").
echo "TCP congestion control: $(sysctl -n net.ipv4.tcp_congestion_control 2>/dev/null || echo unknown), loopback MTU: $(cat /sys/class/net/lo/mtu 2>/dev/null || echo unknown)"
if [ -x "$WORK/floor" ]; then
  on_server_cpu "$WORK/floor" $PLATFORM_FLOOR_PORT &
  PLATFORM_FLOOR=$!
fi
for rate in $RATES_1X50; do
  if [ -n "${PLATFORM_FLOOR:-}" ]; then load $PLATFORM_FLOOR_PORT GET /health - $rate | sed 's/^/platform floor (floor.c): /'; fi
  load $ONLINE_PORT GET /health - $rate
  load $ONLINE_PORT POST /get-online-features "$WORK/bodies-1x50.txt" $rate
done
if [ -x "$WORK/load" ] && [ -n "$RATES_1X50" ]; then
  top_rate=${RATES_1X50##* }
  load_c $PLATFORM_FLOOR_PORT GET /health - "$top_rate" | sed 's/: /: platform floor (floor.c): /'
  load_c $ONLINE_PORT POST /get-online-features "$WORK/bodies-1x50.txt" "$top_rate"
fi
for rate in $RATES_100X50; do
  load $ONLINE_PORT POST /get-online-features "$WORK/bodies-100x50.txt" $rate
done
if [ -n "${PLATFORM_FLOOR:-}" ]; then
  CONNECTIONS=4 load $PLATFORM_FLOOR_PORT GET /health - 0 | sed 's/^/platform floor (floor.c): /'
  kill $PLATFORM_FLOOR
fi
# The server's CPU (all its threads: loops, JIT, collector) per answered request, beside the rate:
# less sensitive to other work on the machine than the rate. The CPU includes the run's warm-up,
# whose requests are not counted: they are taken to come at the measured rate.
cpu_ticks() { awk '{ print $14 + $15 }' /proc/$SERVER/stat; }
closed_loop() {
  local before output
  before=$(cpu_ticks)
  output=$(CONNECTIONS=4 load "$@" 0)
  echo "$output" | sed "s|\$| server_cpu_per_request=$(echo "$output" | grep -o 'requests=[0-9]*' | cut -d= -f2 | \
    awk -v ticks=$(( $(cpu_ticks) - before )) -v hz=$(getconf CLK_TCK) -v run=$SECONDS_PER_RUN -v warmup=$WARMUP \
      '{ printf "%.0fus", $1 ? ticks * run / (run + warmup) * 1e6 / hz / $1 : 0 }')|"
}
closed_loop $ONLINE_PORT GET /health -
closed_loop $ONLINE_PORT POST /get-online-features "$WORK/bodies-1x50.txt"
closed_loop $ONLINE_PORT POST /get-online-features "$WORK/bodies-100x50.txt"
CONNECTIONS=4 load $MAIN_PORT POST /get-online-features "$WORK/bodies-1x50.txt" 0
# Every stop of the world for a collection (a safepoint whose operation is the collector's: Serial's
# and G1's collections, ZGC's mark and relocate starts and ends), the time to reach it included.
tail -n +$((GC_LOG_LINES_AT_INDEX + 1)) "$WORK/gc.log" | python3 -c '
import re, sys
pauses = [int(m.group(2)) / 1e6 for m in (re.search(r"Safepoint \"(\w+)\".*Total: (\d+) ns", line) for line in sys.stdin)
          if m and re.search(r"Collect|GC|^G1|^Z|Pause|Gen", m.group(1))]
print(f"collector pauses after the index was built: {len(pauses)}, max {max(pauses, default=0):.1f} ms, over 10 ms: {sum(p > 10 for p in pauses)}")'

# The Postgres baseline: the same values in a table with a primary key, in the server's embedded
# Postgres (same CPU), looked up by pgbench at a fixed rate (latency counted from the schedule).
# Its port is in its own postmaster.pid (other Postgres servers may run on the machine).
if [ "$POSTGRES_BASELINE" = 1 ]; then
PG_PORT=$(sed -n 4p "$WORK/data/postgres/postmaster.pid")
PSQL="psql -h localhost -p $PG_PORT -U postgres -d postgres -qtA"
COLUMNS=$(python3 -c "print(','.join('f%02d float8' % f for f in range($FEATURES)))")
VALUES=$(python3 -c "print(','.join('random()*1000' for f in range($FEATURES)))")
$PSQL -c "DROP TABLE IF EXISTS items_baseline" -c "CREATE TABLE items_baseline (item_id bigint PRIMARY KEY, $COLUMNS)" \
  -c "INSERT INTO items_baseline SELECT g, $VALUES FROM generate_series(0, $KEYS - 1) g" -c "VACUUM ANALYZE items_baseline"
echo '\set id random(0, '$((KEYS - 1))')
SELECT * FROM items_baseline WHERE item_id = :id;' > "$WORK/pk.sql"
echo "SELECT * FROM items_baseline WHERE item_id = ANY (ARRAY(SELECT (random() * ($KEYS - 1))::bigint FROM generate_series(1, 100)));" > "$WORK/pk100.sql"
pgbench_at() {
  rm -f "$WORK"/pgbench_log.*
  on_load_cpu pgbench -h localhost -p $PG_PORT -U postgres -n -M prepared -f "$1" -R "$2" \
    -T "$SECONDS_PER_RUN" -c 8 -j 1 -l --log-prefix="$WORK/pgbench_log" postgres > "$WORK/pgbench.out" 2>&1
  python3 - "$1" "$2" "$WORK" <<'PY'
import glob, sys
lat = []
for name in glob.glob(sys.argv[3] + "/pgbench_log*"):
    for line in open(name):
        parts = line.split()
        # latency plus schedule lag (microseconds): counted from the schedule, like OnlineLoad
        lat.append((int(parts[2]) + (int(parts[6]) if len(parts) > 6 else 0)) / 1000)
lat.sort()
pick = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))]
print(f"postgres {sys.argv[1].split('/')[-1]} rate={sys.argv[2]}/s requests={len(lat)} p50={pick(.5):.3f}ms p90={pick(.9):.3f}ms p99={pick(.99):.3f}ms p99.9={pick(.999):.3f}ms max={lat[-1]:.3f}ms")
PY
}
for rate in $RATES_1X50; do pgbench_at "$WORK/pk.sql" $rate; done
for rate in $RATES_100X50; do pgbench_at "$WORK/pk100.sql" $rate; done
fi

echo "load average after the load and Postgres runs: $(uptime)"
# A restart rebuilds the index from the group's Parquet files before the listeners open: once pinned to
# CPU 0 like the runs above, once on both CPUs (files are decoded in parallel while one thread applies).
restart() {
  kill $SERVER; wait $SERVER || true
  on_cpus "$1" "$JAVA" -Xms$SERVER_HEAP -Xmx$SERVER_HEAP $HUGE_PAGES $COLLECTOR $SERVER_OPTS --add-opens=java.base/java.nio=ALL-UNNAMED \
    -jar "$SERVER_JAR" \
    --feature-store.data-dir="$WORK/data" --server.port=$MAIN_PORT \
    --feature-store.online-port=$ONLINE_PORT --feature-store.online.memory-budget=2GB > "$WORK/restart.log" 2>&1 &
  SERVER=$!
  await_ready "$WORK/restart.log"
  echo "restart on CPUs $1: $(grep "Online index of 'items' loaded" "$WORK/restart.log" | sed 's/.*: Online/Online/')"
  echo "restart on CPUs $1: $(grep -o 'Started FeatureStoreApplication in [0-9.]* seconds' "$WORK/restart.log"), $(uptime)"
}
if [ "$RESTARTS" = 1 ]; then
  restart 0
  restart 0,1
fi
