"""Which post belongs to which task, and the last event handled: in memory and in a small JSON file,
so a restarted bridge edits its posts instead of posting again and resumes after the last `seq`."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from waaah.bots.messages import Kind, Post


@dataclass
class Record:
    """The post about one task: where it is on the platform (`ref`), what it asks, who acted on it."""

    ref: str
    kind: Kind
    decision: str | None = None
    shown: Post | None = field(default=None, compare=False)
    """What the post shows now (not saved: after a restart the first update is sent again)."""


class State:
    """Posts by task id and the last `seq` handled, saved after each change (atomically)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.last_seq: int | None = None
        self.posts: dict[str, Record] = {}
        if path is not None and path.exists():
            self._load(path)

    def _load(self, path: Path) -> None:
        saved = json.loads(path.read_text() or "{}")
        seq = saved.get("lastSeq")
        self.last_seq = seq if isinstance(seq, int) else None
        for task_id, raw in (saved.get("posts") or {}).items():
            self.posts[task_id] = Record(str(raw["ref"]), Kind(raw["kind"]), raw.get("decision"))

    def handled(self, seq: int) -> None:
        if self.last_seq is None or seq > self.last_seq:
            self.last_seq = seq
            self.save()

    def remember(self, task_id: str, record: Record) -> None:
        self.posts[task_id] = record
        self.save()

    def forget(self, task_id: str) -> None:
        if self.posts.pop(task_id, None) is not None:
            self.save()

    def save(self) -> None:
        if self.path is None:
            return
        posts = {task_id: {k: v for k, v in asdict(r).items() if k != "shown"} for task_id, r in self.posts.items()}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps({"lastSeq": self.last_seq, "posts": posts}, indent=1))
        os.replace(partial, self.path)
