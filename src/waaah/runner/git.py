"""Running git without a shell: one async helper and its one error."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true", "GIT_MERGE_AUTOEDIT": "no"}


class GitError(Exception):
    def __init__(self, args: tuple[str, ...], code: int, output: str) -> None:
        super().__init__(f"git {' '.join(args)} failed ({code}): {output.strip()[-800:]}")
        self.code = code
        self.output = output


async def git(cwd: Path, *args: str, check: bool = True) -> str:
    """`git ARGS` in `cwd`; its stdout (stderr joined on failure). Raises GitError unless `check` is off."""
    process = await asyncio.create_subprocess_exec(
        "git", *args, cwd=cwd, env={**os.environ, **GIT_ENV}, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await process.communicate()
    text = out.decode(errors="replace")
    if check and process.returncode != 0:
        raise GitError(args, process.returncode or 1, text + err.decode(errors="replace"))
    return text


async def succeeds(cwd: Path, *args: str) -> bool:
    process = await asyncio.create_subprocess_exec(
        "git", *args, cwd=cwd, env={**os.environ, **GIT_ENV}, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    return await process.wait() == 0


RUNNER_IDENTITY = ("-c", "user.name=waaah runner", "-c", "user.email=runner@waaah.invalid")


async def identity(cwd: Path) -> tuple[str, ...]:
    """Options giving commits an author: none when the repository has one, else the runner's."""
    if (await git(cwd, "config", "user.email", check=False)).strip():
        return ()
    return RUNNER_IDENTITY
