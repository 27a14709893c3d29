"""Whose turn it is to lint: one request at a time, the waiting one with the earliest virtual deadline first.

First come, first served lets large requests hold up small ones: eight 2 MB
documents queued ahead of a 5 KB article made it wait for all of them. Here
each waiting request is ranked by when it arrived plus what it is expected to
cost: its length times the cost of a character (about 1.15 µs of CPU on the
machine the benchmarks run on), at most the CPU deadline, which is all a lint
may cost. A small article that arrives while large ones wait goes ahead of
them; a large one is never passed by requests that arrive more than its own
expected cost after it, so nothing waits for ever.

Only the event loop uses this (no locks).
"""
from __future__ import annotations

import asyncio
import heapq
import itertools

SECONDS_PER_CHARACTER = 2.3 / 2_000_000  # CPU time to lint a character of ordinary prose, measured


def rank(arrived: float, characters: int, cpu_deadline: float) -> float:
    """The virtual deadline of a request that arrived at ``arrived`` (seconds) with ``characters`` to lint."""
    return arrived + min(cpu_deadline, characters * SECONDS_PER_CHARACTER)


class Turns:
    def __init__(self):
        self.busy = False
        self._waiting: list[tuple[float, int, asyncio.Future]] = []
        self._order = itertools.count()  # among equal ranks, first come first served

    def __len__(self) -> int:
        """Requests waiting for their turn."""
        return sum(not future.done() for _, _, future in self._waiting)

    async def take(self, rank: float) -> None:
        """Wait until it is this request's turn; the caller must ``give_back()`` afterwards."""
        if not self.busy and not self._waiting:
            self.busy = True
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (rank, next(self._order), future))
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.give_back()  # the turn came as the request was cancelled: pass it on
            raise

    def give_back(self) -> None:
        """The current request is done: the next in rank gets its turn."""
        while self._waiting:
            _, _, future = heapq.heappop(self._waiting)
            if not future.done():  # not cancelled meanwhile
                future.set_result(None)
                return
        self.busy = False
