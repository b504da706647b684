"""`waaah hooks add|list|test|remove` against a real server, with a real receiver for the test ping."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import API_KEY
from tests.integration.cli.cli_runner import waaah
from tests.integration.hooks_support import Receiver, receiving
from tests.live import server_process

SECRET = "s3cret-for-the-tests-only"


def test_hooks_are_added_listed_tested_and_removed_from_the_cli(tmp_path: Path) -> None:
    with receiving(Receiver(SECRET)) as receiver, \
            server_process(tmp_path, f"sqlite:///{tmp_path}/waaah.db", API_KEY) as hub:
        added = waaah(hub.url, "hooks", "add", receiver.url, "-e", "task:*:created", "-e", "needs-you",
                      "--secret", SECRET, "--json")
        assert added.returncode == 0, added.stderr
        hook = json.loads(added.stdout)
        assert hook["secret"] == SECRET and hook["events"] == ["needs-you", "task:*:created"]
        listed = waaah(hub.url, "hooks", "list")
        assert hook["id"] in listed.stdout
        assert SECRET not in listed.stdout and "BACKLOG" in listed.stdout
        tested = waaah(hub.url, "hooks", "test", hook["id"])
        assert tested.returncode == 0 and "delivered: the receiver answered 200" in tested.stdout
        assert receiver.deliveries[-1].event == "ping" and receiver.deliveries[-1].signed
        bad = waaah(hub.url, "hooks", "add", "ftp://nowhere", "--json")
        assert bad.returncode != 0 and "url" in bad.stderr
        assert waaah(hub.url, "hooks", "remove", hook["id"]).returncode == 0
        assert "no webhooks" in waaah(hub.url, "hooks", "list").stdout
        gone = waaah(hub.url, "hooks", "test", hook["id"])
        assert gone.returncode != 0 and "not found" in gone.stderr
