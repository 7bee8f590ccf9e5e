"""What the client's calls return: small read-only views of the server's answers."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import pandas as pd
import pyarrow as pa

from featurestore import _schema

if TYPE_CHECKING:
    from featurestore.client import FeatureStore


def parse_instant(text: str | None) -> datetime | None:
    """A UTC ``datetime`` from the server's ISO-8601 instant (microseconds kept)."""
    if text is None:
        return None
    return pd.Timestamp(text).tz_convert("UTC").to_pydatetime()


def parse_duration(text: str | None) -> timedelta | None:
    """A ``timedelta`` from an ISO-8601 duration (``P30D``, ``PT12H``); None for none or zero."""
    if text is None:
        return None
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"not an ISO-8601 duration: {text!r}")
    days, hours, minutes, seconds = (float(part) if part else 0.0 for part in match.groups())
    duration = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    return duration if duration else None


# What java.time.Duration writes (PT720H, PT1.5S) and what people type (P30D, P1DT12H).
_DURATION = re.compile(
    r"^P(?:(-?\d+(?:\.\d+)?)D)?(?:T(?:(-?\d+(?:\.\d+)?)H)?(?:(-?\d+(?:\.\d+)?)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$"
)


@dataclass(frozen=True)
class Entity:
    """A kind of key (``customer_id``); its name is also the key column's name in every frame."""

    name: str
    key_type: str
    description: str

    @staticmethod
    def of(json: dict[str, Any]) -> Entity:
        """The entity from the server's JSON."""
        return Entity(json["name"], json["keyType"], json.get("description") or "")


@dataclass(frozen=True)
class FeatureGroup:
    """A feature group: its definition and what its latest version holds.

    ``features`` maps each feature to its type (``"INT64"``, ``"FLOAT32_VECTOR[768]"``).
    """

    name: str
    entity: str
    features: dict[str, str]
    ttl: timedelta | None
    online: bool
    description: str
    commits: int
    rows: int
    raw: dict[str, Any] = field(repr=False)

    @staticmethod
    def of(json: dict[str, Any]) -> FeatureGroup:
        """The group from the server's JSON."""
        return FeatureGroup(
            name=json["name"],
            entity=json["entity"],
            features={f["name"]: _schema.type_name(f) for f in json["features"]},
            ttl=parse_duration(json.get("ttl")),
            online=bool(json.get("online")),
            description=json.get("description") or "",
            commits=int(json.get("commits") or 0),
            rows=int(json.get("rows") or 0),
            raw=json,
        )


@dataclass(frozen=True)
class Commit:
    """One accepted write: its id (usable as ``as_of``), sequence number in the group and rows."""

    id: str
    sequence: int
    rows: int
    write_time: datetime | None
    feature_group: str

    @staticmethod
    def of(json: dict[str, Any]) -> Commit:
        """The commit from the server's JSON."""
        return Commit(
            id=json["commitId"],
            sequence=int(json["sequence"]),
            rows=int(json["rows"]),
            write_time=parse_instant(json.get("writeTime")),
            feature_group=json.get("featureGroup", ""),
        )


def arrow_to_pandas(table: pa.Table) -> pd.DataFrame:
    """A DataFrame whose integer columns stay exact when they hold nulls (``Int64``, not float)."""
    integers = {
        pa.int64(): pd.Int64Dtype(),
        pa.int32(): pd.Int32Dtype(),
    }
    return table.to_pandas(types_mapper=integers.get)


class TrainingSet:
    """A point-in-time training set built by the server.

    ``metadata`` is the server's description: status, rows, the catalog version it was read at,
    its input files and the hash of its output. The data is downloaded once, as Arrow IPC, by the
    first call of :meth:`to_arrow` or :meth:`to_df`.
    """

    def __init__(self, store: FeatureStore, metadata: dict[str, Any]) -> None:
        self._store = store
        self.metadata: dict[str, Any] = metadata
        self._table: pa.Table | None = None

    @property
    def id(self) -> str:
        """The training set's id: give it to :meth:`FeatureStore.register_model`."""
        return str(self.metadata["id"])

    @property
    def name(self) -> str:
        """The name given when it was built."""
        return str(self.metadata["name"])

    @property
    def rows(self) -> int:
        """One row per spine row."""
        return int(self.metadata["rows"])

    def to_arrow(self) -> pa.Table:
        """The rows as an Arrow table: the spine's columns in spine order, then the features."""
        if self._table is None:
            self._table = self._store._download_training_set(self.id)
        return self._table

    def to_df(self) -> pd.DataFrame:
        """The rows as a pandas DataFrame (integer columns as nullable ``Int64``)."""
        return arrow_to_pandas(self.to_arrow())

    def __repr__(self) -> str:
        return f"TrainingSet(id={self.id!r}, name={self.name!r}, rows={self.rows})"


