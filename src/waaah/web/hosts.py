"""Which `Host` and `Origin` headers the hub answers to: a defence against DNS rebinding and cross-site writes.

A page on another site can make a browser send requests to `127.0.0.1:3000`; with DNS rebinding it can
even read the answers, under its own name. Refusing every `Host` that is not one of the hub's names,
and every browser `Origin` that is neither the hub itself nor in `WAAAH_CORS_ORIGINS`, closes both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from waaah.config import Settings
from waaah.errors import Forbidden, MisdirectedRequest

if TYPE_CHECKING:
    from mcp.server.transport_security import TransportSecuritySettings

ANY = "*"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def host_name(host: str) -> str:
    """The name part of a `Host` header value, lower case, IPv6 without brackets: `[::1]:3000` → `::1`."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    name, _, port = host.rpartition(":")
    return name if name and port.isdigit() else host


def host_allowed(host: str | None, allowed: tuple[str, ...]) -> bool:
    if ANY in allowed:
        return True
    return bool(host) and host_name(host or "") in allowed


def origin_allowed(origin: str, host: str | None, cors_origins: tuple[str, ...]) -> bool:
    """A browser `Origin` is fine when it names the hub itself (same host and port) or a configured origin."""
    if origin in cors_origins or ANY in cors_origins:
        return True
    try:
        netloc = urlsplit(origin).netloc.lower()
    except ValueError:
        return False
    return bool(host) and netloc == (host or "").strip().lower()


def check_host(host: str | None, allowed: tuple[str, ...]) -> None:
    if not host_allowed(host, allowed):
        shown = repr(host) if host else "no Host header"
        raise MisdirectedRequest(f"This hub does not answer to {shown}: add the name to WAAAH_ALLOWED_HOSTS "
                                 "(comma-separated) to serve it", host=host or "")


def check_origin(origin: str | None, host: str | None, cors_origins: tuple[str, ...]) -> None:
    if origin is not None and not origin_allowed(origin, host, cors_origins):
        raise Forbidden(f"Cross-origin request from {origin!r} refused: the hub accepts its own origin and "
                        "those in WAAAH_CORS_ORIGINS", origin=origin)


def mcp_security(settings: Settings) -> TransportSecuritySettings:
    """The MCP SDK's own DNS-rebinding protection, on the same names as the rest of the hub."""
    from mcp.server.transport_security import TransportSecuritySettings  # the SDK loads after start-up

    if ANY in settings.allowed_hosts:
        return TransportSecuritySettings(enable_dns_rebinding_protection=False)
    hosts = [f"[{name}]" if ":" in name else name for name in settings.allowed_hosts]
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[spelling for host in hosts for spelling in (host, f"{host}:*")],
        allowed_origins=[*settings.cors_origins,
                         *(f"{scheme}://{host}{port}" for host in hosts for scheme in ("http", "https")
                           for port in ("", ":*"))])
