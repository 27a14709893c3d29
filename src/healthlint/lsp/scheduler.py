"""When to lint: at once after a quiet spell, then at most once per ``delay`` while edits keep coming.

A leading- and trailing-edge debounce, per document: the first change lints
immediately (a single edit gets its diagnostics in milliseconds), changes that
arrive while that lint runs or during the ``delay`` after it are coalesced into
one more lint of the latest text. Fast typing costs one lint per ``delay``, and
the last keystroke is always linted.
"""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable


class Debouncer:
    def __init__(self, run: Callable[[str], Awaitable[None]], delay: float):
        self.run = run
        self.delay = delay
        self._dirty: set[str] = set()
        self._tasks: dict[str, asyncio.Task] = {}

    def touch(self, key: str) -> None:
        """``key`` changed: lint it now, or after the current quiet window."""
        self._dirty.add(key)
        if key not in self._tasks:
            self._tasks[key] = asyncio.get_running_loop().create_task(self._loop(key))

    def cancel(self, key: str) -> None:
        self._dirty.discard(key)
        task = self._tasks.pop(key, None)
        if task is not None:
            task.cancel()

    async def _loop(self, key: str) -> None:
        try:
            while key in self._dirty:
                self._dirty.discard(key)
                await self.run(key)
                await asyncio.sleep(self.delay)
        finally:
            if self._tasks.get(key) is asyncio.current_task():
                del self._tasks[key]
