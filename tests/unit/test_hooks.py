"""Webhooks' pure parts: which events a hook wants, the signature, the backoff, the public view."""

from __future__ import annotations

import pytest

from waaah.domain.records import Event
from waaah.errors import BadRequest
from waaah.hooks.model import Hook, backoff, check_patterns, check_secret, check_url, hook_json, wants
from waaah.hooks.signing import signature, verify
from waaah.hooks.worker import next_wake


def updated(status: str, **fields: object) -> Event:
    return Event(7, "task:updated", "task-1-abc", {"id": "task-1-abc", "status": status, **fields}, 0)


@pytest.mark.parametrize(("event", "wanted"), [
    (updated("BLOCKED", blockedReason="question"), True),
    (updated("BLOCKED", blockedReason="dependencies"), False),
    (updated("IN_REVIEW"), True),
    (updated("FAILED"), True),
    (updated("QUEUED"), False),
    (Event(1, "task:created", "t", {"status": "FAILED"}, 0), False),
    (Event(1, "agent:status", "a", {"status": "FAILED"}, 0), False),
])
def test_needs_you_is_a_question_a_review_or_a_failure(event: Event, wanted: bool) -> None:
    assert wants(["needs-you"], event) is wanted


def test_glob_patterns_match_scoped_names() -> None:
    assert wants(["task:*:updated"], updated("QUEUED"))
    assert not wants(["task:*:created"], updated("QUEUED"))
    assert wants(["needs-you", "agent:*:*"], Event(1, "agent:status", "a1", {}, 0))
    assert not wants(["task:*:*"], Event(1, "hook:status", "hook-1", {}, 0))


@pytest.mark.parametrize("bad", [[], "", ["nope"], ["task:*:exploded"], [3]])
def test_bad_patterns_are_refused_naming_the_field(bad: object) -> None:
    with pytest.raises(BadRequest) as caught:
        check_patterns(bad)
    assert caught.value.details["field"] == "events"


def test_urls_and_secrets_are_checked() -> None:
    assert check_url("https://example.test/hook") == "https://example.test/hook"
    for url in ("ftp://x/y", "http://", "not a url"):
        with pytest.raises(BadRequest):
            check_url(url)
    with pytest.raises(BadRequest):
        check_secret("short")
    assert check_secret(None).startswith("whsec_")


def test_a_signature_verifies_only_with_its_secret_body_and_a_fresh_timestamp() -> None:
    header = signature("k" * 20, 1_700_000_000, b'{"seq":1}')
    assert verify("k" * 20, header, b'{"seq":1}', 1_700_000_010)
    assert not verify("x" * 20, header, b'{"seq":1}', 1_700_000_010)
    assert not verify("k" * 20, header, b'{"seq":2}', 1_700_000_010)
    assert not verify("k" * 20, header, b'{"seq":1}', 1_700_001_000)
    assert not verify("k" * 20, "v1=deadbeef", b'{"seq":1}', 1_700_000_010)


def test_backoff_doubles_up_to_its_ceiling() -> None:
    assert [backoff(n, 1, 10) for n in (1, 2, 3, 4, 5, 99)] == [1, 2, 4, 8, 10, 10]


def test_the_view_hides_the_secret_and_counts_the_backlog() -> None:
    hook = Hook("hook-1", "http://h/x", "whsec_abcdef123456", ("needs-you",), 5, cursor=10)
    view = hook_json(hook, 25)
    assert "secret" not in view and view["secretHint"] == "…3456" and view["backlog"] == 15


def test_the_worker_wakes_when_a_retry_or_a_lease_falls_due() -> None:
    hooks = [Hook("a", "u", "s", ("*",), 0, cursor=1, next_attempt_at=1_500),
             Hook("b", "u", "s", ("*",), 0, cursor=1, leased_until=1_200),
             Hook("c", "u", "s", ("*",), 0, cursor=9, next_attempt_at=1_100)]  # no backlog
    assert next_wake(hooks, 9, 1_000, 5.0) == pytest.approx(0.2)
    assert next_wake(hooks[:1], 9, 1_000, 0.1) == pytest.approx(0.1)
