"""waaah: a hub for a squad of autonomous AI coding agents."""

__version__ = "0.1.0"
