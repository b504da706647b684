"""Settings: one frozen object read from the environment once, with every default in this file."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from waaah.errors import ConfigError


@dataclass(frozen=True)
class Setting:
    """One environment variable the server reads, with its default and what it does."""

    env: str
    default: str
    doc: str


SETTINGS: tuple[Setting, ...] = (
    Setting("WAAAH_API_KEY", "(read or created in ~/.waaah/credentials.json)",
            "Shared secret for REST, MCP and Socket.IO clients."),
    Setting("WAAAH_PORT", "3000", "Listen port (checked before PORT)."),
    Setting("PORT", "3000", "Listen port when WAAAH_PORT is unset."),
    Setting("WAAAH_HOST", "127.0.0.1", "Listen address."),
    Setting("WAAAH_DATABASE_URL", "sqlite:///./data/waaah.db",
            "Store URL: sqlite:///path or postgresql://user@host/db."),
    Setting("DB_PATH", "./data/waaah.db", "SQLite file (reference name); used when WAAAH_DATABASE_URL is unset."),
    Setting("WAAAH_PROMPT_TIMEOUT", "50", "Default wait_for_prompt long-poll timeout in seconds, when neither "
            "the call nor the agent's registration names one (below Codex's 60 s tool timeout)."),
    Setting("WAAAH_PROMPT_TIMEOUT_MAX", "110", "Longest wait_for_prompt an agent may ask for, in seconds "
            "(below Claude Code's 120 s before it moves a tool call to the background)."),
    Setting("WAAAH_CORS_ORIGINS", "", "Comma-separated origins allowed cross-origin; empty means same origin only."),
    Setting("WAAAH_MAX_BODY_BYTES", "2097152", "Largest accepted request body in bytes (413 above)."),
    Setting("WAAAH_ACK_TIMEOUT", "30", "Seconds a reserved task waits for ack_task before it is requeued."),
    Setting("WAAAH_AGENT_OFFLINE_AFTER", "300", "Seconds of silence before an agent is OFFLINE (its tasks requeued)."),
    Setting("WAAAH_SCHEDULER_TICK", "5", "Seconds between scheduler passes when nothing wakes it earlier."),
    Setting("WAAAH_EVENT_RETENTION", "86400", "Seconds of event log kept for resume (request:sync since=...)."),
    Setting("WAAAH_REQUIRE_REVIEW", "auto",
            "Which tasks need review before COMPLETED: auto (code-writing/test-writing), always, never."),
    Setting("WAAAH_PROMPT_FILTER", "block",
            "What the prompt filter does with a new task's prompt that matches a critical rule: block (refuse it, "
            "403 naming the rule), warn (accept it, with a log line), off (scan nothing). See docs/prompt-filter.md."),
    Setting("WAAAH_SYNC_FINISHED_LIMIT", "100", "Finished tasks included in sync:full (older ones page in over REST)."),
    Setting("WAAAH_WS_DEFLATE", "off",
            "Offer permessage-deflate on websockets (on: smaller frames, ~17 KiB more server memory per socket "
            "and a compression per socket per event)."),
    Setting("WAAAH_ALLOWED_HOSTS", "",
            "Comma-separated host names the server answers to (any port; checked on every request, the "
            "Socket.IO handshake and /mcp); empty means localhost, 127.0.0.1, [::1] and WAAAH_HOST. `*` allows "
            "any Host: only behind a reverse proxy that checks it."),
    Setting("WAAAH_TRANSCRIPT_LIMIT", "5000",
            "Transcript entries kept per task; beyond it the oldest are dropped (and counted)."),
    Setting("WAAAH_HOOK_RETRY_BASE", "1", "Seconds before a webhook's first retry; each failure in a row doubles it."),
    Setting("WAAAH_HOOK_RETRY_MAX", "300", "Longest wait between two attempts of a webhook delivery, in seconds."),
    Setting("WAAAH_HOOK_MAX_FAILURES", "10",
            "Failed deliveries in a row after which a webhook is paused (until resumed)."),
    Setting("WAAAH_HOOK_TIMEOUT", "10", "Seconds a webhook receiver has to answer a delivery."),
    Setting("WAAAH_HOOK_LEASE", "30",
            "Seconds a hub process holds a webhook while it delivers (renewed on each delivery); after a crash "
            "another process, or the restarted one, takes over once it runs out."),
    Setting("WAAAH_HOME", "~/.waaah", "Folder of credentials.json."),
)

DEFAULTS: dict[str, str] = {s.env: s.default for s in SETTINGS}
REVIEW_MODES = ("auto", "always", "never")
PROMPT_FILTER_MODES = ("block", "warn", "off")
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


@dataclass(frozen=True)
class Settings:
    """Everything the server is configured with; built once by `load_settings`."""

    api_key: str
    database_url: str
    host: str = "127.0.0.1"
    port: int = 3000
    prompt_timeout: float = 50.0
    prompt_timeout_max: float = 110.0
    cors_origins: tuple[str, ...] = ()
    max_body_bytes: int = 2 * 1024 * 1024
    ack_timeout: float = 30.0
    agent_offline_after: float = 300.0
    scheduler_tick: float = 5.0
    event_retention: float = 86400.0
    require_review: str = "auto"
    prompt_filter: str = "block"
    sync_finished_limit: int = 100
    ws_deflate: bool = False
    transcript_limit: int = 5000
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS
    hook_retry_base: float = 1.0
    hook_retry_max: float = 300.0
    hook_max_failures: int = 10
    hook_timeout: float = 10.0
    hook_lease: float = 30.0
    api_key_created: bool = field(default=False, compare=False)
    api_key_file: str = field(default="", compare=False)  # the credentials file holding the key; "" if from env


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from `env` (default: the process environment)."""
    env = os.environ if env is None else env
    home = Path(_get(env, "WAAAH_HOME")).expanduser()
    api_key, created = _resolve_api_key(env, home)
    review = _get(env, "WAAAH_REQUIRE_REVIEW")
    if review not in REVIEW_MODES:
        raise ConfigError(f"WAAAH_REQUIRE_REVIEW must be one of {', '.join(REVIEW_MODES)}, got {review!r}")
    prompt_filter = _get(env, "WAAAH_PROMPT_FILTER")
    if prompt_filter not in PROMPT_FILTER_MODES:
        raise ConfigError(f"WAAAH_PROMPT_FILTER must be one of {', '.join(PROMPT_FILTER_MODES)}, "
                          f"got {prompt_filter!r}")
    return Settings(
        api_key=api_key,
        api_key_created=created,
        api_key_file="" if env.get("WAAAH_API_KEY") else str(credentials_path(home)),
        database_url=_database_url(env),
        host=_get(env, "WAAAH_HOST"),
        port=_int(env, "WAAAH_PORT", env.get("PORT") or DEFAULTS["PORT"]),
        prompt_timeout=_float(env, "WAAAH_PROMPT_TIMEOUT"),
        prompt_timeout_max=_float(env, "WAAAH_PROMPT_TIMEOUT_MAX"),
        cors_origins=tuple(o.strip() for o in _get(env, "WAAAH_CORS_ORIGINS").split(",") if o.strip()),
        max_body_bytes=_int(env, "WAAAH_MAX_BODY_BYTES"),
        ack_timeout=_float(env, "WAAAH_ACK_TIMEOUT"),
        agent_offline_after=_float(env, "WAAAH_AGENT_OFFLINE_AFTER"),
        scheduler_tick=_float(env, "WAAAH_SCHEDULER_TICK"),
        event_retention=_float(env, "WAAAH_EVENT_RETENTION"),
        require_review=review,
        prompt_filter=prompt_filter,
        sync_finished_limit=_int(env, "WAAAH_SYNC_FINISHED_LIMIT"),
        ws_deflate=_bool(env, "WAAAH_WS_DEFLATE"),
        transcript_limit=_int(env, "WAAAH_TRANSCRIPT_LIMIT"),
        allowed_hosts=_allowed_hosts(env),
        hook_retry_base=_float(env, "WAAAH_HOOK_RETRY_BASE"),
        hook_retry_max=_float(env, "WAAAH_HOOK_RETRY_MAX"),
        hook_max_failures=_int(env, "WAAAH_HOOK_MAX_FAILURES"),
        hook_timeout=_float(env, "WAAAH_HOOK_TIMEOUT"),
        hook_lease=_float(env, "WAAAH_HOOK_LEASE"),
    )


