"""Where the PostgreSQL tests run: the given URL, the default, or a throwaway cluster (tests/pg_cluster.py)."""

from __future__ import annotations

import glob

import pytest

from tests import pg_cluster
from tests.pg_cluster import Unavailable, answers, find_server

NOWHERE = "postgresql://postgres@127.0.0.1:1/test"
"""Port 1: nothing listens there."""


def test_a_given_url_where_nothing_answers_is_a_skip_reason_naming_it_and_the_docs() -> None:
    with pytest.raises(Unavailable) as unavailable, find_server(NOWHERE):
        pass
    assert str(unavailable.value).startswith(f"no server at {NOWHERE} (")
    assert str(unavailable.value).endswith(", see docs/deployment.md")


@pytest.mark.skipif(not glob.glob("/usr/lib/postgresql/*/bin/initdb"), reason="no PostgreSQL binaries installed")
def test_without_a_server_at_the_default_a_throwaway_cluster_serves_and_is_removed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_cluster, "DEFAULT_URL", NOWHERE)
    with find_server(None) as url:
        assert url != NOWHERE
        assert answers(url) is None
    assert answers(url) is not None


def test_without_binaries_the_reason_names_the_default_and_why_no_cluster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pg_cluster, "DEFAULT_URL", NOWHERE)
    monkeypatch.setattr(glob, "glob", lambda pattern: [])
    with pytest.raises(Unavailable) as unavailable, find_server(None):
        pass
    assert f"no server at {NOWHERE}" in str(unavailable.value)
    assert "no throwaway cluster (no PostgreSQL binaries" in str(unavailable.value)
