"""Ctrl-C while a large spine is built cancels the job on the server."""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from featurestore import FeatureStore

SPINE_ROWS = 300_000  # enough that the job is still waiting or running when Ctrl-C arrives


def interrupt_when_running(fs: FeatureStore, name: str, stop: threading.Event) -> None:
    """Sends SIGINT to this process, as Ctrl-C would, once the training set's job has started."""
    while not stop.is_set():
        statuses = {t["status"] for t in fs._json("GET", "/api/v1/training-sets") if t["name"] == name}
        if statuses & {"PENDING", "RUNNING"}:
            os.kill(os.getpid(), signal.SIGINT)
            return
        time.sleep(0.02)


def test_ctrl_c_cancels_the_job(fs: FeatureStore, entity: str, unique) -> None:
    group, name = unique("clicks"), unique("cancel_me")
    fs.create_feature_group(group, entity, {"clicks": "INT64"})
    fs.write(group, pd.DataFrame({entity: ["k1"], "event_time": [datetime(2026, 1, 1, tzinfo=timezone.utc)], "clicks": [1]}))
    spine = pd.DataFrame(
        {
            entity: [f"k{i % 1000}" for i in range(SPINE_ROWS)],
            "event_time": pd.Timestamp("2026-02-01", tz="UTC") + pd.to_timedelta(range(SPINE_ROWS), unit="s"),
        }
    )
    stop = threading.Event()
    watcher = threading.Thread(target=interrupt_when_running, args=(fs, name, stop), daemon=True)
    watcher.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            fs.get_historical_features(spine, [f"{group}:clicks"], name=name, progress=False)
    finally:
        stop.set()
        watcher.join()

    (training_set,) = [t for t in fs._json("GET", "/api/v1/training-sets") if t["name"] == name]
    deadline = time.monotonic() + 60
    while training_set["status"] in ("PENDING", "RUNNING") and time.monotonic() < deadline:
        time.sleep(0.1)
        training_set = fs._json("GET", f"/api/v1/training-sets/{training_set['id']}")
    assert training_set["status"] == "FAILED"
    assert "cancel" in (training_set["error"] or "").lower()
