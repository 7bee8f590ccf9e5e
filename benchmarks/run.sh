#!/usr/bin/env bash
# One command for the benchmarks of docs/benchmarks.md: builds with the Maven toolchain, then runs the
# point-in-time join (S, and M under -Xmx1g), the training set through the server (S), HTTP ingest
# (S group) and online serving, ours and
# DuckDB each in its own process, alternating round by round, and prints one table.
#
#   benchmarks/run.sh [--quick] [--rounds N] [--only join,server,ingest,online,spark,scale] [--scale-workload L/N] [--no-build] [--aot]
#
# Not in the default set (run them with --only):
# spark: the join S on our Spark engine's SQL (a Spark Connect server of its own, local[2], on the
#   `java` of the PATH, Java 17 or 21) against ours, alternating, and their outputs row for row.
# scale: workload L (100M group rows, 20M spine rows; about 9 GB of Parquet in WORK, written once,
#   and up to ~12 GB more while Spark shuffles: check df first), one run each of ours (-Xmx1g, with
#   its phases), DuckDB (memory_limit 4GB) and Spark (-Xmx4g), with where each one's time went and
#   the outputs' counts and hashes. --scale-workload L/20 runs it at 1/20 of L first (minutes).
#
# --aot: the join and the server's training set also run ours with a JDK AOT cache (JEP 483/514/515,
#   JDK 25) made by a training run, as one more side of the alternation; the server then runs from
#   its extracted jar (java -Djarmode=tools -jar ... extract), with and without the cache.
# --quick: join S only (3 joins per process), the server's training set over a 1M-row group and a
#   200k-row spine (3 builds per server), a 1M-row ingest, a 100k-key online index: a few minutes
#   after the build. --rounds N (default 3, quick 2): how many times each side runs, alternating.
# Environment: DUCKDB_VERSIONS (default "2.0.0.1 1.4.1.0": the newest duckdb_jdbc on Maven Central when
#   this was written, and the one the project's tests use), WORK (default /tmp/feature-store-benchmarks:
#   generated data, reused by later runs, and the logs), JAVA (a JDK 21+ java; by default the newest
#   JDK the Maven toolchain can select).
# Needs: a JDK 21+ installed where maven-toolchains-plugin finds it (the build needs one anyway);
#   for online, curl and python3 (taskset, cc, pgbench and psql are used when present).
set -euo pipefail
# The whole script is one function, read before it runs: editing this file while a run goes on
# (hours for the full set) cannot change that run.
main() {
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=0
ROUNDS=
ONLY=join,server,ingest,online
BUILD=1
AOT=0
SCALE_WORKLOAD=L
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --rounds) ROUNDS=$2; shift ;;
    --only) ONLY=$2; shift ;;
    --no-build) BUILD=0 ;;
    --aot) AOT=1 ;;
    --scale-workload) SCALE_WORKLOAD=$2; shift ;;
    *) echo "usage: benchmarks/run.sh [--quick] [--rounds N] [--only join,server,ingest,online,spark,scale] [--scale-workload L/N] [--no-build] [--aot]" >&2
       echo "  (spark and scale only run when named in --only)" >&2; exit 2 ;;
  esac
  shift
done
ROUNDS=${ROUNDS:-$([ $QUICK = 1 ] && echo 2 || echo 3)}
DUCKDB_VERSIONS=${DUCKDB_VERSIONS:-2.0.0.1 1.4.1.0}
WORK=${WORK:-/tmp/feature-store-benchmarks}
mkdir -p "$WORK"
RESULTS=$WORK/results.tsv
: > "$RESULTS"
rm -f "$WORK/outputs.txt"
selected() { [[ ",$ONLY," == *",$1,"* ]]; }
load1() { cut -d' ' -f1 /proc/loadavg; }
say() { echo "[$(date -u +%H:%M:%S) load $(load1)] $*" >&2; }
# A part that fails (e.g. a server that does not start in time on an overloaded machine) is listed
# under the table; the other parts still run.
FAILURES=()
failed() { tail -5 "$2" >&2; say "$1 FAILED: $2"; FAILURES+=("$1 failed at load $(load1): $(grep -m1 -E 'Exception|rror' "$2" | cut -c1-160 || true) ($2)"); }

