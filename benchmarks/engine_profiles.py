#!/usr/bin/env python3
"""Where an engine's time went, from its own records, for benchmarks/run.sh --only scale.

  engine_profiles.py spark-stages EVENT_LOG   each stage of a Spark application's event log (a
                                              file, or Spark 4's folder of rolled event files)
  engine_profiles.py duckdb-profile JSON      each operator of DuckDB's JSON query profile
"""
import glob
import json
import os
import sys


def event_lines(path):
    files = sorted(glob.glob(os.path.join(path, "events_*"))) if os.path.isdir(path) else [path]
    for name in files:
        with open(name) as log:
            yield from log


def spark_stages(path):
    metrics = {
        "internal.metrics.executorRunTime": ("task s", 1e-3),
        "internal.metrics.executorCpuTime": ("CPU s", 1e-9),
        "internal.metrics.input.bytesRead": ("read MiB", 1 / 2**20),
        "internal.metrics.shuffle.write.bytesWritten": ("shuffle write MiB", 1 / 2**20),
        "internal.metrics.shuffle.read.localBytesRead": ("shuffle read MiB", 1 / 2**20),
        "internal.metrics.diskBytesSpilled": ("spill (disk) MiB", 1 / 2**20),
        "internal.metrics.output.bytesWritten": ("written MiB", 1 / 2**20),
    }
    columns = ["stage", "wall s", "tasks"] + [name for name, _ in metrics.values()] + ["what"]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    totals = {}
    for line in event_lines(path):
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # the last line of a log still being written
        if event.get("Event") != "SparkListenerStageCompleted":
            continue
        stage = event["Stage Info"]
        values = {name: 0.0 for name, _ in metrics.values()}
        for accumulable in stage.get("Accumulables", []):
            if accumulable.get("Name") in metrics:
                name, scale = metrics[accumulable["Name"]]
                values[name] += float(accumulable.get("Value", 0)) * scale
        wall = (stage.get("Completion Time", 0) - stage.get("Submission Time", 0)) / 1000
        totals["wall s"] = totals.get("wall s", 0) + wall
        for name, value in values.items():
            totals[name] = totals.get(name, 0) + value
        # The stage's name is the Spark Connect request; its RDDs' names say what it did.
        names = []
        for rdd in sorted(stage.get("RDD Info", []), key=lambda info: info.get("RDD ID", 0)):
            name = rdd.get("Name", "")
            if name and name not in names and not name.startswith("MapPartitions"):
                names.append(name)
        what = ", ".join(names)
        print("| %d | %.1f | %d | %s | %s |" % (
            stage["Stage ID"], wall, stage.get("Number of Tasks", 0),
            " | ".join("%.1f" % values[name] for name, _ in metrics.values()), what))
    print("| total | %.1f | | %s | |" % (
        totals.get("wall s", 0), " | ".join("%.1f" % totals.get(name, 0) for name, _ in metrics.values())))


def duckdb_operators(path):
    with open(path) as file:
        profile = json.load(file)
    rows = []

    # DuckDB 1.x: the tree at the top ("operator_type", "operator_timing", "operator_cardinality");
    # 2.0: under "operator" ("type", "timing", "intermediate_rows"), the query's totals in "query".
    def walk(node, depth):
        name = node.get("operator_name") or node.get("operator_type") or node.get("type")
        if name:
            timing = node.get("operator_timing", node.get("timing", 0))
            cardinality = node.get("operator_cardinality", node.get("intermediate_rows", 0))
            rows.append((depth, name.strip(), float(timing), int(cardinality or 0)))
        for child in node.get("children", []) + node.get("operator", []):
            walk(child, depth + 1)

    walk(profile, 0)
    total = sum(timing for _, _, timing, _ in rows)
    query = profile.get("query", {})
    system = profile.get("system", {})
    print("query %.1f s (CPU %.1f s); operator times (summed over threads) %.1f s; peak buffer memory"
          " %d MiB, peak temporary files %d MiB" % (
              float(query.get("total_time", profile.get("latency", 0))), float(query.get("cpu_time", 0)),
              total, system.get("peak_buffer_memory", 0) // 2**20, system.get("peak_temp_dir_size", 0) // 2**20))
    print("| operator (depth) | s | share | rows out |")
    print("|---|---|---|---|")
    for depth, name, timing, cardinality in rows:
        print("| %s%s | %.1f | %.0f%% | %s |" % (
            ". " * depth, name, timing, 100 * timing / total if total else 0, format(cardinality, ",")))


if __name__ == "__main__":
    {"spark-stages": spark_stages, "duckdb-profile": duckdb_operators}[sys.argv[1]](sys.argv[2])
