"""The feature store client: one object, one call per thing a data scientist does."""

from __future__ import annotations

import json
import math
import os
import signal
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping, Sequence, Union
from urllib.parse import quote, urlsplit, urlunsplit

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import requests
from tqdm import tqdm

from featurestore import _schema
from featurestore.errors import (
    FeatureStoreError,
    NotFound,
    RequestTimeout,
    ServerUnreachable,
    error_from_problem,
)
from featurestore.models import (
    Commit,
    Entity,
    ErasureReceipt,
    FeatureGroup,
    KeyLineage,
    Model,
    OnlineResponse,
    TrainingSet,
    online_decoder,
)

Frame = Union[pd.DataFrame, pa.Table]
"""Rows as a pandas DataFrame or a pyarrow Table."""

ARROW_STREAM = "application/vnd.apache.arrow.stream"
PARQUET = "application/vnd.apache.parquet"
DEFAULT_ONLINE_PORT = 6566

# Spine columns that an inline (JSON) spine carries with their types unchanged; a spine with any
# other column type is uploaded as Parquet, which keeps every type.
_INLINE_TYPES = (pa.types.is_int64, pa.types.is_float64, pa.types.is_boolean, pa.types.is_string)


class FeatureStore:
    """A connection to a feature store server.

    Args:
        url: the server's base URL, e.g. ``http://localhost:8080``.
        api_key: the API key; defaults to the ``FEATURE_STORE_API_KEY`` environment variable.
        online_url: where online lookups go; defaults to the same host on port 6566, the
            server's lean online listener. The main URL answers them too.
        timeout: seconds to wait for an answer to any one request before raising
            :class:`~featurestore.errors.RequestTimeout`.
        connect_timeout: seconds to wait for a connection before raising
            :class:`~featurestore.errors.ServerUnreachable`.
        max_inline_rows: spines up to this many rows are sent inline and joined while the call
            waits; larger ones are uploaded as Parquet and built as a job with a progress bar.
    """

    def __init__(
        self,
        url: str = "http://localhost:8080",
        api_key: str | None = None,
        online_url: str | None = None,
        *,
        timeout: float = 300.0,
        connect_timeout: float = 10.0,
        max_inline_rows: int = 10_000,
    ) -> None:
        self.url = url.rstrip("/")
        self.online_url = (online_url or _with_port(self.url, DEFAULT_ONLINE_PORT)).rstrip("/")
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.max_inline_rows = max_inline_rows
        self._session = requests.Session()
        self._online_definitions: dict[str, dict[str, str] | None] = {}
        key = api_key if api_key is not None else os.environ.get("FEATURE_STORE_API_KEY")
        if key:
            self._session.headers["Authorization"] = f"Bearer {key}"

    def __repr__(self) -> str:
        return f"FeatureStore(url={self.url!r}, online_url={self.online_url!r})"

    # Entities and feature groups

    def create_entity(self, name: str, key_type: str = "STRING", description: str = "") -> Entity:
        """Defines an entity (a kind of key). ``key_type`` is ``"STRING"`` or ``"INT64"``.

        The entity's name is also the name of the key column in writes, spines and lookups.
        """
        body = {"name": name, "keyType": key_type, "description": description}
        return Entity.of(self._json("POST", "/api/v1/entities", json_body=body))

    def get_entity(self, name: str) -> Entity:
        """The entity called ``name`` (:class:`~featurestore.errors.NotFound` if none)."""
        return Entity.of(self._json("GET", f"/api/v1/entities/{_segment(name)}"))

    def create_feature_group(
        self,
        name: str,
        entity: str,
        features: _schema.FeatureTypes,
        ttl: timedelta | str | None = None,
        online: bool = False,
        description: str = "",
    ) -> FeatureGroup:
        """Defines a feature group of ``entity``.

        Args:
            name: the group's name (``^[a-z][a-z0-9_]{0,62}$``).
            entity: the entity whose keys the rows carry.
            features: a dict feature name -> type (``"INT64"``, ``"FLOAT64"``, ``"STRING"``,
                ``"BYTES"``, ``"TIMESTAMP"``, ``"BOOL"``, ``"INT32"``, ``"FLOAT32"``, or
                ``"FLOAT32_VECTOR[768]"`` for a vector), or a pyarrow schema (its key and
                ``event_time`` columns are skipped).
            ttl: how long a value stays valid for joins and lookups (a ``timedelta`` or an
                ISO-8601 duration such as ``"P30D"``); None keeps every value valid.
            online: whether the group is served by :meth:`get_online_features`.
            description: free text.
        """
        body = {
            "name": name,
            "entity": entity,
            "features": _schema.feature_requests(features, {entity, _schema.EVENT_TIME}),
            "ttl": _iso_duration(ttl),
            "online": online,
            "description": description,
        }
        return FeatureGroup.of(self._json("POST", "/api/v1/feature-groups", json_body=body))

    def list_feature_groups(self) -> list[FeatureGroup]:
        """Every feature group (all pages of the server's list)."""
        return [FeatureGroup.of(g) for g in self._every_page("/api/v1/feature-groups")]

    def get_feature_group(self, name: str) -> FeatureGroup:
        """The feature group called ``name`` (:class:`~featurestore.errors.NotFound` if none)."""
        return FeatureGroup.of(self._json("GET", f"/api/v1/feature-groups/{_segment(name)}"))

    # Writing

    def write(self, group: str, data: Frame, idempotency_key: str | None = None) -> Commit:
        """Commits rows to a feature group, sent as an Arrow IPC stream.

        ``data`` holds the entity's key column, ``event_time`` (timestamps with a time zone) and
        the features (missing ones are null). Columns are converted to the group's types where
        Arrow can do so exactly (a float column of whole numbers to ``INT64``, a list column to a
        vector). With an ``idempotency_key``, a retry of the same write returns the first commit
        and writes nothing.
        """
        definition = self.get_feature_group(group)
        table = _conform(_to_arrow(data), definition.features)
        headers = {"Content-Type": ARROW_STREAM}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        answer = self._json(
            "POST",
            f"/api/v1/feature-groups/{_segment(group)}/commits",
            data=_ipc_stream(table),
            headers=headers,
        )
        return Commit.of(answer)

    # Training sets

    def get_historical_features(
        self,
        entity_df: Frame,
        features: Sequence[str | Mapping[str, str]],
        as_of: str | datetime | Commit | None = None,
        name: str | None = None,
        *,
        progress: bool = True,
    ) -> TrainingSet:
        """Builds a point-in-time training set: for each spine row, each feature's value as of the
        row's ``event_time`` (the latest value at or before it, within the group's TTL).

        Args:
            entity_df: the spine: the entity key column(s), ``event_time`` and any labels; one
                output row per spine row, in its order, duplicates kept.
            features: ``"group:feature"``, ``"group:*"``, or ``{"feature": "g:f", "as": "alias"}``.
            as_of: read the groups as of this commit (or write time); default: the latest.
            name: the training set's name (default ``training_set``).
            progress: show a progress bar while a large spine is built as a job.

        Small spines (``max_inline_rows``) are joined while the call waits; larger ones, or
        spines with columns JSON cannot carry exactly, are uploaded as Parquet and built as a
        job. Ctrl-C while the job runs cancels it on the server.
        """
        spine = _to_arrow(entity_df)
        body: dict[str, Any] = {
            "name": name or "training_set",
            "features": list(features),
        }
        if as_of is not None:
            body["asOf"] = _as_of(as_of)
        if spine.num_rows <= self.max_inline_rows and _inline_possible(spine):
            body["spine"] = {"rows": _json_rows(spine)}
            return TrainingSet(self, self._json("POST", "/api/v1/training-sets", json_body=body))
        upload = self._json(
            "POST", "/api/v1/uploads", data=_parquet(spine), headers={"Content-Type": PARQUET}
        )
        body["spine"] = {"upload": upload["id"]}
        with _CtrlC() as ctrl_c:
            accepted = self._json("POST", "/api/v1/training-sets", json_body=body)
            job_id = accepted["jobId"]
            self._wait_for_job(
                job_id,
                f"building {body['name']}",
                progress,
                ctrl_c,
                lambda: self._json("POST", f"/api/v1/jobs/{_segment(job_id)}/cancel"),
            )
            ctrl_c.raise_if_pressed()
        return self.get_training_set(accepted["trainingSetId"])

    def get_training_set(self, training_set_id: str) -> TrainingSet:
        """A training set built before, by its id."""
        return TrainingSet(self, self._json("GET", f"/api/v1/training-sets/{_segment(training_set_id)}"))

    def _download_training_set(self, training_set_id: str) -> pa.Table:
        response = self._request(
            "GET",
            f"/api/v1/training-sets/{_segment(training_set_id)}/data",
            headers={"Accept": ARROW_STREAM},
        )
        return pa.ipc.open_stream(response.content).read_all()

    # Online

    def get_online_features(
        self,
        features: Sequence[str],
        entity_rows: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]],
    ) -> OnlineResponse:
        """Looks up the latest value of each feature for each key, at ``online_url``.

        Args:
            features: ``"group:feature"`` or ``"group:*"``; the groups must be online.
            entity_rows: the keys, as a list of dicts (``[{"customer_id": "c1"}, ...]``) or a
                dict of lists (``{"customer_id": ["c1", "c2"]}``).

        The response holds one value and one status per key and feature: ``PRESENT``,
        ``NULL_VALUE`` (the latest value is null), ``NOT_FOUND`` or ``OUTSIDE_TTL``.
        """
        entities = _columns_of(entity_rows)
        references: list[str] = []
        decoders: dict[str, Callable[[Any], Any]] = {}
        unreadable: set[str] = set()
        for reference in features:
            group_name, _, feature = reference.partition(":")
            definition = self._online_definition(group_name, feature)
            if definition is None:
                unreadable.add(group_name)
            if feature == "*":
                if definition is None:
                    raise ValueError(
                        f"{reference}: this API key may not read the definition of "
                        f"'{group_name}' to expand '*'; name its features"
                    )
                names = list(definition)
            else:
                names = [feature]
            for feature_name in names:
                references.append(f"{group_name}:{feature_name}")
                if definition is not None and feature_name in definition:
                    decoders[feature_name] = online_decoder(definition[feature_name])
        body = {"features": references, "entities": entities}
        answer = self._json("POST", "/get-online-features", json_body=body, base=self.online_url)
        for group_name in unreadable:
            self._online_definitions[group_name] = None
        return OnlineResponse.of(answer, list(entities), decoders)

    def _online_definition(self, group: str, feature: str) -> dict[str, str] | None:
        """The group's feature types, to decode online values (read again when ``feature`` is
        new to the copy kept); None for a key that may not read definitions (MODEL_SERVER),
        whose lookups then get BYTES as base64 and TIMESTAMP as ISO-8601 text."""
        if group in self._online_definitions:
            known = self._online_definitions[group]
            if known is None or feature == "*" or feature in known:
                return known
        try:
            known = self.get_feature_group(group).features
        except NotFound:
            return None  # kept as None only once a lookup proved the group exists
        self._online_definitions[group] = known
        return known

    # Models, lineage, erasure

    def register_model(
        self,
        name: str,
        version: str,
        training_sets: Iterable[TrainingSet | str],
        uri: str | None = None,
    ) -> Model:
        """Records that model ``name`` at ``version`` was trained on ``training_sets`` (objects or
        ids), so that lineage and erasure receipts name it."""
        body = {
            "name": name,
            "version": str(version),
            "trainingSets": [t.id if isinstance(t, TrainingSet) else str(t) for t in training_sets],
            "uri": uri,
        }
        return Model.of(self._json("POST", "/api/v1/models", json_body=body))

    def lineage(self, entity: str, key: str | int) -> KeyLineage:
        """Where a key's data went: feature groups, training sets, models, erasures."""
        path = f"/api/v1/lineage/entities/{_segment(entity)}/keys/{_segment(str(key))}"
        return KeyLineage.of(self._json("GET", path))

    def erase(
        self,
        entity: str,
        keys: str | int | Sequence[str | int],
        reason: str,
        wait: bool = True,
    ) -> ErasureReceipt:
        """Erases every row of ``keys`` everywhere: feature groups, training-set outputs, uploaded
        spines and online indexes.

        With ``wait`` (the default) the call returns when the erasure has finished, with its
        receipt (``files_rewritten``, ``rows_removed``, ``training_sets_affected``,
        ``models_to_retrain``); otherwise at once, with the receipt as it stands then. An erasure
        cannot be cancelled: once accepted it runs to the end, across server restarts.
        """
        key_list = [keys] if isinstance(keys, (str, int)) else list(keys)
        body = {"entity": entity, "keys": [str(k) for k in key_list], "reason": reason}
        accepted = self._json("POST", "/api/v1/erasures", json_body=body)
        if wait:
            with _CtrlC() as ctrl_c:
                self._wait_for_job(accepted["jobId"], "erasing", False, ctrl_c, cancel=None)
        return self.erasure(accepted["id"])

    def erasure(self, erasure_id: str) -> ErasureReceipt:
        """The receipt of an erasure, by its id."""
        return ErasureReceipt.of(self._json("GET", f"/api/v1/erasures/{_segment(erasure_id)}"))

    # Jobs

    def _wait_for_job(
        self,
        job_id: str,
        description: str,
        progress: bool,
        ctrl_c: _CtrlC,
        cancel: Callable[[], Any] | None,
    ) -> dict[str, Any]:
        """Polls a job until it finishes, with a progress bar in rows. Ctrl-C (seen between two
        polls) stops the wait, after asking the server to ``cancel`` the job if it can be."""
        path = f"/api/v1/jobs/{_segment(job_id)}"
        interval = 0.05
        with tqdm(desc=f"{description} (job {job_id})", unit="rows", disable=not progress) as bar:
            while True:
                job = self._json("GET", path)
                done, total = job["progress"]["done"], job["progress"]["total"]
                if total and bar.total != total:
                    bar.total = total
                bar.update(done - bar.n)
                if job["status"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                    break
                if ctrl_c.pressed:
                    if cancel is not None:
                        cancel()
                    ctrl_c.raise_if_pressed()
                time.sleep(interval)
                interval = min(interval * 2, 1.0)
        if job["status"] != "SUCCEEDED":
            raise FeatureStoreError(
                f"job {job_id} {job['status']}: {job.get('error') or 'no reason given'}",
                code=job["status"],
            )
        return job

    # HTTP

    def _json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._request(method, path, **kwargs).json()

    def _every_page(self, path: str) -> list[Any]:
        """The items of a paged list, following its ``Link: <...>; rel="next"`` headers."""
        items: list[Any] = []
        next_path: str | None = path
        while next_path is not None:
            response = self._request("GET", next_path)
            items.extend(response.json())
            next_path = response.links.get("next", {}).get("url")
        return items

    def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        base: str | None = None,
    ) -> requests.Response:
        url = (base or self.url) + path
        all_headers = dict(headers or {})
        if json_body is not None:
            data = json.dumps(json_body).encode()
            all_headers["Content-Type"] = "application/json"
        try:
            response = self._session.request(
                method,
                url,
                data=data,
                headers=all_headers,
                timeout=(self.connect_timeout, self.timeout),
            )
        except requests.exceptions.ConnectTimeout as e:
            raise ServerUnreachable(
                f"no connection to {url} within {self.connect_timeout}s", code="CONNECTION_FAILED"
            ) from e
        except requests.exceptions.Timeout as e:
            raise RequestTimeout(
                f"{method} {url} got no answer within {self.timeout}s", code="TIMEOUT"
            ) from e
        except requests.exceptions.ConnectionError as e:
            raise ServerUnreachable(
                f"no connection to {url}: {e}", code="CONNECTION_FAILED"
            ) from e
        if response.status_code >= 400:
            try:
                problem = response.json()
            except ValueError:
                problem = None
            raise error_from_problem(
                response.status_code,
                problem if isinstance(problem, dict) else None,
                f"{method} {path}: HTTP {response.status_code} {response.text[:200]}",
            )
        return response