# The JDK to run our side: the newest JDK 21+ among the toolchains Maven knows (toolchains.xml, the
# toolchains plugin's discovery cache) and the usual install folders, as select-jdk-toolchain picks one.
java_major() { sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null; }
find_jdk() {
  local best="" best_major=0 home major
  for home in $(sed -n 's:.*<jdkHome>\(.*\)</jdkHome>.*:\1:p' ~/.m2/toolchains.xml ~/.m2/discovered-jdk-toolchains-cache.xml 2>/dev/null) \
      /usr/lib/jvm/* /opt/java/* /opt/jdk* ~/.sdkman/candidates/java/*; do
    [ -x "$home/bin/java" ] || continue
    major=$(java_major "$home")
    if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then best=$home; best_major=$major; fi
  done
  [ -n "$best" ] && echo "$best/bin/java"
}
JAVA=${JAVA:-$(find_jdk || true)}
if [ -z "$JAVA" ]; then
  echo "No JDK 21 or newer found (looked in ~/.m2/toolchains.xml, the toolchains plugin's cache and /usr/lib/jvm)." >&2
  echo "Install one (e.g. apt-get install temurin-25-jdk) or set JAVA=/path/to/bin/java." >&2
  exit 1
fi
say "our side runs on $JAVA"

if [ $BUILD = 1 ]; then
  # -am builds the modules ours depend on in the same reactor, so a fresh clone needs nothing in
  # ~/.m2 of ours; each module writes its own classpath (relative to its folder).
  goal=test-compile
  if selected online || { [ $AOT = 1 ] && selected server; }; then goal=package; fi
  say "building (./mvnw -pl feature-store-api -am $goal, tests skipped; log in $WORK/build.log)"
  ./mvnw -B -q -pl feature-store-api -am "$goal" dependency:build-classpath -DskipTests \
    -Dmdep.includeScope=test -Dmdep.outputFile=target/benchmark-classpath.txt > "$WORK/build.log" 2>&1 \
    || { tail -30 "$WORK/build.log" >&2; echo "build failed: $WORK/build.log" >&2; exit 1; }
fi

# One DuckDB JDBC jar per baseline version, through Maven (offline if already in the local repository).
M2_REPOSITORY=${M2_REPOSITORY:-$HOME/.m2/repository}
duckdb_jar() { echo "$M2_REPOSITORY/org/duckdb/duckdb_jdbc/$1/duckdb_jdbc-$1.jar"; }
for version in $DUCKDB_VERSIONS; do
  if [ ! -f "$(duckdb_jar "$version")" ]; then
    ./mvnw -B -q dependency:get -Dartifact="org.duckdb:duckdb_jdbc:$version" -Dtransitive=false >> "$WORK/build.log" 2>&1 \
      || { echo "cannot fetch org.duckdb:duckdb_jdbc:$version (see $WORK/build.log)" >&2; exit 1; }
  fi
done
# A module's test classpath with the project's DuckDB jar replaced by the given version's.
classpath() {
  local module=$1 version=$2
  echo "$ROOT/$module/target/test-classes:$ROOT/$module/target/classes:$(tr ':' '\n' < "$ROOT/$module/target/benchmark-classpath.txt" \
    | grep -v '/duckdb_jdbc-' | paste -sd:):$(duckdb_jar "$version")"
}
# For --aot: an AOT cache takes classes from jars only ("Cannot have non-empty directory in paths"),
# so both of our sides then run from jars of the modules' class folders.
jar_classpath() {
  local entry jars=()
  mkdir -p "$WORK/jars"
  for entry in $(tr ':' ' ' <<< "$1"); do
    if [ -d "$entry" ]; then
      local jar=$WORK/jars/$(sed 's:^/::; s:/:_:g' <<< "$entry").jar
      "$(dirname "$JAVA")/jar" --create --file "$jar" -C "$entry" .
      jars+=("$jar")
    else
      jars+=("$entry")
    fi
  done
  (IFS=:; echo "${jars[*]}")
}
FIRST_DUCKDB=${DUCKDB_VERSIONS%% *}
JVM_OPTIONS=(--add-opens=java.base/java.nio=ALL-UNNAMED)
record() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"; }
# "peak RSS 1234567 kB" (VmHWM) -> MiB
rss_mib() { sed -n 's/.*peak RSS \([0-9]*\) kB.*/\1/p' <<< "$1" | awk '{ printf "%d", $1 / 1024 }'; }

# The join: ParquetJoinBenchmark (feature-store-storage tests), Parquet feature files to a Parquet
# output. Each process does ITERATIONS joins: the first is the first join of a fresh JVM, the
# others are warm.
join_side() { # workload heap side iterations round [what]
  local workload=$1 heap=$2 side=$3 iterations=$4 round=$5 what=${6:-join $1} version mode log options=()
  case "$side" in
    ours) version=$FIRST_DUCKDB; mode=engine ;;
    ours-aot) version=$FIRST_DUCKDB; mode=engine; options=(-XX:AOTCache="$WORK/join-$workload.aot") ;;
    *) version=$side; mode=duckdb ;;
  esac
  log=$WORK/join-$workload-$side-$round.log
  local path
  path=$(classpath feature-store-storage "$version")
  if [ $AOT = 1 ] && [[ "$side" == ours* ]]; then path=$OURS_JARS; fi
  "$JAVA" "${JVM_OPTIONS[@]}" -Xmx"$heap" "${options[@]}" -cp "$path" \
    dev.featurestore.storage.training.ParquetJoinBenchmark "$mode" "$workload" "$WORK/join-$workload" "$iterations" > "$log" 2>&1 \
    || { failed "join $workload $side round $round" "$log"; return; }
  record_iterations "$what" "$side" "$round" "$log"
}
# Records a benchmark log's "... iteration N: S s, ..." lines (iteration 0: first, later: warm) with
# the process's peak RSS (its last "peak RSS" line).
record_iterations() { # what side round log
  local what=$1 side=$2 round=$3 log=$4 rss line iteration seconds kind
  rss=$(rss_mib "$(grep 'peak RSS' "$log" | tail -1)")
  while read -r line; do
    iteration=$(sed -n 's/.* iteration \([0-9]*\):.*/\1/p' <<< "$line")
    seconds=$(sed -n 's/.* iteration [0-9]*: \([0-9.]*\) s,.*/\1/p' <<< "$line")
    kind=warm
    [ "$iteration" = 0 ] && kind=first
    if [ "$side" = ours ]; then
      record "$what $kind" "$round" ours '*' "$seconds" "$rss" "$(load1)"
    elif [ "$side" = spark ]; then
      record "$what $kind" "$round" "Spark $SPARK_VERSION" "Spark $SPARK_VERSION" "$seconds" "$rss" "$(load1)"
    elif [ "$side" = ours-aot ]; then
      record "$what $kind" "$round" "ours with AOT cache" "ours with AOT cache" "$seconds" "$rss" "$(load1)"
    else
      record "$what $kind" "$round" "DuckDB $side" "DuckDB $side" "$seconds" "$rss" "$(load1)"
    fi
  done < <(grep ' iteration ' "$log")
  say "$what $side round $round: $(grep -o 'iteration [0-9]*: [0-9.]* s' "$log" | sed 's/iteration //' | paste -sd' '), peak RSS $rss MiB"
}
# The sides in the order of the round: reversed every other round, so that neither side always
# meets the same moment of a shared machine.
in_round_order() { # round sides...
  local round=$1; shift
  if [ $((round % 2)) = 0 ]; then printf '%s\n' "$@" | tac | paste -sd' '; else echo "$@"; fi
}
# Prepared inputs are kept in $WORK between runs, stamped with the code that wrote them (the
# generator, our Parquet writer, the benchmarks' prepare steps, committed and uncommitted): another
# checkout's code writes them again, so a fresh clone never measures files an older writer made.
INPUT_CODE=(src-test-fixtures/src feature-store-core/src/main feature-store-storage/src/main
  feature-store-storage/src/test/java/dev/featurestore/storage/training feature-store-api/src/test/java/dev/featurestore/api/training)
