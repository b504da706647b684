"""The service: the only code that writes. `Hub` gathers its parts."""

from __future__ import annotations

from waaah.bus import Bus
from waaah.config import Settings
from waaah.service.agents import AgentOps
from waaah.service.checks import CheckOps
from waaah.service.core import Clock, Core, wall_clock_ms
from waaah.service.hooks import HookOps
from waaah.service.tasks import NewTask, TaskOps
from waaah.service.transcripts import TranscriptOps
from waaah.service.work import WorkOps
from waaah.store.base import Store

__all__ = ["Hub", "NewTask"]


class Hub:
    """The service facade: `hub.tasks`, `hub.work`, `hub.agents` and `hub.transcripts` are every write there is."""

    def __init__(self, store: Store, bus: Bus, settings: Settings, clock: Clock = wall_clock_ms) -> None:
        self.core = Core(store, bus, settings, clock)
        self.store = store
        self.bus = bus
        self.settings = settings
        self.tasks = TaskOps(self.core)
        self.work = WorkOps(self.core)
        self.agents = AgentOps(self.core, self.work)
        self.transcripts = TranscriptOps(self.core)
        self.hooks = HookOps(self.core)
        self.checks = CheckOps(self.core)
