"""Subscription patterns: what is accepted, what is refused and why, and what matches."""

from __future__ import annotations

import pytest

from waaah.errors import BadRequest
from waaah.realtime.subscriptions import MAX_PATTERNS, matcher, parse_patterns, pattern_problem

GOOD = ["task:*:*", "agent:*:*", "agent:*:status", "task:task-123-abc:*", "task:*:updated", "*",
        "*:*:status", "task:*", "task:task-1?3-*:deleted", "agent:claude:1:status"]
BAD = {
    "": "1 to", "tasks:*": "start with task:, agent: or hook:", "task": "start with task:, agent: or hook:",
    "foo:*:*": "start with task:, agent: or hook:", "task:*:bogus": "end with :created or :updated or :deleted",
    "agent:*:updated": "end with :status", "task:updated": "name the id too", "task:* :*": "spaces",
    "task:*:\x00": "control", "x" * 201: "1 to",
}


@pytest.mark.parametrize("pattern", GOOD)
def test_a_good_pattern_has_no_problem(pattern: str) -> None:
    assert pattern_problem(pattern) is None


@pytest.mark.parametrize(("pattern", "problem"), BAD.items())
def test_a_bad_pattern_is_refused_with_the_reason(pattern: str, problem: str) -> None:
    with pytest.raises(BadRequest) as refused:
        parse_patterns([pattern], "subscribe")
    assert problem in refused.value.message
    assert refused.value.details == {"field": "subscribe", "pattern": pattern}


@pytest.mark.parametrize("raw", [42, None, {"task:*:*": True}, ["task:*:*", 3]])
def test_patterns_must_be_a_list_of_strings(raw: object) -> None:
    with pytest.raises(BadRequest, match="must be a list of pattern strings"):
        parse_patterns(raw, "patterns")


def test_a_single_string_is_a_list_of_one_and_duplicates_go() -> None:
    assert parse_patterns("task:*:*", "p") == ("task:*:*",)
    assert parse_patterns(["agent:*:*", "task:*:*", "agent:*:*"], "p") == ("agent:*:*", "task:*:*")


def test_there_is_a_limit_on_how_many_patterns() -> None:
    with pytest.raises(BadRequest, match="more than"):
        parse_patterns([f"task:t{i}:*" for i in range(MAX_PATTERNS + 1)], "p")


@pytest.mark.parametrize(("patterns", "name", "matched"), [
    (["task:*:*"], "task:task-1-a:updated", True),
    (["task:*:*"], "agent:a1:status", False),
    (["task:task-1-a:*"], "task:task-1-a:created", True),
    (["task:task-1-a:*"], "task:task-1-ab:created", False),
    (["task:*:deleted"], "task:task-1-a:updated", False),
    (["agent:*:status"], "agent:claude:7:status", True),  # `*` spans a colon inside an id
    (["task:*"], "task:task-1-a:deleted", True),
    (["task:task-?-a:*"], "task:task-1-a:updated", True),
    (["task:task.1:*"], "task:taskx1:updated", False),  # only * and ? are special
    (["task:*:created", "agent:*:*"], "agent:a:status", True),
    ([], "task:t:created", False),
])
def test_matching(patterns: list[str], name: str, matched: bool) -> None:
    assert matcher(patterns)(name) is matched


def test_a_pattern_set_is_compiled_once() -> None:
    assert matcher(["task:*:*", "agent:*:*"]) is matcher(["agent:*:*", "task:*:*"])