input_stamp() { { git rev-parse "${INPUT_CODE[@]/#/HEAD:}" && git diff HEAD -- "${INPUT_CODE[@]}"; } 2> /dev/null | sha1sum | cut -c1-16; }
prepared() { [ "$(cat "$1/prepared" 2> /dev/null)" = "$(input_stamp)" ]; }
mark_prepared() { input_stamp > "$1/prepared"; }
# The workload's folder: $WORK/join-S, $WORK/join-L-20 for L/20.
join_folder() { echo "$WORK/join-${1//\//-}"; }
prepare_join() { # workload
  local folder
  folder=$(join_folder "$1")
  if ! prepared "$folder"; then
    say "writing the $1 workload's files to $folder (once for this code)"
    rm -rf "$folder"
    "$JAVA" "${JVM_OPTIONS[@]}" -Xmx3g -cp "$(classpath feature-store-storage "$FIRST_DUCKDB")" \
      dev.featurestore.storage.training.ParquetJoinBenchmark prepare "$1" "$folder" > "$WORK/prepare-${1//\//-}.log" 2>&1
    mark_prepared "$folder"
  fi
}
run_join() { # workload heap iterations
  local workload=$1 heap=$2 iterations=$3 round side
  prepare_join "$workload"
  local sides="ours $DUCKDB_VERSIONS"
  if [ $AOT = 1 ]; then
    # JEP 483/514/515: a training run (two joins) records the classes it loads and linked, and the
    # methods' profiles, into an AOT cache that later JVMs map at start.
    say "join $workload: training run for the AOT cache $WORK/join-$workload.aot"
    OURS_JARS=$(jar_classpath "$(classpath feature-store-storage "$FIRST_DUCKDB")")
    "$JAVA" "${JVM_OPTIONS[@]}" -Xmx"$heap" -XX:AOTCacheOutput="$WORK/join-$workload.aot" \
      -cp "$OURS_JARS" dev.featurestore.storage.training.ParquetJoinBenchmark \
      engine "$workload" "$WORK/join-$workload" 2 > "$WORK/aot-training-$workload.log" 2>&1 \
      || { failed "AOT cache training run" "$WORK/aot-training-$workload.log"; return; }
    sides="ours ours-aot $DUCKDB_VERSIONS"
  fi
  for round in $(seq 1 "$ROUNDS"); do
    for side in $(in_round_order "$round" $sides); do
      join_side "$workload" "$heap" "$side" "$iterations" "$round"
      # In the last round, each DuckDB version's output against ours, row by row (EXCEPT ALL both ways).
      if [ "$round" = "$ROUNDS" ] && [[ "$side" != ours* ]]; then
        "$JAVA" "${JVM_OPTIONS[@]}" -Xmx1g -cp "$(classpath feature-store-storage "$side")" \
          dev.featurestore.storage.training.ParquetJoinBenchmark compare "$workload" "$WORK/join-$workload" > "$WORK/compare-$workload-$side.log" 2>&1
        echo "join $workload, ours against DuckDB $side: $(tail -1 "$WORK/compare-$workload-$side.log")" >> "$WORK/outputs.txt"
      fi
    done
  done
}

