"""`waaah bot slack`: posts as Block Kit messages through slack_sdk's AsyncWebClient (chat.postMessage,
chat.update, views.open), and one endpoint for the app's signed requests — interactivity (buttons,
modals) and the `/waaah` slash command — checked with slack_sdk's SignatureVerifier."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from waaah.bots.bridge import Bridge, PlatformError
from waaah.bots.commands import Commands, parse
from waaah.bots.messages import FORMS, JSON, LABELS, NEEDS_TEXT, Action, Post, action_id, parse_action_id
from waaah.bots.run import AppFactory
from waaah.bots.settings import BotSettings
from waaah.commands.client import CliError

PATH = "/slack"
STYLES = {Action.APPROVE: "primary", Action.REJECT: "danger"}
TEXT_BLOCK = "text"
MENTION = re.compile(r"&lt;@([A-Z0-9]+)&gt;")


def escape(text: str) -> str:
    """Slack's mrkdwn escapes: &, < and > (the rest is shown as written)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def blocks(post: Post) -> list[JSON]:
    """The post as Block Kit: heading, linked title and text; the buttons, or what happened."""
    quoted = "\n".join(f"> {line}" for line in escape(post.text).splitlines() or [""])
    out: list[JSON] = [{"type": "section", "text": {
        "type": "mrkdwn", "text": f"*{post.heading}:* <{post.link}|{escape(post.title)}>\n{quoted}"}}]
    if post.actions:
        buttons = [button(a, post.task_id) for a in post.actions]
        out.append({"type": "actions", "block_id": "waaah", "elements": buttons})
    elif post.outcome:
        out.append({"type": "context", "elements": [{"type": "mrkdwn", "text": escape_outcome(post.outcome)}]})
    return out


def escape_outcome(text: str) -> str:
    """The outcome names people as `<@U…>` mentions: keep those, escape the rest."""
    return MENTION.sub(r"<@\1>", escape(text))


def button(action: Action, task_id: str) -> JSON:
    made: JSON = {"type": "button", "action_id": action_id(action, task_id), "value": task_id,
                  "text": {"type": "plain_text", "text": LABELS[action]}}
    if action in STYLES:
        made["style"] = STYLES[action]
    return made


def modal(action: Action, task_id: str) -> JSON:
    """The form that asks for the answer or the feedback; its submission names the task."""
    title, label = FORMS[action]
    return {"type": "modal", "callback_id": action_id(action, task_id), "private_metadata": task_id,
            "title": {"type": "plain_text", "text": title}, "submit": {"type": "plain_text", "text": "Send"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [{"type": "input", "block_id": TEXT_BLOCK, "label": {"type": "plain_text", "text": label},
                        "element": {"type": "plain_text_input", "action_id": TEXT_BLOCK, "multiline": True}}]}


def make_app(settings: BotSettings) -> tuple[SlackChannel, AppFactory]:
    """The channel to post into and the factory of the endpoint's web app, sharing one Web API client."""
    client = AsyncWebClient(token=settings.token, base_url=settings.api_url)

    def app(bridge: Bridge, commands: Commands) -> web.Application:
        return SlackEndpoint(bridge, commands, client, settings.secret).app()

    return SlackChannel(client, settings.channel), app


class SlackChannel:
    """The configured channel, through the Web API. A post's reference is `<channel id>:<ts>`."""

    def __init__(self, client: AsyncWebClient, channel: str) -> None:
        self.client = client
        self.channel = channel

    async def start(self) -> None:
        try:
            await self.client.auth_test()
        except (SlackApiError, aiohttp.ClientError) as exc:
            raise PlatformError(f"auth.test: {exc}") from exc

    async def close(self) -> None:
        return None

    async def post(self, post: Post) -> str:
        try:
            sent = await self.client.chat_postMessage(channel=self.channel, text=post.summary, blocks=blocks(post))
        except (SlackApiError, aiohttp.ClientError) as exc:
            raise PlatformError(f"chat.postMessage: {exc}") from exc
        return f"{sent['channel']}:{sent['ts']}"

    async def update(self, ref: str, post: Post) -> None:
        channel, _, ts = ref.partition(":")
        try:
            await self.client.chat_update(channel=channel, ts=ts, text=post.summary, blocks=blocks(post))
        except (SlackApiError, aiohttp.ClientError) as exc:
            raise PlatformError(f"chat.update: {exc}") from exc


class SlackEndpoint:
    """The app's Request URL for interactivity and for the slash command: signed POSTs only."""

    def __init__(self, bridge: Bridge, commands: Commands, client: AsyncWebClient, signing_secret: str) -> None:
        self.bridge = bridge
        self.commands = commands
        self.client = client
        self.verifier = SignatureVerifier(signing_secret)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post(PATH, self.handle)
        return app

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        body = raw.decode("utf-8", "replace")
        if not self.verifier.is_valid(body, request.headers.get("X-Slack-Request-Timestamp"),
                                      request.headers.get("X-Slack-Signature")):
            return web.json_response({"error": "invalid signature"}, status=401)
        form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        if "payload" in form:
            return await self.interaction(json.loads(form["payload"]))
        if "command" in form:
            reply = await self.commands.run(parse(form.get("text", "")), f"<@{form.get('user_id', '?')}>")
            return web.json_response({"response_type": "ephemeral", "text": reply})
        return web.json_response({"error": "not a Slack interaction or command"}, status=400)

    async def interaction(self, payload: JSON) -> web.Response:
        by = f"<@{(payload.get('user') or {}).get('id', '?')}>"
        if payload.get("type") == "block_actions":
            for pressed in payload.get("actions") or []:
                await self.pressed(payload, pressed, by)
            return web.Response()
        if payload.get("type") == "view_submission":
            return await self.submitted(payload["view"], by)
        return web.Response()

    async def pressed(self, payload: JSON, pressed: JSON, by: str) -> None:
        parsed = parse_action_id(str(pressed.get("action_id", "")))
        if parsed is None:
            return
        action, task_id = parsed
        if action in NEEDS_TEXT:
            await self.client.views_open(trigger_id=payload["trigger_id"], view=modal(action, task_id))
            return
        try:
            await self.bridge.act(action, task_id, by)
        except CliError as exc:
            channel = str((payload.get("channel") or {}).get("id") or
                          (payload.get("container") or {}).get("channel_id"))
            await self.client.chat_postEphemeral(channel=channel, user=payload["user"]["id"],
                                                 text=f"The hub refused: {exc.message}")

    async def submitted(self, view: JSON, by: str) -> web.Response:
        parsed = parse_action_id(str(view.get("callback_id", "")))
        if parsed is None:
            return web.Response()
        action, task_id = parsed
        text = str(_value(view) or "").strip()
        if not text:
            return web.json_response({"response_action": "errors", "errors": {TEXT_BLOCK: "Write something first"}})
        try:
            await self.bridge.act(action, task_id, by, text)
        except CliError as exc:
            return web.json_response({"response_action": "errors", "errors": {TEXT_BLOCK: exc.message}})
        return web.Response()


def _value(view: JSON) -> Any:
    return ((view.get("state") or {}).get("values") or {}).get(TEXT_BLOCK, {}).get(TEXT_BLOCK, {}).get("value")
