"""Every feature type round-trips through write, get_historical_features and
get_online_features, nulls included."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from featurestore import FeatureStore

FEATURES = {
    "active": "BOOL",
    "visits": "INT32",
    "big_id": "INT64",
    "ratio": "FLOAT32",
    "spend": "FLOAT64",
    "city": "STRING",
    "blob": "BYTES",
    "signed_up": "TIMESTAMP",
    "embedding": "FLOAT32_VECTOR[4]",
}
BEYOND_DOUBLE = 2**53 + 1  # not representable as a float64: survives only as an integer
INDIA = timezone(timedelta(hours=5, minutes=30))


def rows(entity: str, event_time: datetime) -> pa.Table:
    """u1 has a value of every type, u2 a null of every type."""
    return pa.table(
        {
            entity: ["u1", "u2"],
            "event_time": pa.array([event_time, event_time], pa.timestamp("us", tz="UTC")),
            "active": [True, None],
            "visits": pa.array([-7, None], pa.int32()),
            "big_id": pa.array([-(2**63) + BEYOND_DOUBLE, None], pa.int64()),
            "ratio": pa.array([0.1, None], pa.float32()),
            "spend": [1234.5678901234, None],
            "city": ["Zürich 東京", None],
            "blob": [b"\x00\xff\x10binary", None],
            "signed_up": pa.array(
                [datetime(2024, 2, 29, 23, 59, 59, 123456, tzinfo=INDIA), None],
                pa.timestamp("us", tz="Asia/Kolkata"),
            ),
            "embedding": pa.array([[1.5, -2.25, 0.0, 3.0e-8], None], pa.list_(pa.float32(), 4)),
        }
    )


EXPECTED_U1 = {
    "active": True,
    "visits": -7,
    "big_id": -(2**63) + BEYOND_DOUBLE,
    "ratio": float(np.float32(0.1)),
    "spend": 1234.5678901234,
    "city": "Zürich 東京",
    "blob": b"\x00\xff\x10binary",
    "signed_up": datetime(2024, 2, 29, 18, 29, 59, 123456, tzinfo=timezone.utc),
    "embedding": [1.5, -2.25, 0.0, float(np.float32(3.0e-8))],
}


@pytest.fixture
def group(fs: FeatureStore, entity: str, unique) -> str:
    name = unique("all_types")
    fs.create_feature_group(name, entity, FEATURES, online=True)
    return name


def test_feature_group_definition_round_trips(fs: FeatureStore, entity: str, group: str) -> None:
    definition = fs.get_feature_group(group)

    assert definition.entity == entity
    assert definition.features == FEATURES
    assert definition.ttl is None
    assert definition.online
    assert group in {g.name for g in fs.list_feature_groups()}


def test_every_type_round_trips_through_a_training_set(fs: FeatureStore, entity: str, group: str) -> None:
    written = datetime.now(timezone.utc) - timedelta(hours=1)
    commit = fs.write(group, rows(entity, written))
    spine = pd.DataFrame(
        {
            entity: ["u1", "u2", "u3"],
            "event_time": pd.to_datetime([written + timedelta(minutes=1)] * 3, utc=True),
            "label": [1, 0, 1],
        }
    )

    training_set = fs.get_historical_features(spine, [f"{group}:*"], name="all_types")

    assert commit.rows == 2 and commit.sequence == 1
    table = training_set.to_arrow()
    assert table.column_names == [entity, "event_time", "label", *FEATURES]
    got = table.to_pylist()
    for feature, value in EXPECTED_U1.items():
        assert got[0][feature] == value, feature
    assert all(got[1][feature] is None for feature in FEATURES)
    assert all(got[2][feature] is None for feature in FEATURES)
    embedding = table.schema.field("embedding").type
    assert pa.types.is_fixed_size_list(embedding) and embedding.list_size == 4
    assert embedding.value_type == pa.float32()
    frame = training_set.to_df()
    assert frame["big_id"].tolist()[0] == -(2**63) + BEYOND_DOUBLE
    assert frame["big_id"].isna().tolist() == [False, True, True]


def test_every_type_round_trips_through_online_lookups(fs: FeatureStore, entity: str, group: str) -> None:
    fs.write(group, rows(entity, datetime.now(timezone.utc) - timedelta(hours=1)))

    response = fs.get_online_features([f"{group}:*"], [{entity: "u1"}, {entity: "u2"}, {entity: "nobody"}])

    values = response.to_dict(include_statuses=False)
    assert values[entity] == ["u1", "u2", "nobody"]
    for feature, value in EXPECTED_U1.items():
        assert values[feature] == [value, None, None], feature
        assert response.statuses[feature] == ["PRESENT", "NULL_VALUE", "NOT_FOUND"]
    frame = response.to_df()
    assert frame["city__status"].tolist() == ["PRESENT", "NULL_VALUE", "NOT_FOUND"]
    assert len(frame) == 3


def test_a_pandas_frame_writes_like_an_arrow_table(fs: FeatureStore, entity: str, group: str) -> None:
    event_time = datetime.now(timezone.utc) - timedelta(hours=2)
    frame = pd.DataFrame(
        {
            entity: ["p1", "p2"],
            "event_time": pd.to_datetime([event_time, event_time], utc=True),
            "active": [True, False],
            "visits": [3, 4],
            "big_id": pd.array([BEYOND_DOUBLE, None], dtype="Int64"),
            "ratio": [0.5, np.nan],
            "spend": [2.5, np.nan],
            "city": ["Bern", None],
            "blob": [b"\x01", None],
            "signed_up": pd.to_datetime(["2025-06-01T12:00:00+02:00", None], utc=True),
            "embedding": [np.array([1, 2, 3, 4], dtype=np.float64), None],
        }
    )
    fs.write(group, frame)

    response = fs.get_online_features([f"{group}:big_id", f"{group}:embedding", f"{group}:signed_up"], {entity: ["p1", "p2"]})

    assert response.values["big_id"] == [BEYOND_DOUBLE, None]
    assert response.values["embedding"] == [[1.0, 2.0, 3.0, 4.0], None]
    assert response.values["signed_up"] == [datetime(2025, 6, 1, 10, tzinfo=timezone.utc), None]
    assert response.statuses["big_id"] == ["PRESENT", "NULL_VALUE"]


def test_a_retried_write_with_the_same_idempotency_key_writes_once(fs: FeatureStore, entity: str, group: str) -> None:
    table = rows(entity, datetime.now(timezone.utc) - timedelta(hours=1))

    first = fs.write(group, table, idempotency_key="retry-me")
    second = fs.write(group, table, idempotency_key="retry-me")

    assert second.id == first.id
    assert fs.get_feature_group(group).commits == 1


def test_a_feature_group_defined_by_an_arrow_schema(fs: FeatureStore, entity: str, unique) -> None:
    schema = rows(entity, datetime.now(timezone.utc)).schema

    definition = fs.create_feature_group(unique("from_schema"), entity, schema, ttl=timedelta(days=30))

    assert definition.features == FEATURES
    assert definition.ttl == timedelta(days=30)


def test_base64_is_what_the_server_sends_for_bytes(fs: FeatureStore, entity: str, group: str) -> None:
    # The client decodes online BYTES values; the raw answer carries them as base64.
    fs.write(group, rows(entity, datetime.now(timezone.utc) - timedelta(hours=1)))
    raw = fs._json("POST", "/get-online-features", json_body={"features": [f"{group}:blob"], "entities": {entity: ["u1"]}})
    assert base64.b64decode(raw["results"][1]["values"][0]) == EXPECTED_U1["blob"]


@pytest.mark.parametrize("ttl", [timedelta(days=30), timedelta(hours=12), timedelta(seconds=90.5)])
def test_ttls_round_trip(fs: FeatureStore, entity: str, unique, ttl: timedelta) -> None:
    assert fs.create_feature_group(unique("ttl"), entity, {"n": "INT64"}, ttl=ttl).ttl == ttl


def test_a_model_server_key_looks_up_named_features_undecoded(fs: FeatureStore, server_url: str, entity: str, group: str) -> None:
    # MODEL_SERVER keys may call the lookups only, not read group definitions: values come as
    # the server sends them (BYTES in base64), and '*' cannot be expanded.
    fs.write(group, rows(entity, datetime.now(timezone.utc) - timedelta(hours=1)))
    issued = fs._json("POST", "/api/v1/api-keys", json_body={"name": "model server", "role": "MODEL_SERVER"})
    model_server = FeatureStore(server_url, api_key=issued["key"], online_url=server_url)

    for _ in range(2):  # the second lookup from what the first learnt about the key
        response = model_server.get_online_features([f"{group}:big_id", f"{group}:blob"], {entity: ["u1"]})
        assert response.values["big_id"] == [EXPECTED_U1["big_id"]]
        assert base64.b64decode(response.values["blob"][0]) == EXPECTED_U1["blob"]
    with pytest.raises(ValueError, match="name its features"):
        model_server.get_online_features([f"{group}:*"], {entity: ["u1"]})