# The training set through the server: TrainingSetServerBenchmark (feature-store-api tests). Our side
# starts the server (embedded default) in its own JVM, commits the group as one Parquet body over
# HTTP, uploads the spine as Parquet and builds BUILDS training sets as jobs, each timed from the
# request to the job's end (the first is the first after the start and the commit); DuckDB's side
# runs BUILDS ASOF LEFT JOINs of the same two files in its own JVM. Alternating round by round.
run_server() { # workload builds
  local workload=$1 builds=$2 folder=$WORK/server-$1 round side log mode version
  if ! prepared "$folder"; then
    say "writing the server benchmark's $workload upload bodies to $folder (once for this code)"
    rm -rf "$folder"
    "$JAVA" "${JVM_OPTIONS[@]}" -Xmx2g -cp "$(classpath feature-store-api "$FIRST_DUCKDB")" \
      dev.featurestore.api.training.TrainingSetServerBenchmark prepare "$workload" "$folder" > "$WORK/prepare-server-$workload.log" 2>&1 \
      || { failed "server benchmark's bodies" "$WORK/prepare-server-$workload.log"; return; }
    mark_prepared "$folder"
  fi
  local sides="ours $DUCKDB_VERSIONS" options
  SERVER_JAR_OPTIONS=()
  if [ $AOT = 1 ]; then
    # An AOT cache takes classes from jars only: the server runs from its jar extracted as Spring
    # Boot's tools extract it (an application jar and lib/), on both of our sides. The training run
    # is the benchmark itself (a commit, an upload, two training sets); its cache is written when
    # the server exits (SIGTERM).
    rm -rf "$WORK/server-app"
    "$JAVA" -Djarmode=tools -jar feature-store-api/target/feature-store-server.jar extract --destination "$WORK/server-app" \
      > "$WORK/server-extract.log" 2>&1 || { failed "server jar extraction" "$WORK/server-extract.log"; return; }
    SERVER_JAR_OPTIONS=(-Dchild-server.jar="$WORK/server-app/feature-store-server.jar")
    say "server $workload: training run for the AOT cache $WORK/server-$workload.aot"
    rm -f "$WORK/server-$workload.aot"
    (cd feature-store-api && "$JAVA" "${JVM_OPTIONS[@]}" -Xmx1g "${SERVER_JAR_OPTIONS[@]}" \
      -Dchild-server.jvm-options=-XX:AOTCacheOutput="$WORK/server-$workload.aot" -cp "$(classpath feature-store-api "$FIRST_DUCKDB")" \
      dev.featurestore.api.training.TrainingSetServerBenchmark server "$workload" "$folder" 2) > "$WORK/aot-training-server-$workload.log" 2>&1 \
      && [ -f "$WORK/server-$workload.aot" ] \
      || { failed "server AOT cache training run" "$WORK/aot-training-server-$workload.log"; return; }
    sides="ours ours-aot $DUCKDB_VERSIONS"
  fi
  for round in $(seq 1 "$ROUNDS"); do
    for side in $(in_round_order "$round" $sides); do
      log=$WORK/server-$workload-$side-$round.log
      options=()
      case "$side" in
        ours) mode=server; version=$FIRST_DUCKDB; options=("${SERVER_JAR_OPTIONS[@]}") ;;
        ours-aot) mode=server; version=$FIRST_DUCKDB
          options=("${SERVER_JAR_OPTIONS[@]}" -Dchild-server.jvm-options=-XX:AOTCache="$WORK/server-$workload.aot") ;;
        *) mode=duckdb; version=$side ;;
      esac
      (cd feature-store-api && "$JAVA" "${JVM_OPTIONS[@]}" -Xmx1g "${options[@]}" -cp "$(classpath feature-store-api "$version")" \
        dev.featurestore.api.training.TrainingSetServerBenchmark "$mode" "$workload" "$folder" "$builds") > "$log" 2>&1 \
        || { failed "server $workload $side round $round" "$log"; continue; }
      record_iterations "server $workload" "$side" "$round" "$log"
      if [[ "$side" == ours* ]]; then say "$(grep -E '^server ready|^commit|^spine upload' "$log" | paste -sd';')"; fi
    done
    # Each DuckDB version's output against the server's last training set, row by row.
    if [ "$round" = "$ROUNDS" ]; then
      for version in $DUCKDB_VERSIONS; do
        "$JAVA" "${JVM_OPTIONS[@]}" -Xmx1g -cp "$(classpath feature-store-api "$version")" \
          dev.featurestore.api.training.TrainingSetServerBenchmark duckdb "$workload" "$folder" 1 > /dev/null 2>&1 \
          && "$JAVA" "${JVM_OPTIONS[@]}" -Xmx1g -cp "$(classpath feature-store-api "$version")" \
            dev.featurestore.api.training.TrainingSetServerBenchmark compare "$workload" "$folder" > "$WORK/compare-server-$workload-$version.log" 2>&1 \
          && echo "server $workload, ours against DuckDB $version: $(tail -1 "$WORK/compare-server-$workload-$version.log")" >> "$WORK/outputs.txt"
      done
    fi
  done
}