class _CtrlC:
    """Turns Ctrl-C into a flag while a job is submitted and waited for, so that it cannot land
    between the job's submission and the code that would cancel it: the wait loop looks at the
    flag between polls. Signal handlers can only be set in the main thread; elsewhere Ctrl-C is
    not the thread's to handle."""

    def __init__(self) -> None:
        self.pressed = False
        self._previous: Any = None

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._press)
        return self

    def _press(self, signum: int, frame: Any) -> None:
        self.pressed = True

    def raise_if_pressed(self) -> None:
        if self.pressed:
            raise KeyboardInterrupt

    def __exit__(self, *exc_info: Any) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)


def _with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    if ":" in host:
        host = f"[{host}]"
    return urlunsplit((parts.scheme, f"{host}:{port}", "", "", ""))


def _segment(value: str) -> str:
    return quote(value, safe="")


def _iso_duration(ttl: timedelta | str | None) -> str | None:
    if ttl is None or isinstance(ttl, str):
        return ttl
    if not ttl.seconds and not ttl.microseconds:
        return f"P{ttl.days}D"
    seconds = ttl.days * 86_400 + ttl.seconds
    return f"PT{seconds}.{ttl.microseconds:06d}S" if ttl.microseconds else f"PT{seconds}S"


def _as_of(as_of: str | datetime | Commit) -> str:
    if isinstance(as_of, Commit):
        return as_of.id
    if isinstance(as_of, datetime):
        if as_of.tzinfo is None:
            raise ValueError("as_of needs a time zone: it names one instant")
        return _iso_instant(pd.Timestamp(as_of))
    return as_of


