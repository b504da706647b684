"""The prompt filter: flags risky instructions in a task prompt before it is queued (docs/prompt-filter.md).

It is applied to the prompt of ``POST /admin/enqueue`` and of the ``assign_task`` tool.
Each of the 23 patterns below that matches adds its flag, in table order, so a flag
appears once per matching pattern. A prompt is refused when any flag is critical and
``WAAAH_PROMPT_FILTER`` is ``block`` (the default); the other flags are only worth a log line.

The patterns are the TypeScript WAAAH's JavaScript regexes. To match exactly what they
match, case-insensitively as JavaScript does without its ``u`` flag (only ASCII letters fold),
the text's ASCII capitals are lowered once and the patterns, written in lower case, are
compiled with ``re.ASCII`` (JavaScript's ``\\b`` is ASCII-only too); a match is quoted from
the original text, the folding keeping every offset. That is what ``re.ASCII | re.IGNORECASE``
would match, at about a fifth of the cost (23 case-insensitive searches of a 900-character
prompt took ~120 µs). JavaScript's ``.`` is written as a class that, like JavaScript's dot,
excludes the four line terminators.
"""

import re
import string
from dataclasses import dataclass, field

from waaah.errors import PromptBlocked

ROLE_HIJACK = "ROLE_HIJACK"
PROMPT_LEAK = "PROMPT_LEAK"
EXFIL = "EXFIL"
DESTRUCTIVE = "DESTRUCTIVE"
PRIVILEGE_ESCALATION = "PRIVILEGE_ESCALATION"
INSECURE_PERMS = "INSECURE_PERMS"
SYSTEM_FILE_ACCESS = "SYSTEM_FILE_ACCESS"
SENSITIVE_DIR = "SENSITIVE_DIR"
ENV_ACCESS = "ENV_ACCESS"
CRYPTO_MINING = "CRYPTO_MINING"
REVERSE_SHELL = "REVERSE_SHELL"
OBFUSCATED_EXEC = "OBFUSCATED_EXEC"

CRITICAL_FLAGS: frozenset[str] = frozenset(
    {REVERSE_SHELL, EXFIL, DESTRUCTIVE, PRIVILEGE_ESCALATION, CRYPTO_MINING, OBFUSCATED_EXEC}
)

# JavaScript's "." : any character except \n, \r, U+2028 and U+2029.
_JS_DOT = "[^\n\r\u2028\u2029]"
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


def _rule(flag: str, source: str) -> tuple[re.Pattern[str], str]:
    """Compile one pattern; ``<any>`` in ``source`` stands for JavaScript's dot. It must be written in
    lower case: it is matched against the text with its ASCII capitals lowered."""
    if source != source.lower():
        raise ValueError(f"prompt filter pattern {source!r}: write it in lower case")
    return re.compile(source.replace("<any>", _JS_DOT), re.ASCII), flag


_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    # Role manipulation
    _rule(ROLE_HIJACK, r"ignore (?:all )?(?:previous|prior|above) instructions"),
    _rule(ROLE_HIJACK, r"you are now"),
    _rule(ROLE_HIJACK, r"pretend (?:to be|you are)"),
    _rule(ROLE_HIJACK, r"act as if"),
    _rule(ROLE_HIJACK, r"disregard (?:your|all) (?:rules|guidelines)"),
    # Prompt leaking
    _rule(PROMPT_LEAK, r"reveal your (?:system )?prompt"),
    _rule(PROMPT_LEAK, r"what are your instructions"),
    _rule(PROMPT_LEAK, r"show me your (?:initial|original) prompt"),
    # Data exfiltration
    _rule(EXFIL, r"send (?:this |the )?(?:data|file|content) to"),
    _rule(EXFIL, r"upload <any>* to (?:http|ftp|ssh)"),
    _rule(EXFIL, r"curl <any>* \| bash"),
    _rule(EXFIL, r"wget <any>* && (?:sh|bash|chmod)"),
    # Dangerous commands
    _rule(DESTRUCTIVE, r"rm -rf"),
    _rule(PRIVILEGE_ESCALATION, r"sudo "),
    _rule(INSECURE_PERMS, r"chmod 777"),
    _rule(DESTRUCTIVE, r"\bdd\b<any>*if=/dev"),
    _rule(DESTRUCTIVE, r"mkfs\."),
    # File access outside the workspace
    _rule(SYSTEM_FILE_ACCESS, r"/etc/(?:passwd|shadow|hosts)"),
    _rule(SENSITIVE_DIR, r"~/\.(?:ssh|aws|config|gnupg)"),
    _rule(ENV_ACCESS, r"\.env(?!\.example)"),
    # Crypto mining, reverse shells, obfuscated execution
    _rule(CRYPTO_MINING, r"xmrig|cryptominer|monero"),
    _rule(REVERSE_SHELL, r"nc -e|bash -i|/dev/tcp"),
    _rule(OBFUSCATED_EXEC, r"base64 -d<any>*\| bash"),
)


FILTER_MODES = ("block", "warn", "off")
"""``WAAAH_PROMPT_FILTER``: refuse critical prompts, accept them with a log line, or scan nothing."""
QUOTE_LIMIT = 60
"""Longest quote of a prompt in a refusal."""


@dataclass(frozen=True)
class Hit:
    """One pattern that matched: its flag and the text it matched (quoted in a refusal)."""

    flag: str
    text: str


@dataclass(frozen=True)
class ScanResult:
    """Outcome of a scan: ``allowed`` is false when any flag is critical."""

    allowed: bool
    flags: tuple[str, ...]
    hits: tuple[Hit, ...] = field(default=(), compare=False)
    """What each flag's pattern matched, in the same order (not compared)."""

    def critical(self) -> tuple[Hit, ...]:
        return tuple(hit for hit in self.hits if hit.flag in CRITICAL_FLAGS)


def scan_prompt(text: str) -> ScanResult:
    """Scan ``text`` and return its flags in pattern order, duplicates included."""
    folded = fold_ascii(text)
    hits = tuple(Hit(flag, text[found.start():found.end()][:QUOTE_LIMIT]) for pattern, flag in _RULES
                 if (found := pattern.search(folded)) is not None)
    flags = tuple(hit.flag for hit in hits)
    return ScanResult(allowed=CRITICAL_FLAGS.isdisjoint(flags), flags=flags, hits=hits)


def fold_ascii(text: str) -> str:
    """``text`` with A-Z lowered and every other character kept (``str.lower`` would fold more)."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def refusal(result: ScanResult) -> PromptBlocked:
    """The error for a refused prompt: the reference's words, then each critical rule and what it matched."""
    critical = result.critical()
    reasons = "; ".join(f"{hit.flag} (matched {hit.text!r})" for hit in critical)
    return PromptBlocked(f"Prompt blocked by security policy: {reasons}. An operator can allow such prompts with "
                         "WAAAH_PROMPT_FILTER=warn (docs/prompt-filter.md)", flags=list(result.flags),
                         matched=[{"flag": hit.flag, "text": hit.text} for hit in critical])


def check_prompt(text: str, mode: str) -> ScanResult:
    """Scan ``text`` under filter ``mode``; raises the refusal when ``block`` finds a critical flag."""
    if mode == "off":
        return ScanResult(allowed=True, flags=())
    result = scan_prompt(text)
    if mode == "block" and not result.allowed:
        raise refusal(result)
    return result