# HTTP ingest: HttpIngestBenchmark (feature-store-api tests) starts the server in its own JVM and
# POSTs the S group as Parquet and as Arrow; DuckDB's read+sort+write runs in the benchmark's own
# process after them, each round. One run per DuckDB version, alternating; round 1 of a run is the
# first upload of a fresh server.
run_ingest() { # keys versions
  local keys=$1 versions=$2 run version log
  for run in $(seq 1 "$(( (ROUNDS + 1) / 2 ))"); do
    for version in $DUCKDB_VERSIONS; do
      log=$WORK/ingest-$version-$run.log
      say "ingest run $run with DuckDB $version ($keys keys x $versions versions, 2 rounds)"
      # ChildServer runs tests' servers on the quick compiler only: this one gets both, as in production.
      (cd feature-store-api && "$JAVA" "${JVM_OPTIONS[@]}" -Xmx2g -Dchild-server.jvm-options=-XX:TieredStopAtLevel=4 \
        -cp "$(classpath feature-store-api "$version")" dev.featurestore.api.ingest.HttpIngestBenchmark "$keys" "$versions" 2) > "$log" 2>&1 \
        || { failed "ingest run $run with DuckDB $version" "$log"; continue; }
      # Per round: "<format> ... over HTTP <seconds> s ...", "server peak heap ..., peak RSS <MB> MB",
      # then DuckDB's "read+sort+write <seconds> s ..." and "DuckDB process peak RSS <MB> MB".
      awk -v run="$version-$run" -v duckdb="DuckDB $version" -v load="$(load1)" '
        function kind() { return round == 1 ? "first" : "warm" }
        /^Parquet over HTTP/ { round++ }
        / over HTTP / { format = $1; seconds = $(NF - 5) }
        /server peak heap/ { printf "ingest %s %s\t%s-r%d\tours\t%s\t%s\t%d\t%s\n", format, kind(), run, round, duckdb, seconds, $(NF - 1) / 1.048576, load }
        /DuckDB read\+sort\+write/ { duck = $(NF - 5) }
        /DuckDB process peak RSS/ {
          for (f = 0; f < 2; f++) printf "ingest %s %s\t%s-r%d\t%s\t%s\t%s\t%d\t%s\n", (f ? "Arrow" : "Parquet"), kind(), run, round, duckdb, duckdb, duck, $(NF - 1) / 1.048576, load
        }' "$log" >> "$RESULTS"
      say "$(grep -E 'over HTTP|read\+sort' "$log" | awk '{ printf "%s %s s; ", $1, $(NF - 5) }')"
    done
  done
}

