"""Catalog listings as a client sees them: every item, whatever the server's page size."""

from __future__ import annotations

from typing import Callable

from featurestore import FeatureStore

SERVER_PAGE_SIZE = 100  # the server's default `limit` (docs/pagination.md)


def test_list_feature_groups_follows_every_page(
    fs: FeatureStore, entity: str, unique: Callable[[str], str]
) -> None:
    created = {unique("paged") for _ in range(SERVER_PAGE_SIZE + 5)}
    for name in created:
        fs.create_feature_group(name, entity, {"clicks": "INT64"})

    listed = [g.name for g in fs.list_feature_groups()]

    assert created <= set(listed)
    assert len(listed) == len(set(listed)), "no group is listed twice across pages"
