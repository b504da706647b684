"""Unit tests for capability inference (contract §7.8, §5.2, pinned examples in §10)."""

import pytest

from waaah.domain.capabilities import STANDARD_CAPABILITIES, Inference, infer_capabilities

FALLBACK = Inference(capabilities=("general-purpose",), confidence=0.0, fallback=True)

# The original test prompts, with the full result this scoring gives for each.
PINNED_EXAMPLES = [
    pytest.param(
        "Implement the login feature with user authentication",
        Inference(("code-writing",), 2 / 3, False),
        id="implementation-prompt-means-code-writing",
    ),
    pytest.param(
        "Write unit tests for the UserService class",
        Inference(("test-writing", "code-writing"), 4 / 3, False),
        id="test-prompt-means-test-writing",
    ),
    pytest.param(
        "Design a specification for the new API endpoints",
        Inference(("spec-writing", "code-writing"), 1.0, False),
        id="design-prompt-means-spec-writing",
    ),
    pytest.param(
        "Document the authentication flow in the README",
        Inference(("doc-writing",), 1.0, False),
        id="documentation-prompt-means-doc-writing",
    ),
    pytest.param(
        "Review the code changes and check for security issues",
        Inference(("code-doctor", "code-writing"), 1.0, False),
        id="review-prompt-means-code-doctor",
    ),
    pytest.param(
        "Implement the feature and then write tests. Also update the documentation.",
        Inference(("test-writing", "doc-writing", "code-writing"), 4 / 3, False),
        id="complex-prompt-means-several",
    ),
    pytest.param("Do something with the thing", FALLBACK, id="ambiguous-prompt-falls-back"),
]


def test_standard_capabilities_are_the_six_enum_values_in_order() -> None:
    assert STANDARD_CAPABILITIES == (
        "spec-writing",
        "code-writing",
        "test-writing",
        "doc-writing",
        "code-doctor",
        "general-purpose",
    )


@pytest.mark.parametrize(("prompt", "expected"), PINNED_EXAMPLES)
def test_pinned_prompts_infer_the_expected_capabilities(prompt: str, expected: Inference) -> None:
    assert infer_capabilities(prompt) == expected


def test_spec_and_tasks_are_read_along_with_the_prompt() -> None:
    result = infer_capabilities(
        "Complete the task", "This spec describes testing requirements", "- Write tests"
    )
    assert result == Inference(("spec-writing", "test-writing"), 2.0, False)


@pytest.mark.parametrize(
    "texts",
    [(), ("",), (None,), ("", None, ""), ("   ",), (" \n\t", None, " ")],
    ids=["nothing", "empty", "none", "empty-and-none", "spaces", "whitespace-parts"],
)
def test_blank_text_falls_back_to_general_purpose(texts: tuple[str | None, ...]) -> None:
    assert infer_capabilities(*texts) == FALLBACK


def test_empty_parts_are_skipped_when_joining() -> None:
    assert infer_capabilities(None, "write", "", "tests").capabilities == ("test-writing",)


def test_parts_are_joined_with_a_space_so_words_do_not_fuse() -> None:
    assert infer_capabilities("unit", "test").capabilities == ("test-writing",)
    assert infer_capabilities("re", "view").fallback is True


@pytest.mark.parametrize(
    ("prompt", "capability", "score"),
    [
        ("fix it", "code-writing", 2 / 3),  # pattern 1: one group
        ("a python script", "code-writing", 2 / 3),  # pattern 2: one group
        ("edit the file", "code-writing", 4 / 3),  # pattern 3: three groups
        ("fix the python api and edit the module", "code-writing", 8 / 3),
        ("raise coverage", "test-writing", 2 / 3),
        ("use vitest", "test-writing", 2 / 3),
        ("write unit tests", "test-writing", 4 / 3),
        ("a blueprint", "spec-writing", 1.0),
        ("an RFC", "spec-writing", 1.0),
        ("a system design proposal", "spec-writing", 2.0),
        ("explain", "doc-writing", 1.0),
        ("add a JSDoc comment", "doc-writing", 1.0),
        ("lint", "code-doctor", 1.0),
        ("audit the complexity", "code-doctor", 2.0),
    ],
)
def test_each_matching_pattern_weighs_one_plus_its_groups(
    prompt: str, capability: str, score: float
) -> None:
    assert infer_capabilities(prompt) == Inference((capability,), score, False)


def test_a_pattern_counts_once_however_often_it_matches() -> None:
    assert infer_capabilities("fix the bug, fix the bug").confidence == 2 / 3


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("Review the README", ("doc-writing", "code-doctor")),
        ("test the function", ("code-writing", "test-writing")),
        ("Explain the design", ("spec-writing", "doc-writing")),
        # equal scores of 2.0: the inference table puts code-writing before spec-writing
        ("Update the code per the plan and requirements", ("code-writing", "spec-writing")),
    ],
)
def test_equal_scores_keep_the_inference_table_order(
    prompt: str, expected: tuple[str, ...]
) -> None:
    assert infer_capabilities(prompt).capabilities == expected


def test_capabilities_under_half_the_top_score_are_dropped() -> None:
    # code-writing 8/3, test-writing 2/3 (< 4/3)
    result = infer_capabilities("Implement the python api and update the code; add tests")
    assert result == Inference(("code-writing",), 8 / 3, False)


def test_a_capability_at_exactly_half_the_top_score_is_kept() -> None:
    # code-writing 4/3, test-writing 2/3 (== half)
    result = infer_capabilities("Edit the file and add tests")
    assert result == Inference(("code-writing", "test-writing"), 4 / 3, False)


@pytest.mark.parametrize(
    "prompt",
    [
        "the endpoints of the refactoring",  # keywords must be whole words
        "change the codes",
        "rewrite history",
    ],
)
def test_partial_words_do_not_match(prompt: str) -> None:
    assert infer_capabilities(prompt) == FALLBACK


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("UNITTEST", ("test-writing",)),  # unit\s*test allows no space
        ("update\u00a0the\u2003file", ("code-writing",)),  # JavaScript whitespace
        ("edit\x1cthe file", ("general-purpose",)),  # \x1c is Python whitespace only
        ("\u00e9implement", ("code-writing",)),  # JavaScript's \b is ASCII: é is not a word char
    ],
)
def test_matching_follows_javascript_regex_rules(prompt: str, expected: tuple[str, ...]) -> None:
    assert infer_capabilities(prompt).capabilities == expected