# Online serving: benchmarks/online/run.sh, reduced to the issue's goals (saturation of 1 key x 50
# features against GET /health on the same listener; 100 keys x 50 features at 500/s), without its
# fixed-rate 1x50 runs, the Postgres baseline and the restarts (run it alone for those).
ONLINE_TABLE=
run_online() { # keys seconds-per-run warm-up server-heap
  local log=$WORK/online.log
  say "online: $1 keys, $2 s per run (log in $log)"
  KEYS=$1 SECONDS_PER_RUN=$2 WARMUP=$3 WARMUP_SECONDS=$(($3 * 3)) SERVER_HEAP=$4 WORK=$WORK/online JAVA=$JAVA \
    RATES_1X50= RATES_100X50=500 POSTGRES_BASELINE=0 RESTARTS=0 benchmarks/online/run.sh "$2" "$3" > "$log" 2>&1 \
    || { failed online "$log"; return; }
  grep -E 'not found' "$log" >&2 || true
  # Closed-loop lines without a prefix are the server's: /health, then 1x50, 100x50 (online listener).
  local health lookup p99 pauses health_cpu lookup_cpu
  health=$(grep -v '^platform floor' "$log" | grep 'GET /health rate=closed-loop' | head -1 | grep -o 'achieved=[0-9]*' | cut -d= -f2)
  lookup=$(grep '^POST /get-online-features rate=closed-loop' "$log" | head -1 | grep -o 'achieved=[0-9]*' | cut -d= -f2)
  p99=$(grep '^POST /get-online-features rate=500/s' "$log" | head -1 | grep -o 'p99=[0-9.]*ms' | cut -d= -f2)
  pauses=$(grep '^collector pauses after the index was built' "$log" | sed 's/^[^:]*://')
  # The server's CPU per request (all its threads), which other work on the machine moves less.
  health_cpu=$(grep -v '^platform floor' "$log" | grep 'GET /health rate=closed-loop' | head -1 | grep -o 'server_cpu_per_request=[0-9]*' | cut -d= -f2)
  lookup_cpu=$(grep '^POST /get-online-features rate=closed-loop' "$log" | head -1 | grep -o 'server_cpu_per_request=[0-9]*' | cut -d= -f2)
  ONLINE_TABLE="| online, $1 keys x 50 features | 1x50 saturation $lookup req/s | GET /health on the same listener $health req/s | **$(awk -v a="$lookup" -v b="$health" 'BEGIN { printf "%.2f", a / b }')** | >= 0.5 | load $(load1) |
| online, $1 keys x 50 features | 1x50 server CPU per request $lookup_cpu us | GET /health $health_cpu us | $(awk -v a="$lookup_cpu" -v b="$health_cpu" 'BEGIN { printf "%.2f", a ? b / a : 0 }') | | load $(load1) |
| online, $1 keys x 50 features | 100x50 at 500 req/s: p99 $p99 | | | p99 <= 5 ms | load $(load1) |
| online, $1 keys x 50 features | collector pauses after the index was built:$pauses | | | none over 10 ms | load $(load1) |"
}

# Our Spark engine's SQL on a Spark Connect server started for it (SparkJoinBenchmark), over the
# join's files; the server's JVM is the `java` of the PATH (SPARK_JAVA), its peak RSS is reported.
SPARK_VERSION=$(sed -n 's:.*<spark.version>\(.*\)</spark.version>.*:\1:p' src-test-fixtures/spark-connect-server/pom.xml)
SPARK_JAVA=${SPARK_JAVA:-java}
spark_join() { # workload heap iterations log
  "$JAVA" "${JVM_OPTIONS[@]}" -Xmx512m -Dspark.connect.java="$SPARK_JAVA" \
    -Dspark.connect.classpath="$ROOT/src-test-fixtures/spark-connect-server/target/classpath.txt" \
    -cp "$(classpath feature-store-storage "$FIRST_DUCKDB")" dev.featurestore.storage.spark.SparkJoinBenchmark \
    "$1" "$(join_folder "$1")" "$3" "$2" "$WORK/spark-events-${1//\//-}" > "$4" 2>&1
}
# The join benchmark's ParquetJoinBenchmark in a JVM of the given heap: MODE WORKLOAD [ARGS...].
join_benchmark() { # heap mode workload args...
  local heap=$1 mode=$2 workload=$3; shift 3
  "$JAVA" "${JVM_OPTIONS[@]}" -Xmx"$heap" "${DUCKDB_OPTIONS[@]}" -cp "$(classpath feature-store-storage "$FIRST_DUCKDB")" \
    dev.featurestore.storage.training.ParquetJoinBenchmark "$mode" "$workload" "$(join_folder "$workload")" "$@"
}
DUCKDB_OPTIONS=()
run_spark() { # workload heap iterations
  local workload=$1 heap=$2 iterations=$3 round side log
  prepare_join "$workload"
  for round in $(seq 1 "$ROUNDS"); do
    for side in $(in_round_order "$round" ours spark); do
      if [ "$side" = ours ]; then
        join_side "$workload" "$heap" ours "$iterations" "$round" "spark $workload"
        continue
      fi
      log=$WORK/spark-$workload-$round.log
      spark_join "$workload" "$heap" "$iterations" "$log" || { failed "spark $workload round $round" "$log"; continue; }
      record_iterations "spark $workload" spark "$round" "$log"
    done
  done
  join_benchmark 1g compare-spark "$workload" > "$WORK/compare-spark-$workload.log" 2>&1 \
    || { failed "comparing ours with Spark" "$WORK/compare-spark-$workload.log"; return; }
  echo "spark $workload, ours against Spark $SPARK_VERSION: $(tail -1 "$WORK/compare-spark-$workload.log")" >> "$WORK/outputs.txt"
}

