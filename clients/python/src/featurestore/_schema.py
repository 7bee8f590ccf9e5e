"""Feature types as the server names them, and their Arrow counterparts."""

from __future__ import annotations

import re
from typing import Any, Mapping, Union

import pyarrow as pa

FeatureTypes = Union[Mapping[str, str], pa.Schema]

_SCALAR_TYPES: dict[str, pa.DataType] = {
    "BOOL": pa.bool_(),
    "INT32": pa.int32(),
    "INT64": pa.int64(),
    "FLOAT32": pa.float32(),
    "FLOAT64": pa.float64(),
    "STRING": pa.string(),
    "BYTES": pa.binary(),
    "TIMESTAMP": pa.timestamp("us", tz="UTC"),
}
_VECTOR = re.compile(r"^FLOAT32_VECTOR\[(\d+)\]$")

ENTITY_KEY_TYPES = {"STRING": pa.string(), "INT64": pa.int64()}
EVENT_TIME = "event_time"


def feature_request(name: str, type_name: str) -> dict[str, Any]:
    """The server's feature definition for ``"INT64"``, ``"FLOAT32_VECTOR[768]"``..."""
    normalized = type_name.strip().upper()
    vector = _VECTOR.match(normalized)
    if vector:
        return {"name": name, "type": "FLOAT32_VECTOR", "dimension": int(vector.group(1))}
    return {"name": name, "type": normalized}


def type_name_of(arrow_type: pa.DataType) -> str:
    """The feature type that holds values of ``arrow_type`` (ValueError when none does)."""
    if pa.types.is_fixed_size_list(arrow_type) and pa.types.is_floating(arrow_type.value_type):
        return f"FLOAT32_VECTOR[{arrow_type.list_size}]"
    if pa.types.is_timestamp(arrow_type):
        return "TIMESTAMP"
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return "STRING"
    if pa.types.is_binary(arrow_type) or pa.types.is_large_binary(arrow_type):
        return "BYTES"
    for name, candidate in _SCALAR_TYPES.items():
        if arrow_type == candidate:
            return name
    raise ValueError(f"no feature type holds Arrow type {arrow_type}")


def feature_requests(features: FeatureTypes, skip: set[str]) -> list[dict[str, Any]]:
    """Feature definitions from a dict name -> type or from an Arrow schema.

    The columns in ``skip`` (the entity key and ``event_time``) are not features and are left out
    of a schema.
    """
    if isinstance(features, pa.Schema):
        return [
            feature_request(field.name, type_name_of(field.type))
            for field in features
            if field.name not in skip
        ]
    return [feature_request(name, type_name) for name, type_name in features.items()]


def type_name(definition: Mapping[str, Any]) -> str:
    """``"INT64"`` or ``"FLOAT32_VECTOR[768]"`` for a feature definition of the server."""
    if definition["type"] == "FLOAT32_VECTOR":
        return f"FLOAT32_VECTOR[{definition['dimension']}]"
    return str(definition["type"])


def arrow_type(type_name_: str) -> pa.DataType:
    """The Arrow type the server stores a feature type as."""
    vector = _VECTOR.match(type_name_)
    if vector:
        return pa.list_(pa.float32(), int(vector.group(1)))
    return _SCALAR_TYPES[type_name_]