def _to_arrow(data: Frame) -> pa.Table:
    if isinstance(data, pa.Table):
        table = data
    elif isinstance(data, pd.DataFrame):
        table = pa.Table.from_pandas(data, preserve_index=False)
    else:
        raise TypeError(f"expected a pandas DataFrame or a pyarrow Table, got {type(data).__name__}")
    # pandas 3 strings arrive as large_string; the server reads the 32-bit-offset types.
    columns = []
    for column in table.columns:
        if pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
        elif pa.types.is_large_binary(column.type):
            column = column.cast(pa.binary())
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _conform(table: pa.Table, features: Mapping[str, str]) -> pa.Table:
    """Casts feature columns to the group's types where Arrow can do it exactly; a column that
    cannot be cast is sent as it is, for the server to name what is wrong with it."""
    columns = []
    for name, column in zip(table.column_names, table.columns):
        type_name = features.get(name)
        if type_name is not None:
            target = _schema.arrow_type(type_name)
            if type_name == "TIMESTAMP" and not (
                pa.types.is_timestamp(column.type) and column.type.tz is not None
            ):
                target = None  # a time without a zone must be refused, not guessed
            if target is not None and column.type != target:
                try:
                    column = column.cast(target)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                    pass
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _ipc_stream(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _parquet(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, coerce_timestamps="us", allow_truncated_timestamps=True)
    return sink.getvalue().to_pybytes()


def _inline_possible(spine: pa.Table) -> bool:
    for field in spine.schema:
        if field.name == _schema.EVENT_TIME and (
            pa.types.is_timestamp(field.type) or pa.types.is_string(field.type)
        ):
            continue
        if not any(check(field.type) for check in _INLINE_TYPES):
            return False
    return True


def _json_rows(spine: pa.Table) -> list[dict[str, Any]]:
    columns: dict[str, list[Any]] = {}
    for name, column in zip(spine.column_names, spine.columns):
        if pa.types.is_timestamp(column.type):
            timestamps = column.to_pandas()
            columns[name] = [None if pd.isna(t) else _iso_instant(t) for t in timestamps]
        else:
            columns[name] = [_json_value(v) for v in column.to_pylist()]
    names = list(columns)
    return [dict(zip(names, row)) for row in zip(*columns.values())]


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else value
    return value


def _iso_instant(timestamp: pd.Timestamp) -> str:
    """ISO-8601 with microseconds; a time without a zone keeps none, for the server to refuse."""
    if timestamp.tzinfo is None:
        return timestamp.strftime("%Y-%m-%dT%H:%M:%S.%f")
    return timestamp.tz_convert(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _columns_of(
    entity_rows: Sequence[Mapping[str, Any]] | Mapping[str, Sequence[Any]],
) -> dict[str, list[Any]]:
    if isinstance(entity_rows, Mapping):
        return {name: list(values) for name, values in entity_rows.items()}
    columns: dict[str, list[Any]] = {}
    for index, row in enumerate(entity_rows):
        if index == 0:
            columns = {name: [] for name in row}
        if set(row) != set(columns):
            raise ValueError(f"entity_rows[{index}] has keys {sorted(row)}, not {sorted(columns)}")
        for name, value in row.items():
            columns[name].append(value)
    return columns
