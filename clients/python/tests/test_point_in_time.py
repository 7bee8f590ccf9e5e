"""A training set equals DuckDB's ASOF join of the same frames, rule for rule: the latest row at
or before the spine time (inclusive), within the TTL window (inclusive), duplicate spine rows kept
in spine order, keys without rows null. Inline spines and uploaded ones (a job) alike."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from featurestore import FeatureStore

TTL = timedelta(days=2)
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def feature_rows(entity: str, seed: int, keys: int, rows: int) -> pd.DataFrame:
    """Rows with unique (key, event_time), so that the winner is the latest row, as DuckDB
    picks it (ties are broken by commit and upload position, which DuckDB does not know)."""
    generator = np.random.default_rng(seed)
    hours = generator.choice(24 * 30, size=rows, replace=True)
    frame = pd.DataFrame(
        {
            entity: [f"k{k}" for k in generator.integers(0, keys, size=rows)],
            "event_time": pd.to_datetime(START) + pd.to_timedelta(hours, unit="h"),
        }
    ).drop_duplicates([entity, "event_time"], ignore_index=True)
    values = generator.normal(size=len(frame)).round(6)
    # Null is a value: a null winner hides an older non-null one.
    frame["score"] = np.where(generator.random(len(frame)) < 0.1, np.nan, values)
    frame["count"] = pd.array(generator.integers(-(2**62), 2**62, size=len(frame)), dtype="Int64")
    frame.loc[generator.random(len(frame)) < 0.1, "count"] = pd.NA
    return frame


def spine_rows(entity: str, features: pd.DataFrame, seed: int, size: int) -> pd.DataFrame:
    """Spine times exactly at feature times (inclusive bound), exactly at the end of the TTL
    window and one microsecond past it, at random, for known and unknown keys, with duplicates."""
    generator = np.random.default_rng(seed)
    picked = features.sample(n=size // 4, random_state=seed, replace=True)
    at_rows = picked[[entity, "event_time"]]
    ttl_edge = picked[[entity, "event_time"]].assign(event_time=picked["event_time"] + TTL)
    past_edge = picked[[entity, "event_time"]].assign(
        event_time=picked["event_time"] + TTL + timedelta(microseconds=1)
    )
    random_times = pd.DataFrame(
        {
            entity: [f"k{k}" for k in generator.integers(0, 60, size=size - 3 * len(picked))],
            "event_time": pd.to_datetime(START)
            + pd.to_timedelta(generator.integers(0, 24 * 35 * 3600, size=size - 3 * len(picked)), unit="s"),
        }
    )
    spine = pd.concat([at_rows, ttl_edge, past_edge, random_times], ignore_index=True)
    spine = spine.sample(frac=1, random_state=seed, ignore_index=True)
    spine = pd.concat([spine, spine.head(20)], ignore_index=True)  # duplicate spine rows
    spine["label"] = generator.integers(0, 2, size=len(spine))
    return spine


def duckdb_asof(entity: str, spine: pd.DataFrame, with_ttl: pd.DataFrame, without_ttl: pd.DataFrame) -> pd.DataFrame:
    spine = spine.assign(spine_row=np.arange(len(spine)))
    ttl_seconds = int(TTL.total_seconds())
    connection = duckdb.connect()
    for name, frame in {"spine": spine, "with_ttl": with_ttl, "without_ttl": without_ttl}.items():
        connection.register(name, frame)
    return connection.execute(
        f"""
        WITH a AS (
          SELECT s.spine_row,
                 CASE WHEN f.event_time >= s.event_time - INTERVAL {ttl_seconds} SECOND
                      THEN f.score END AS score
          FROM spine s ASOF LEFT JOIN with_ttl f
            ON s.{entity} = f.{entity} AND s.event_time >= f.event_time
        ), b AS (
          SELECT s.spine_row, f.count
          FROM spine s ASOF LEFT JOIN without_ttl f
            ON s.{entity} = f.{entity} AND s.event_time >= f.event_time
        )
        SELECT s.{entity}, s.event_time, s.label, a.score, b.count
        FROM spine s JOIN a USING (spine_row) JOIN b USING (spine_row)
        ORDER BY s.spine_row
        """
    ).df()


def assert_same_rows(ours: pd.DataFrame, theirs: pd.DataFrame, entity: str) -> None:
    assert list(ours.columns) == [entity, "event_time", "label", "score", "count"]
    assert len(ours) == len(theirs)
    assert ours[entity].tolist() == theirs[entity].tolist()
    assert (ours["event_time"] == pd.to_datetime(theirs["event_time"], utc=True)).all()
    assert ours["label"].tolist() == theirs["label"].tolist()
    assert ours["score"].isna().tolist() == theirs["score"].isna().tolist()
    np.testing.assert_array_equal(ours["score"].dropna().to_numpy(), theirs["score"].dropna().to_numpy())
    ours_count = [None if pd.isna(v) else int(v) for v in ours["count"]]
    theirs_count = [None if pd.isna(v) else int(v) for v in theirs["count"]]
    assert ours_count == theirs_count


@pytest.fixture
def groups(fs: FeatureStore, entity: str, unique) -> tuple[str, str, pd.DataFrame, pd.DataFrame]:
    with_ttl, without_ttl = unique("scores"), unique("counts")
    fs.create_feature_group(with_ttl, entity, {"score": "FLOAT64"}, ttl=TTL)
    fs.create_feature_group(without_ttl, entity, {"count": "INT64"})
    scores = feature_rows(entity, seed=1, keys=50, rows=3000)[[entity, "event_time", "score"]]
    counts = feature_rows(entity, seed=2, keys=50, rows=3000)[[entity, "event_time", "count"]]
    fs.write(with_ttl, scores)
    fs.write(without_ttl, counts)
    return with_ttl, without_ttl, scores, counts


def test_an_inline_training_set_equals_duckdbs_asof_join(fs: FeatureStore, entity: str, groups) -> None:
    with_ttl, without_ttl, scores, counts = groups
    spine = spine_rows(entity, scores, seed=3, size=2000)

    training_set = fs.get_historical_features(spine, [f"{with_ttl}:score", f"{without_ttl}:count"], name="asof")

    assert training_set.metadata["status"] == "READY"
    expected = duckdb_asof(entity, spine, scores, counts)
    assert expected["score"].notna().sum() > 100 and expected["score"].isna().sum() > 100
    assert_same_rows(training_set.to_df(), expected, entity)


def test_an_uploaded_spine_is_built_as_a_job_with_progress(fs: FeatureStore, server_url: str, entity: str, groups, capsys) -> None:
    with_ttl, without_ttl, scores, counts = groups
    spine = spine_rows(entity, scores, seed=4, size=6000)
    small_inline_limit = FeatureStore(server_url, online_url=server_url, max_inline_rows=1000)

    training_set = small_inline_limit.get_historical_features(
        spine, [f"{with_ttl}:score", f"{without_ttl}:count"], name="uploaded"
    )

    assert training_set.metadata["request"]["spine"].keys() == {"upload"}
    progress = capsys.readouterr().err
    assert "building uploaded (job " in progress and "100%" in progress
    assert_same_rows(training_set.to_df(), duckdb_asof(entity, spine, scores, counts), entity)


def test_a_spine_with_columns_json_would_change_is_uploaded_and_keeps_their_types(fs: FeatureStore, entity: str, groups) -> None:
    with_ttl, _, scores, _ = groups
    spine = pa.table(
        {
            entity: ["k1", "k2"],
            "event_time": pa.array([START + timedelta(days=3)] * 2, pa.timestamp("us", tz="UTC")),
            "observed_at": pa.array([START, None], pa.timestamp("ms", tz="Europe/Zurich")),
            "weight": pa.array([0.5, 2.0], pa.float32()),
        }
    )

    training_set = fs.get_historical_features(spine, [f"{with_ttl}:score"], name="typed_spine", progress=False)

    assert training_set.metadata["request"]["spine"].keys() == {"upload"}
    table = training_set.to_arrow()
    assert table.column("observed_at").to_pylist() == [START, None]
    assert pa.types.is_timestamp(table.schema.field("observed_at").type)
    assert table.schema.field("weight").type == pa.float32()
