"""One server for the whole session: its URL and admin key come from the environment
(``FEATURE_STORE_URL``, ``FEATURE_STORE_API_KEY``), as PythonClientIT sets them."""

from __future__ import annotations

import itertools
import os
import uuid
from typing import Callable, Iterator

import pytest

from featurestore import FeatureStore

_names = itertools.count()


@pytest.fixture(scope="session")
def server_url() -> str:
    url = os.environ.get("FEATURE_STORE_URL")
    if not url:
        pytest.fail("FEATURE_STORE_URL is not set: run these tests through PythonClientIT")
    return url


@pytest.fixture(scope="session")
def fs(server_url: str) -> FeatureStore:
    """A client with the admin key; online lookups go to the main port (the listener is off)."""
    return FeatureStore(server_url, online_url=server_url, timeout=120)


@pytest.fixture(scope="session")
def run_id() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture
def unique(run_id: str) -> Callable[[str], str]:
    """Names no other test (or earlier run on the same server) uses."""

    def name(prefix: str) -> str:
        return f"{prefix}_{run_id}_{next(_names)}"

    return name


@pytest.fixture
def entity(fs: FeatureStore, unique: Callable[[str], str]) -> Iterator[str]:
    """A fresh STRING entity."""
    name = unique("customer")
    fs.create_entity(name, key_type="STRING")
    yield name
