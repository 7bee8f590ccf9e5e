"""Each error class from a real server answer, and no hang when the server is away or silent."""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime, timezone
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
import requests

from featurestore import (
    Conflict,
    FeatureStore,
    FeatureStoreError,
    InvalidInput,
    NotFound,
    RequestTimeout,
    ServerUnreachable,
    Unauthorized,
    Unavailable,
)


def test_an_unknown_feature_group_is_not_found(fs: FeatureStore) -> None:
    with pytest.raises(NotFound) as raised:
        fs.get_feature_group("no_such_group")

    assert raised.value.status == 404
    assert raised.value.code == "NOT_FOUND"
    assert "no_such_group" in raised.value.detail


def test_a_bad_name_is_invalid_input_naming_the_field(fs: FeatureStore, entity: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        fs.create_feature_group("Not-A-Name", entity, {"clicks": "INT64"})

    assert raised.value.status == 400
    assert raised.value.code == "INVALID_INPUT"
    assert raised.value.field == "name"


def test_times_without_a_zone_are_invalid_input_naming_the_column(fs: FeatureStore, entity: str, unique) -> None:
    group = unique("naive")
    fs.create_feature_group(group, entity, {"clicks": "INT64"})

    with pytest.raises(InvalidInput) as raised:
        fs.write(group, pd.DataFrame({entity: ["k1"], "event_time": [datetime(2026, 1, 1)], "clicks": [1]}))

    assert raised.value.field == "rows[0].event_time"
    assert fs.get_feature_group(group).commits == 0


def test_a_name_taken_twice_is_a_conflict(fs: FeatureStore, entity: str) -> None:
    with pytest.raises(Conflict) as raised:
        fs.create_entity(entity)

    assert raised.value.status == 409
    assert raised.value.code == "CONFLICT"


def test_an_unknown_api_key_is_unauthorized(server_url: str) -> None:
    with pytest.raises(Unauthorized) as raised:
        FeatureStore(server_url, api_key="not-a-key").list_feature_groups()

    assert raised.value.status == 401
    assert raised.value.code == "UNAUTHENTICATED"


def test_no_api_key_is_unauthorized(server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FEATURE_STORE_API_KEY", raising=False)

    with pytest.raises(Unauthorized):
        FeatureStore(server_url).list_feature_groups()


def test_the_api_key_comes_from_the_environment(server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEATURE_STORE_API_KEY", "from-the-environment")

    with pytest.raises(Unauthorized):
        FeatureStore(server_url).list_feature_groups()


def held_upload(server_url: str, api_key: str, release: threading.Event, outcomes: list[str]) -> None:
    """A chunked upload whose body goes on until ``release``: it holds one heavy-request permit.
    A row a second keeps the server from cutting it off as a stalled body. Refused while the
    test's own probes hold the permits, it tries again."""

    def body() -> Iterator[bytes]:
        yield b"customer,event_time\n"
        while not release.wait(1):
            yield b"k1,2026-01-01T00:00:00Z\n"

    while not release.is_set():
        try:
            response = requests.post(
                f"{server_url}/api/v1/uploads",
                data=body(),
                headers={"Content-Type": "text/csv", "Authorization": f"Bearer {api_key}"},
                timeout=180,
            )
        except requests.RequestException as e:
            outcomes.append(repr(e))
            return
        outcomes.append(f"{response.status_code} {response.text[:100]}")
        if response.status_code != 503:
            return


def test_a_server_at_its_limit_is_unavailable(fs: FeatureStore, server_url: str, entity: str, unique) -> None:
    # The server runs two heavy requests (bodies over 1 MB or chunked) at once and refuses a third
    # with 503: hold two, then write more than 1 MB (of a column the group lacks, so that a write
    # admitted before both are held is refused at once and writes nothing).
    group = unique("wide")
    fs.create_feature_group(group, entity, {"clicks": "INT64"})
    big = pa.table(
        {
            entity: [f"k{i}" for i in range(2000)],
            "event_time": pa.array([datetime(2026, 1, 1, tzinfo=timezone.utc)] * 2000, pa.timestamp("us", tz="UTC")),
            "no_such_feature": pa.array(list(np.ones((2000, 256), dtype=np.float32)), pa.list_(pa.float32(), 256)),
        }
    )
    api_key = fs._session.headers["Authorization"].removeprefix("Bearer ")
    release = threading.Event()
    outcomes: list[str] = []
    holders = [threading.Thread(target=held_upload, args=(server_url, api_key, release, outcomes)) for _ in range(2)]
    for holder in holders:
        holder.start()
    try:
        refused = None
        # Until both holders are admitted: a probe admitted first holds a permit while its body is
        # read, so it pauses between tries to let a refused holder in (a shared machine may be slow).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                fs.write(group, big)
            except InvalidInput:
                time.sleep(0.25)
                continue
            except Unavailable as e:
                refused = e
                break
    finally:
        release.set()
        for holder in holders:
            holder.join()

    assert refused is not None, f"the server never refused a third heavy request; the holders got {outcomes}"
    assert refused.status == 503
    assert refused.code == "OVERLOADED"
    assert fs.get_feature_group(group).commits == 0


def test_a_server_that_is_not_there_is_unreachable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]

    with pytest.raises(ServerUnreachable) as raised:
        FeatureStore(f"http://127.0.0.1:{closed_port}", api_key="k").list_feature_groups()

    assert raised.value.code == "CONNECTION_FAILED"
    assert isinstance(raised.value, Unavailable) and isinstance(raised.value, FeatureStoreError)


def test_a_server_that_does_not_answer_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # connections are accepted by the kernel, and never answered
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"

        with pytest.raises(RequestTimeout) as raised:
            FeatureStore(url, api_key="k", timeout=0.5).list_feature_groups()

    assert raised.value.code == "TIMEOUT"
    assert "0.5s" in raised.value.detail


def test_online_lookups_default_to_the_online_port() -> None:
    assert FeatureStore("http://feature-store.internal:8080").online_url == "http://feature-store.internal:6566"
    assert FeatureStore("https://[::1]:8443/").online_url == "https://[::1]:6566"
