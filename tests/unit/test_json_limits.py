"""The one check every surface runs on parsed JSON, and the safe decoding of stored JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest

from waaah.domain.json_limits import CUT, MAX_DEPTH, check_input, decode, readable
from waaah.errors import BadRequest


def nested(depth: int) -> dict[str, Any]:
    """An object `depth` levels deep (the outermost counts as 1)."""
    value: dict[str, Any] = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def test_nesting_up_to_the_limit_is_accepted_and_one_deeper_is_refused_naming_the_path() -> None:
    check_input({"context": nested(MAX_DEPTH - 1)})
    with pytest.raises(BadRequest) as refused:
        check_input({"context": nested(MAX_DEPTH)})
    assert refused.value.details["field"] == "context.a.a.a.a.a…"
    assert f"nested deeper than {MAX_DEPTH} levels" in refused.value.message


@pytest.mark.parametrize(("value", "field", "words"), [
    ({"prompt": "\ud800"}, "prompt", "lone surrogate"),
    ({"ctx": {"\udfff": 1}}, "ctx.\udfff", "key"),
    ({"images": [{"name": "a\x00b"}]}, "images[0].name", "NUL"),
    ({"x": float("nan")}, "x", "finite"),
])
def test_strings_that_cannot_be_stored_are_refused_naming_the_field(value: Any, field: str, words: str) -> None:
    with pytest.raises(BadRequest) as refused:
        check_input(value)
    assert refused.value.details["field"] == field and words in refused.value.message


def test_a_million_levels_are_checked_without_recursion() -> None:
    deep: list[Any] = []
    for _ in range(1_000_000):
        deep = [deep]
    with pytest.raises(BadRequest):
        check_input(deep, "body")


def test_stored_json_reads_back_cut_at_the_limit_with_surrogates_replaced() -> None:
    value = readable({"s": "\ud800x", "deep": nested(MAX_DEPTH + 5)})
    assert value["s"] == "\ufffdx"
    json.dumps(value, ensure_ascii=False).encode()  # encodable as UTF-8 now
    depth, node = 2, value["deep"]  # the outer object is level 1
    while isinstance(node, dict):
        node, depth = node["a"], depth + 1
    assert node == CUT and depth == MAX_DEPTH + 1


def test_decoding_never_raises_and_leaves_ordinary_json_alone() -> None:
    assert decode("[" * 100_000 + "]" * 100_000) is None
    assert decode(b'{"a": "\\ud800"}') == {"a": "\ufffd"}
    assert decode('{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}