# Workload L once per engine, each in its own process, one after another: ours (read only, joined
# without the write, joined and written: its phases by difference), DuckDB, Spark; the outputs' row
# counts and hashes, then each output deleted before the next engine runs (disk). Load and free
# disk are sampled every 30 s into $WORK/scale-load.log; Spark is stopped if free disk falls under
# 3 GB.
SCALE_TABLE=
run_scale() { # workload
  local workload=$1 folder log sampler mode seconds rss
  folder=$(join_folder "$workload")
  mkdir -p "$WORK"
  say "scale $workload: disk $(df -h --output=avail "$WORK" | tail -1 | tr -d ' ') free in $WORK, memory $(free -g | awk '/Mem:/ { print $7 }') GiB available"
  ( while sleep 30; do echo "$(date -u +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg) free $(df -B1G --output=avail "$WORK" | tail -1 | tr -d ' ') GB"; done ) > "$WORK/scale-load.log" &
  sampler=$!
  prepare_join "$workload"
  say "scale $workload: files $(du -sh "$folder" | cut -f1)"
  rm -rf "$folder/ours.parquet" "$folder/duckdb.parquet" "$folder/$SPARK_OUTPUT"
  SCALE_TABLE="| engine, settings | s | peak RSS MiB | load (1 min) at the end |"$'\n'"|---|---|---|---|"
  for mode in read engine-no-write engine; do
    log=$WORK/scale-$mode.log
    say "scale $workload: ours, $mode (-Xmx$SCALE_HEAP)"
    join_benchmark "$SCALE_HEAP" "$mode" "$workload" 1 > "$log" 2>&1 || { failed "scale ours $mode" "$log"; continue; }
    scale_row "ours ($mode), -Xmx$SCALE_HEAP, 2 threads" "$log"
  done
  DUCKDB_OPTIONS=(-Dduckdb.memory-limit="$DUCKDB_MEMORY" -Dduckdb.profile="$WORK/duckdb-profile.json")
  log=$WORK/scale-duckdb.log
  say "scale $workload: DuckDB $FIRST_DUCKDB, memory_limit $DUCKDB_MEMORY"
  if join_benchmark 1g duckdb "$workload" 1 > "$log" 2>&1; then
    scale_row "DuckDB $FIRST_DUCKDB ASOF LEFT JOIN, 2 threads, memory_limit $DUCKDB_MEMORY" "$log"
    python3 benchmarks/engine_profiles.py duckdb-profile "$WORK/duckdb-profile.json" > "$WORK/scale-duckdb-profile.md" 2>&1 || true
  else
    failed "scale DuckDB" "$log"
  fi
  DUCKDB_OPTIONS=(-Dduckdb.memory-limit="$DUCKDB_MEMORY")
  for output in ours duckdb; do
    if [ -f "$folder/$output.parquet" ]; then
      join_benchmark 1g summary "$workload" "$output" >> "$WORK/scale-outputs.log" 2>&1 || true
    fi
  done
  if [ -f "$folder/ours.parquet" ] && [ -f "$folder/duckdb.parquet" ]; then
    join_benchmark 1g compare "$workload" > "$WORK/scale-compare.log" 2>&1 || true
    echo "scale $workload, ours against DuckDB $FIRST_DUCKDB: $(tail -1 "$WORK/scale-compare.log")" >> "$WORK/outputs.txt"
  fi
  rm -rf "$folder/duckdb.parquet" "$folder/duckdb-spill"
  log=$WORK/scale-spark.log
  say "scale $workload: Spark $SPARK_VERSION, local[2], -Xmx$SPARK_HEAP"
  rm -rf "$WORK/spark-events-${workload//\//-}"
  spark_join "$workload" "$SPARK_HEAP" 1 "$log" &
  local spark=$!
  while kill -0 "$spark" 2> /dev/null; do
    if [ "$(df -B1G --output=avail "$WORK" | tail -1 | tr -d ' ')" -lt 3 ]; then
      say "scale: under 3 GB of free disk: stopping Spark"; echo "stopped: under 3 GB of free disk" >> "$log"; kill "$spark"
    fi
    sleep 5
  done
  if wait "$spark" && grep -q ' iteration 0:' "$log"; then
    scale_row "Spark $SPARK_VERSION (our Spark SQL), local[2], -Xmx$SPARK_HEAP" "$log"
    python3 benchmarks/engine_profiles.py spark-stages "$(ls -td "$WORK/spark-events-${workload//\//-}"/* | head -1)" > "$WORK/scale-spark-stages.md" 2>&1 || true
    join_benchmark 1g summary "$workload" spark >> "$WORK/scale-outputs.log" 2>&1 || true
  else
    failed "scale Spark" "$log"
  fi
  rm -rf "$folder/$SPARK_OUTPUT" "$folder/ours.parquet"
  kill "$sampler"
  echo "scale $workload outputs:" >> "$WORK/outputs.txt"
  grep -E '^(ours|duckdb|spark): ' "$WORK/scale-outputs.log" | sed 's/^/  /' >> "$WORK/outputs.txt"
}
scale_row() { # what log
  local line
  line=$(grep ' iteration 0:' "$2" | tail -1)
  SCALE_TABLE+=$'\n'"| $1 | $(sed -n 's/.* iteration 0: \([0-9.]*\) s,.*/\1/p' <<< "$line") | $(rss_mib "$line") | $(load1) |"
  say "scale: $1: $(grep -o 'iteration 0: [0-9.]* s' <<< "$line"), peak RSS $(rss_mib "$line") MiB"
}
SPARK_OUTPUT=spark-output
SCALE_HEAP=${SCALE_HEAP:-1g}
SPARK_HEAP=${SPARK_HEAP:-4g}
DUCKDB_MEMORY=${DUCKDB_MEMORY:-4GB}

START_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED=$(date -u '+%Y-%m-%d %H:%M UTC')
if selected join; then
  if [ $QUICK = 1 ]; then run_join S 2g 3; else run_join S 2g 5; run_join M 1g 3; fi
fi
if selected server; then
  if [ $QUICK = 1 ]; then run_server quick 3; else run_server S 5; fi
fi
if selected ingest; then
  if [ $QUICK = 1 ]; then run_ingest 20000 50; else run_ingest 100000 50; fi
fi
if selected online; then
  if [ $QUICK = 1 ]; then run_online 100000 5 2 2g; else run_online 1000000 15 5 6g; fi
fi
if selected spark; then
  if [ $QUICK = 1 ]; then run_spark S 2g 2; else run_spark S 2g 3; fi
fi
if selected scale; then
  run_scale "$SCALE_WORKLOAD"
fi

echo
echo "## benchmarks/run.sh $([ $QUICK = 1 ] && echo '--quick ')--rounds $ROUNDS, $STARTED to $(date -u '+%H:%M UTC'), commit $(git rev-parse --short HEAD)"
echo
echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM;"
echo "load average (1, 5, 15 min) $START_LOAD at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end."
echo "Ours: $("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.vm.version = //p') ($JAVA); DuckDB JDBC: $DUCKDB_VERSIONS (each side in its own JVM, 2 threads each)."
echo "Times in seconds; ratio < 1: ours faster. Join: Parquet files to a Parquet output; first = first join of"
echo "a fresh JVM, warm = the later joins of that JVM. Ingest: S group POSTed as Parquet / Arrow to a fresh"
echo "server, against DuckDB's read+sort+write of the same Parquet; first = first upload after the start."
echo "Server: a training set built as a job by a fresh server (group committed over HTTP, spine uploaded as"
echo "Parquet), timed to the job's end, against DuckDB's ASOF LEFT JOIN of the same two files; first = the"
echo "first build after the start and commit (DuckDB: the first join of its JVM), warm = the later ones."
echo
"$JAVA" "$ROOT/benchmarks/Summary.java" "$RESULTS"
if [ -n "$SCALE_TABLE" ]; then
  echo
  echo "Scale, workload $SCALE_WORKLOAD, one run each (load and free disk every 30 s: $WORK/scale-load.log):"
  echo
  echo "$SCALE_TABLE"
  for profile in scale-duckdb-profile.md scale-spark-stages.md; do
    if [ -f "$WORK/$profile" ]; then echo; echo "$profile:"; echo; cat "$WORK/$profile"; fi
  done
fi
if [ -n "$ONLINE_TABLE" ]; then
  echo
  echo "| online | ours | baseline | ratio | goal | load |"
  echo "|---|---|---|---|---|---|"
  echo "$ONLINE_TABLE"
fi
if [ ${#FAILURES[@]} -gt 0 ]; then
  echo
  echo "Failed (not in the table):"
  printf -- '- %s\n' "${FAILURES[@]}"
fi
if [ -f "$WORK/outputs.txt" ]; then
  echo
  echo "Outputs:"
  sed 's/^/- /' "$WORK/outputs.txt"
  rm "$WORK/outputs.txt"
fi
}
main "$@"
