"""The pure transcript rules: texts cut with a note, numbering from where a task left off, what is kept."""

from __future__ import annotations

from waaah.domain.tasks import is_failure_reason
from waaah.domain.transcripts import TEXT_LIMIT, cut, first_kept, numbered


def test_a_text_over_the_limit_is_cut_with_a_note_of_what_was_left_out() -> None:
    assert cut("short") == ("short", False)
    assert cut("x" * TEXT_LIMIT) == ("x" * TEXT_LIMIT, False)
    text, was_cut = cut("x" * (TEXT_LIMIT + 3))
    assert was_cut and text == "x" * TEXT_LIMIT + "\n[… 3 more characters cut]"


def test_entries_are_numbered_after_the_last_one() -> None:
    entries, was_cut = numbered("t1", 7, [("message", "a", 1), ("error", "b" * (TEXT_LIMIT + 1), 2)], "ada")
    assert [(e.n, e.kind, e.at, e.agent_id) for e in entries] == [(8, "message", 1, "ada"), (9, "error", 2, "ada")]
    assert was_cut


def test_the_newest_entries_up_to_the_limit_are_kept() -> None:
    assert [first_kept(total, 5) for total in (1, 5, 6, 12)] == [1, 1, 2, 8]


def test_a_failure_reason_is_a_short_lowercase_token() -> None:
    assert all(map(is_failure_reason, ["agent_exit", "stalled", "cli_missing", "e2", "a" * 40]))
    assert not any(map(is_failure_reason, ["", "Agent_exit", "2fast", "merge-conflict", "a b", "a" * 41,
                                           "timeout\n"]))
