"""The one exception tree. Each transport maps `WaaahError` once (REST JSON, MCP tool error, socket `error`)."""

from __future__ import annotations

from typing import Any


class WaaahError(Exception):
    """Root of every error the hub raises on purpose. `code` is stable; `status` is the HTTP status."""

    code = "ERROR"
    status = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_json(self) -> dict[str, Any]:
        """The one error body: `{"error": message, "code": CODE, ...details}`."""
        return {"error": self.message, "code": self.code, **self.details}


class ConfigError(WaaahError):
    code = "CONFIG"
    status = 500


class BadRequest(WaaahError):
    """Malformed input: wrong or missing fields (details name the `field`)."""

    code = "BAD_REQUEST"


class Unauthorized(WaaahError):
    code = "UNAUTHORIZED"
    status = 401


class Forbidden(WaaahError):
    code = "FORBIDDEN"
    status = 403


class NotFound(WaaahError):
    code = "NOT_FOUND"
    status = 404


class Conflict(WaaahError):
    """A move the current state does not allow (details name `currentStatus` when there is one)."""

    code = "CONFLICT"
    status = 409


class TooLarge(WaaahError):
    code = "TOO_LARGE"
    status = 413


class MisdirectedRequest(WaaahError):
    """A `Host` header that names none of the hub's allowed hosts (`WAAAH_ALLOWED_HOSTS`)."""

    code = "HOST_NOT_ALLOWED"
    status = 421


class Throttled(WaaahError):
    """Too many wrong API keys from one address; details carry `retryAfter` (seconds)."""

    code = "AUTH_THROTTLED"
    status = 429


class IllegalTransition(Conflict):
    code = "ILLEGAL_TRANSITION"


class NotHolder(Conflict):
    """An agent reported on a task it does not hold (never held it, or its lease expired)."""

    code = "NOT_HOLDER"


class ReviewRequired(Conflict):
    code = "REVIEW_REQUIRED"


class CheckFailed(Conflict):
    """Approval refused by the verification gate: the message names the failing or missing check."""

    code = "CHECK_FAILED"


class PromptBlocked(Forbidden):
    code = "PROMPT_BLOCKED"
