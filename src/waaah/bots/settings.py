"""The bridge's settings: read once from the environment by `waaah bot`, every default here
(documented in docs/configuration.md). The hub's address and key are the CLI's
(`WAAAH_SERVER_URL`, `WAAAH_API_KEY`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from waaah.commands.client import DEFAULT_HOME, Connection, UsageError
from waaah.config import Setting

DEFAULT_LISTEN = "127.0.0.1:3100"
SLACK_API_URL = "https://slack.com/api/"
DISCORD_API_URL = "https://discord.com/api/v10"

BOT_SETTINGS: tuple[Setting, ...] = (
    Setting("WAAAH_DASHBOARD_URL", "(WAAAH_SERVER_URL)", "Where people open the dashboard: each post links to "
            "<this>/admin/task/<id>."),
    Setting("WAAAH_BOT_LISTEN", DEFAULT_LISTEN, "HOST:PORT the bridge serves the platform's signed requests on "
            "(`--listen` overrides it); put it behind HTTPS."),
    Setting("WAAAH_BOT_STATE", "(~/.waaah/bot-<platform>.json)", "The bridge's state file: which post belongs "
            "to which task, and the last event handled."),
    Setting("WAAAH_SLACK_BOT_TOKEN", "", "Slack: the bot's token (xoxb-…), with the chat:write and commands "
            "scopes."),
    Setting("WAAAH_SLACK_SIGNING_SECRET", "", "Slack: the app's signing secret; requests without its valid "
            "signature are refused."),
    Setting("WAAAH_SLACK_CHANNEL", "", "Slack: the channel (id or name) the bridge posts into."),
    Setting("WAAAH_SLACK_API_URL", SLACK_API_URL, "Slack: the Web API's base URL."),
    Setting("WAAAH_DISCORD_BOT_TOKEN", "", "Discord: the bot's token."),
    Setting("WAAAH_DISCORD_PUBLIC_KEY", "", "Discord: the application's public key (hex), which checks "
            "the Ed25519 signature of each interaction."),
    Setting("WAAAH_DISCORD_CHANNEL_ID", "", "Discord: the id of the channel the bridge posts into."),
    Setting("WAAAH_DISCORD_API_URL", DISCORD_API_URL, "Discord: the HTTP API's base URL."),
)


@dataclass(frozen=True)
class BotSettings:
    """What one bridge needs: the hub, the platform's credentials and channel, where to listen."""

    platform: str
    hub: Connection
    dashboard_url: str
    listen_host: str
    listen_port: int
    state_path: Path
    token: str
    secret: str
    """Slack's signing secret, or Discord's public key."""
    channel: str
    api_url: str


REQUIRED = {
    "slack": ("WAAAH_SLACK_BOT_TOKEN", "WAAAH_SLACK_SIGNING_SECRET", "WAAAH_SLACK_CHANNEL", "WAAAH_SLACK_API_URL"),
    "discord": ("WAAAH_DISCORD_BOT_TOKEN", "WAAAH_DISCORD_PUBLIC_KEY", "WAAAH_DISCORD_CHANNEL_ID",
                "WAAAH_DISCORD_API_URL"),
}
DEFAULTS = {s.env: s.default for s in BOT_SETTINGS}


def parse_listen(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or int(port) > 65535:
        raise UsageError(f"--listen / WAAAH_BOT_LISTEN must be HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def load_bot_settings(platform: str, env: Mapping[str, str], hub: Connection,
                      listen: str | None = None) -> BotSettings:
    """The settings of `waaah bot <platform>`; a missing one is a usage error naming it."""
    names = REQUIRED[platform]
    values = [env.get(name) or DEFAULTS[name] for name in names]
    missing = [name for name, value in zip(names, values, strict=True) if not value]
    if missing:
        raise UsageError(f"set {', '.join(missing)} (docs/notifications.md)")
    hub.need_key()
    host, port = parse_listen(listen or env.get("WAAAH_BOT_LISTEN") or DEFAULT_LISTEN)
    home = Path(env.get("WAAAH_HOME") or DEFAULT_HOME).expanduser()
    state = Path(env.get("WAAAH_BOT_STATE") or home / f"bot-{platform}.json").expanduser()
    token, secret, channel, api_url = values
    return BotSettings(platform, hub, (env.get("WAAAH_DASHBOARD_URL") or hub.url).rstrip("/"), host, port,
                       state, token, secret, channel, api_url)