@dataclass(frozen=True)
class OnlineResponse:
    """The answer of an online lookup: for each requested key, the latest value of each feature.

    ``feature_names`` lists the key column(s) first, then the features; ``values``, ``statuses``
    (``PRESENT``, ``NULL_VALUE``, ``NOT_FOUND``, ``OUTSIDE_TTL``) and ``event_timestamps`` hold
    one list per name, one entry per requested key.
    """

    feature_names: list[str]
    values: dict[str, list[Any]]
    statuses: dict[str, list[str]]
    event_timestamps: dict[str, list[datetime | None]]
    key_columns: list[str]

    @staticmethod
    def of(
        json: dict[str, Any],
        key_columns: list[str],
        decoders: dict[str, Callable[[Any], Any]],
    ) -> OnlineResponse:
        """The response from the server's (Feast-shaped) JSON, values decoded by feature type."""
        names = list(json["metadata"]["feature_names"])
        values: dict[str, list[Any]] = {}
        statuses: dict[str, list[str]] = {}
        times: dict[str, list[datetime | None]] = {}
        for name, result in zip(names, json["results"]):
            decode = decoders.get(name, _identity)
            values[name] = [None if v is None else decode(v) for v in result["values"]]
            statuses[name] = list(result.get("statuses") or [])
            times[name] = [
                parse_instant(t) if isinstance(t, str) else None
                for t in result.get("event_timestamps") or []
            ]
        return OnlineResponse(names, values, statuses, times, key_columns)

    def to_dict(self, include_statuses: bool = True) -> dict[str, list[Any]]:
        """Values by column name; with ``include_statuses`` also ``<feature>__status`` columns."""
        answer: dict[str, list[Any]] = {}
        for name in self.feature_names:
            answer[name] = list(self.values[name])
            if include_statuses and name not in self.key_columns:
                answer[name + "__status"] = list(self.statuses[name])
        return answer

    def to_df(self, include_statuses: bool = True) -> pd.DataFrame:
        """One row per requested key, the columns of :meth:`to_dict`."""
        return pd.DataFrame(self.to_dict(include_statuses))


def _identity(value: Any) -> Any:
    return value


def online_decoder(type_name: str) -> Callable[[Any], Any]:
    """Turns an online JSON value of a feature type into its Python value."""
    if type_name == "BYTES":
        return base64.b64decode
    if type_name == "TIMESTAMP":
        return parse_instant
    # The server writes a float32 as its shortest decimal: widen that float32, as Arrow does, so
    # that online values equal the training set's.
    if type_name == "FLOAT32":
        return _widened_float32
    if type_name.startswith("FLOAT32_VECTOR"):
        return lambda vector: [_widened_float32(element) for element in vector]
    return _identity


def _widened_float32(value: float) -> float:
    return float(np.float32(value))


@dataclass(frozen=True)
class Model:
    """A registered model version and the training sets it was trained on."""

    name: str
    version: str
    training_sets: list[str]
    raw: dict[str, Any] = field(repr=False)

    @staticmethod
    def of(json: dict[str, Any]) -> Model:
        """The model from the server's JSON."""
        return Model(
            json["name"], json["version"], [str(t) for t in json.get("trainingSets") or []], json
        )


@dataclass(frozen=True)
class KeyLineage:
    """Where one key's data went: the feature groups holding its rows (with their commits), the
    training sets that used it (``usedAs``: ``SPINE``, ``FEATURES``), the models trained on those,
    and the erasures that removed its rows since."""

    entity: str
    key: str
    feature_groups: list[dict[str, Any]]
    training_sets: list[dict[str, Any]]
    models: list[dict[str, Any]]
    erasures: list[dict[str, Any]]

    @staticmethod
    def of(json: dict[str, Any]) -> KeyLineage:
        """The lineage from the server's JSON."""
        return KeyLineage(
            entity=json["entity"],
            key=str(json["key"]),
            feature_groups=list(json.get("featureGroups") or []),
            training_sets=list(json.get("trainingSets") or []),
            models=list(json.get("models") or []),
            erasures=list(json.get("erasures") or []),
        )


@dataclass(frozen=True)
class ErasureReceipt:
    """What an erasure did: files rewritten, rows removed, the training sets that lost rows and the
    models (``{"name", "version"}``) trained on them, which must be retrained."""

    id: str
    status: str
    files_rewritten: int
    rows_removed: int
    training_sets_affected: list[str]
    models_to_retrain: list[dict[str, Any]]
    completed_at: datetime | None
    raw: dict[str, Any] = field(repr=False)

    @staticmethod
    def of(json: dict[str, Any]) -> ErasureReceipt:
        """The receipt from the server's JSON."""
        return ErasureReceipt(
            id=str(json["id"]),
            status=json["status"],
            files_rewritten=int(json.get("filesRewritten") or 0),
            rows_removed=int(json.get("rowsRemoved") or 0),
            training_sets_affected=[str(t) for t in json.get("trainingSetsAffected") or []],
            models_to_retrain=list(json.get("modelsToRetrain") or []),
            completed_at=parse_instant(json.get("completedAt")),
            raw=json,
        )
