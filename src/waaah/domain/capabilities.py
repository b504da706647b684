"""Agent capabilities and the keyword-based inference used by ``assign_task``.

When a delegation names neither a target agent nor required capabilities, the hub
guesses the capabilities from the prompt, spec and task list (docs/mcp.md).

Each capability has a few case-insensitive keyword patterns. A matching pattern adds
``1 + its number of capture groups`` (the original summed the length of the JavaScript
match array), and the capability's score is that sum divided by its pattern count.
Capabilities scoring at least 0.3 are kept and sorted by score, ties in table order;
the result is every kept one scoring at least half the top score, whose score is the
confidence. With nothing kept, the answer is ``general-purpose`` with confidence 0.

The capture groups below are therefore load-bearing: they set each pattern's weight.
Patterns are compiled with ``re.ASCII`` (JavaScript's ``\\b`` and non-Unicode case folding
are ASCII-only) and ``\\s`` is widened to JavaScript's whitespace set.
"""

import re
from dataclasses import dataclass

SPEC_WRITING = "spec-writing"
CODE_WRITING = "code-writing"
TEST_WRITING = "test-writing"
DOC_WRITING = "doc-writing"
CODE_DOCTOR = "code-doctor"
GENERAL_PURPOSE = "general-purpose"

STANDARD_CAPABILITIES: tuple[str, ...] = (
    SPEC_WRITING,
    CODE_WRITING,
    TEST_WRITING,
    DOC_WRITING,
    CODE_DOCTOR,
    GENERAL_PURPOSE,
)

KEEP_THRESHOLD = 0.3
SHARE_OF_TOP = 0.5

# JavaScript's \s: its whitespace plus its line terminators.
_JS_SPACE = "[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"


def _patterns(*sources: str) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(source.replace(r"\s", _JS_SPACE), re.ASCII | re.IGNORECASE) for source in sources
    )


# Table order matters: it breaks ties between equal scores.
_CAPABILITY_PATTERNS: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...] = (
    (
        CODE_WRITING,
        _patterns(
            r"\b(implement|code|build|create|develop|fix|bug|feature|function|class|method|refactor)\b",
            r"\b(typescript|javascript|python|component|api|endpoint|logic)\b",
            r"\b(add|modify|update|change|edit)\s+(the\s+)?(code|implementation|file|module)\b",
        ),
    ),
    (
        TEST_WRITING,
        _patterns(
            r"\b(test|tests|testing|unit\s*test|e2e|integration\s*test|coverage)\b",
            r"\bwrite\s+(unit\s+)?tests?\b",
            r"\b(vitest|jest|mocha|playwright|spec\.ts|test\.ts)\b",
        ),
    ),
    (
        SPEC_WRITING,
        _patterns(
            r"\b(spec|specification|design|architect|plan|blueprint|proposal)\b",
            r"\b(requirements?|rfc|technical design|system design)\b",
        ),
    ),
    (
        DOC_WRITING,
        _patterns(
            r"\b(document|documentation|readme|docs|write-up|explain)\b",
            r"\b(jsdoc|typedoc|markdown|comment|annotate)\b",
        ),
    ),
    (
        CODE_DOCTOR,
        _patterns(
            r"\b(review|audit|analyze|inspect|check|lint|static analysis)\b",
            r"\b(code quality|complexity|security scan|vulnerability)\b",
        ),
    ),
)


@dataclass(frozen=True)
class Inference:
    """Inferred capabilities; ``fallback`` is true when nothing matched."""

    capabilities: tuple[str, ...]
    confidence: float
    fallback: bool


_FALLBACK = Inference(capabilities=(GENERAL_PURPOSE,), confidence=0.0, fallback=True)


def _score(patterns: tuple[re.Pattern[str], ...], text: str) -> float:
    """Sum of ``1 + capture groups`` over matching patterns, divided by the pattern count."""
    weight = sum(1 + pattern.groups for pattern in patterns if pattern.search(text))
    return weight / len(patterns)


def infer_capabilities(*texts: str | None) -> Inference:
    """Infer capabilities from the non-empty ``texts`` (prompt, spec, tasks) joined by spaces."""
    text = " ".join(part for part in texts if part)
    if not text.strip():
        return _FALLBACK
    scores = [(capability, _score(patterns, text)) for capability, patterns in _CAPABILITY_PATTERNS]
    kept = sorted(
        (entry for entry in scores if entry[1] >= KEEP_THRESHOLD),
        key=lambda entry: entry[1],
        reverse=True,  # stable: equal scores keep table order
    )
    if not kept:
        return _FALLBACK
    top = kept[0][1]
    chosen = tuple(capability for capability, score in kept if score >= top * SHARE_OF_TOP)
    return Inference(capabilities=chosen, confidence=top, fallback=False)
