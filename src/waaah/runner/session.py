"""What the runner remembers about a task between runs (in its state folder): the CLI's session id
and when the last run started, so a returning task resumes the same session with what is new."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

FILE = "session.json"


@dataclass
class Session:
    session_id: str | None = None
    last_run_at: int | None = None
    runs: int = 0

    @classmethod
    def load(cls, state_dir: Path) -> Session:
        try:
            data = json.loads((state_dir / FILE).read_text())
        except (OSError, ValueError):
            return cls()
        return cls(data.get("session_id"), data.get("last_run_at"), int(data.get("runs", 0)))

    def save(self, state_dir: Path) -> None:
        """Written to a temporary file then renamed, so a killed runner leaves the old or the new one."""
        tmp = state_dir / (FILE + ".tmp")
        tmp.write_text(json.dumps(asdict(self)))
        os.replace(tmp, state_dir / FILE)
