"""`waaah bot discord`: posts and edits channel messages with buttons through discord.py's HTTP client,
registers the `/waaah` application command, and serves Discord's HTTP interactions endpoint (button
presses, modal submissions, commands), each request checked for its Ed25519 signature with PyNaCl."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
import discord
from aiohttp import web
from discord.http import HTTPClient, MultipartParameters, Route
from discord.utils import escape_markdown
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from waaah.bots.bridge import Bridge, PlatformError
from waaah.bots.commands import Commands, parse
from waaah.bots.messages import FORMS, JSON, LABELS, NEEDS_TEXT, Action, Post, action_id, parse_action_id
from waaah.bots.run import AppFactory
from waaah.bots.settings import BotSettings
from waaah.commands.client import CliError

PATH = "/discord/interactions"
PING, COMMAND, COMPONENT, MODAL_SUBMIT = 1, 2, 3, 5
PONG, REPLY, DEFERRED_UPDATE, MODAL = 1, 4, 6, 9
EPHEMERAL = 64
STYLES = {Action.ANSWER: 1, Action.APPROVE: 3, Action.REJECT: 4}
TEXT_INPUT = "text"
NO_PINGS: JSON = {"parse": []}


def _option(name: str, description: str, required: bool = True) -> JSON:
    return {"type": 3, "name": name, "description": description, "required": required}


WAAAH_COMMAND: JSON = {"name": "waaah", "type": 1, "description": "Talk to the waaah hub", "options": [
    {"type": 1, "name": "submit", "description": "Queue a task", "options": [_option("prompt", "What to do")]},
    {"type": 1, "name": "status", "description": "The hub, or one task",
     "options": [_option("id", "A task id (or its end)", required=False)]},
    {"type": 1, "name": "answer", "description": "Answer a blocked task's question",
     "options": [_option("id", "The task id (or its end)"), _option("text", "The answer")]},
    {"type": 1, "name": "agents", "description": "The agents the hub knows"},
]}


def message(post: Post) -> JSON:
    """The post as a channel message: heading, linked title, quoted text; the buttons, or what happened."""
    quoted = "\n".join(f"> {line}" for line in escape_markdown(post.text).splitlines() or [""])
    lines = [f"**{post.heading}:** [{escape_markdown(post.title)}]({post.link})", quoted]
    if post.outcome:
        lines.append(f"*{escape_markdown(post.outcome)}*")
    buttons = [{"type": 2, "style": STYLES[a], "label": LABELS[a], "custom_id": action_id(a, post.task_id)}
               for a in post.actions]
    return {"content": "\n".join(lines), "components": [{"type": 1, "components": buttons}] if buttons else [],
            "allowed_mentions": NO_PINGS}


def modal(action: Action, task_id: str) -> JSON:
    title, label = FORMS[action]
    text = {"type": 4, "custom_id": TEXT_INPUT, "label": label, "style": 2, "required": True}
    return {"type": MODAL, "data": {"custom_id": action_id(action, task_id), "title": title,
                                    "components": [{"type": 1, "components": [text]}]}}


def reply(text: str) -> JSON:
    return {"type": REPLY, "data": {"content": text[:2000], "flags": EPHEMERAL, "allowed_mentions": NO_PINGS}}


def command_text(data: JSON) -> str:
    """`/waaah answer id:abc text:SQLite` → `answer abc SQLite`, as the chat commands read it."""
    sub = (data.get("options") or [{}])[0]
    values = [str(o.get("value", "")) for o in sub.get("options") or []]
    return " ".join([str(sub.get("name", "help")), *values])


def make_app(settings: BotSettings) -> tuple[DiscordChannel, AppFactory]:
    """The channel to post into and the factory of the interactions endpoint's web app."""
    Route.BASE = settings.api_url.rstrip("/")  # discord.py builds every request URL from it
    channel = DiscordChannel(HTTPClient(asyncio.get_running_loop()), settings.token, settings.channel)

    def app(bridge: Bridge, commands: Commands) -> web.Application:
        return InteractionsEndpoint(bridge, commands, settings.secret).app()

    return channel, app


