#!/usr/bin/env bash
# Many small commits, with and without background compaction: N one-row commits into a group, then a
# training set over all N keys (inline spine), three times, for each setting of
# feature-store.compaction.small-files. See docs/benchmarks-ingest.md ("Background compaction").
# Usage: benchmarks/compaction/run.sh [commits, default 1000] [settings, default "0 64"]
# Needs the packaged server: ./mvnw -B -pl feature-store-api -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/../.."
COMMITS=${1:-1000}
SETTINGS=${2:-0 64}
WORK=${WORK:-/tmp/compaction-benchmark}
PORT=${PORT:-18090}
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/temurin-25* | head -1)/bin/java}
KEY="Authorization: Bearer compaction-benchmark-key"
JSON="Content-Type: application/json"
BASE=localhost:$PORT/api/v1

for small_files in $SETTINGS; do
  data=$WORK/data-$small_files
  rm -rf "$data" && mkdir -p "$data"
  "$JAVA" -Xmx2g -jar feature-store-api/target/feature-store-server.jar \
    --feature-store.data-dir="$data" --server.port="$PORT" --feature-store.online-port=-1 \
    --feature-store.compaction.small-files="$small_files" \
    --feature-store.admin-key=compaction-benchmark-key > "$data/server.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null' EXIT
  until curl -sf "localhost:$PORT/actuator/health/readiness" > /dev/null; do sleep 1; done
  curl -sf -X POST "$BASE/entities" -H "$KEY" -H "$JSON" \
    -d '{"name":"user_id","keyType":"STRING"}' > /dev/null
  curl -sf -X POST "$BASE/feature-groups" -H "$KEY" -H "$JSON" \
    -d '{"name":"clicks","entity":"user_id","features":[{"name":"n","type":"INT64"}]}' > /dev/null
  started=$(date +%s.%N)
  for i in $(seq 1 "$COMMITS"); do
    curl -sf -o /dev/null -X POST "$BASE/feature-groups/clicks/commits" -H "$KEY" -H "$JSON" \
      -d "{\"rows\":[{\"user_id\":\"u$i\",\"event_time\":\"2026-03-01T00:00:00Z\",\"n\":$i}]}"
  done
  finished=$(date +%s.%N)
  sleep 3 # the last background compaction, if any
  group=$(curl -sf "$BASE/feature-groups/clicks" -H "$KEY" \
    | grep -o '"commits":[0-9]*,"rows":[0-9]*,"files":[0-9]*')
  echo "small-files=$small_files: $COMMITS commits in $(echo "$finished - $started" | bc) s; $group"
  python3 -c "import json; print(json.dumps({'name': 'every_key', 'features': ['clicks:n'],
    'spine': {'rows': [{'user_id': 'u%d' % i, 'event_time': '2026-03-02T00:00:00Z'}
                       for i in range(1, $COMMITS + 1)]}}))" > "$data/spine.json"
  for round in 1 2 3; do
    curl -sf -o "$data/training-set.json" -X POST "$BASE/training-sets" -H "$KEY" -H "$JSON" \
      --data-binary @"$data/spine.json" \
      -w "small-files=$small_files: training set over $COMMITS keys %{time_total} s\n"
  done
  id=$(python3 -c "import json; print(json.load(open('$data/training-set.json'))['id'])")
  echo "small-files=$small_files: rows with a value $(curl -sf "$BASE/training-sets/$id/data?format=csv" \
    -H "$KEY" | tail -n +2 | awk -F, '$NF != ""' | wc -l)"
  kill "$server"; wait "$server" 2>/dev/null || true
  trap - EXIT
done
