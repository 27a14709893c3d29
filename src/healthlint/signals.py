"""Ending a run on SIGINT or SIGTERM: a one-line message and status 128 + signal, never a traceback.

healthlint writes nothing to the files it lints, so an interrupted run leaves
every file as it was; the only output cut short is the report itself.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager


class Terminated(BaseException):
    """Raised in the main thread when SIGTERM arrives (SIGINT raises KeyboardInterrupt)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum, frame):
    raise Terminated(signum)


@contextmanager
def terminate_on_sigterm():
    """Turn SIGTERM into :class:`Terminated` for the duration (main thread only; elsewhere a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