class DiscordChannel:
    """The configured channel, through the bot's HTTP client. A post's reference is its message id."""

    def __init__(self, http: HTTPClient, token: str, channel_id: str) -> None:
        self.http = http
        self.token = token
        self.channel_id = channel_id

    async def start(self) -> None:
        """Log in and (re)register the `/waaah` command of the application."""
        try:
            await self.http.static_login(self.token)
            application = await self.http.application_info()
            await self.http.bulk_upsert_global_commands(application["id"], [WAAAH_COMMAND])
        except (discord.DiscordException, aiohttp.ClientError) as exc:
            raise PlatformError(f"logging in to Discord: {exc}") from exc

    async def close(self) -> None:
        await self.http.close()

    async def post(self, post: Post) -> str:
        try:
            sent = await self.http.send_message(self.channel_id, params=MultipartParameters(message(post), None, None))
        except (discord.DiscordException, aiohttp.ClientError) as exc:
            raise PlatformError(f"sending a message: {exc}") from exc
        return str(sent["id"])

    async def update(self, ref: str, post: Post) -> None:
        try:
            await self.http.edit_message(self.channel_id, ref, params=MultipartParameters(message(post), None, None))
        except (discord.DiscordException, aiohttp.ClientError) as exc:
            raise PlatformError(f"editing message {ref}: {exc}") from exc


class InteractionsEndpoint:
    """The application's Interactions Endpoint URL: Ed25519-signed POSTs only."""

    def __init__(self, bridge: Bridge, commands: Commands, public_key: str) -> None:
        self.bridge = bridge
        self.commands = commands
        self.key = VerifyKey(bytes.fromhex(public_key))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(PATH, self.handle)
        return app

    def signed(self, request: web.Request, raw: bytes) -> bool:
        stamp = request.headers.get("X-Signature-Timestamp", "")
        try:
            self.key.verify(stamp.encode() + raw, bytes.fromhex(request.headers.get("X-Signature-Ed25519", "")))
        except (BadSignatureError, ValueError):
            return False
        return True

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if not self.signed(request, raw):
            return web.json_response({"error": "invalid request signature"}, status=401)
        interaction = json.loads(raw)
        return web.json_response(await self.answer(interaction))

    async def answer(self, interaction: JSON) -> JSON:
        kind = interaction.get("type")
        user = (interaction.get("member") or {}).get("user") or interaction.get("user") or {}
        by = f"<@{user.get('id', '?')}>"
        data: JSON = interaction.get("data") or {}
        if kind == PING:
            return {"type": PONG}
        if kind == COMMAND:
            return reply(await self.commands.run(parse(command_text(data)), by))
        parsed = parse_action_id(str(data.get("custom_id", "")))
        if parsed is None or kind not in (COMPONENT, MODAL_SUBMIT):
            return reply("Nothing to do.")
        action, task_id = parsed
        if kind == COMPONENT and action in NEEDS_TEXT:
            return modal(action, task_id)
        return await self.act(action, task_id, by, _typed(data) if kind == MODAL_SUBMIT else None)

    async def act(self, action: Action, task_id: str, by: str, text: str | None) -> JSON:
        if action in NEEDS_TEXT and not (text or "").strip():
            return reply("Write something first.")
        try:
            await self.bridge.act(action, task_id, by, text.strip() if text else None)
        except CliError as exc:
            return reply(f"The hub refused: {exc.message}")
        return {"type": DEFERRED_UPDATE}  # the message itself was edited over the API


def _typed(data: JSON) -> str:
    rows: list[Any] = data.get("components") or []
    inputs = [c for row in rows for c in row.get("components") or [] if c.get("custom_id") == TEXT_INPUT]
    return str(inputs[0].get("value") or "") if inputs else ""
