"""Prompt scanner: flags risky instructions in a task prompt before it is queued.

It is applied to the prompt of ``POST /admin/enqueue`` and of the ``assign_task`` tool
(contract §2.4). Each of the 23 patterns below that matches adds its flag, in table
order, so a flag appears once per matching pattern. A prompt is blocked when any flag
is critical; the other flags are only worth a log line.

The patterns are JavaScript regexes in the original. To match exactly what they match,
they are compiled with ``re.ASCII | re.IGNORECASE`` (JavaScript's ``\\b`` and its
non-Unicode case folding are ASCII-only), and the original's ``.`` is written as a class
that, like JavaScript's dot, excludes the four line terminators.
"""

import re
from dataclasses import dataclass

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
_REGEX_FLAGS = re.ASCII | re.IGNORECASE


def _rule(flag: str, source: str) -> tuple[re.Pattern[str], str]:
    """Compile one pattern; ``<any>`` in ``source`` stands for JavaScript's dot."""
    return re.compile(source.replace("<any>", _JS_DOT), _REGEX_FLAGS), flag


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


@dataclass(frozen=True)
class ScanResult:
    """Outcome of a scan: ``allowed`` is false when any flag is critical."""

    allowed: bool
    flags: tuple[str, ...]


def scan_prompt(text: str) -> ScanResult:
    """Scan ``text`` and return its flags in pattern order, duplicates included."""
    flags = tuple(flag for pattern, flag in _RULES if pattern.search(text))
    return ScanResult(allowed=CRITICAL_FLAGS.isdisjoint(flags), flags=flags)
