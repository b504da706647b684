"""Compact JSON text (`{"a":1,"b":[2]}`) from encoders made once: `json.dumps` builds a new encoder
on every call that passes it options, a noticeable part of encoding an event's payload."""

from __future__ import annotations

import json

compact = json.JSONEncoder(separators=(",", ":")).encode
"""ASCII-only compact JSON, as the event log stores payloads and sockets receive them."""