def credentials_path(home: Path) -> Path:
    return home / "credentials.json"


def read_saved_api_key(home: Path) -> str | None:
    """The key in the credentials file, or None when it is missing or unreadable."""
    try:
        data = json.loads(credentials_path(home).read_text())
    except (OSError, ValueError):
        return None
    key = data.get("api-key") if isinstance(data, dict) else None
    return key if isinstance(key, str) and key else None


def _resolve_api_key(env: Mapping[str, str], home: Path) -> tuple[str, bool]:
    if env.get("WAAAH_API_KEY"):
        return env["WAAAH_API_KEY"], False
    saved = read_saved_api_key(home)
    if saved:
        return saved, False
    key = "waaah-" + secrets.token_hex(24)
    path = credentials_path(home)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"api-key": key}, indent=2))
        path.chmod(0o600)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc}; set WAAAH_API_KEY instead") from exc
    return key, True


def _allowed_hosts(env: Mapping[str, str]) -> tuple[str, ...]:
    """WAAAH_ALLOWED_HOSTS as lower-case names (IPv6 without brackets), or the loopback names and the bind address."""
    given = [h.strip().lower() for h in _get(env, "WAAAH_ALLOWED_HOSTS").split(",") if h.strip()]
    names = given or [*LOOPBACK_HOSTS, _get(env, "WAAAH_HOST").lower()]
    return tuple(dict.fromkeys(n[1:-1] if n.startswith("[") and n.endswith("]") else n for n in names))


def _database_url(env: Mapping[str, str]) -> str:
    if env.get("WAAAH_DATABASE_URL"):
        return env["WAAAH_DATABASE_URL"]
    return f"sqlite:///{env.get('DB_PATH') or DEFAULTS['DB_PATH']}"


def _get(env: Mapping[str, str], name: str) -> str:
    value = env.get(name)
    return DEFAULTS[name] if value is None else value


def _int(env: Mapping[str, str], name: str, default: str | None = None) -> int:
    raw = env.get(name) or default or DEFAULTS[name]
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None


_BOOLEANS = {"on": True, "true": True, "yes": True, "1": True, "off": False, "false": False, "no": False, "0": False}


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name) or DEFAULTS[name]
    try:
        return _BOOLEANS[raw.strip().lower()]
    except KeyError:
        raise ConfigError(f"{name} must be on or off, got {raw!r}") from None


def _float(env: Mapping[str, str], name: str) -> float:
    raw = env.get(name) or DEFAULTS[name]
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise ConfigError(f"{name} must be positive, got {raw!r}")
    return value
