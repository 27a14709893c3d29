"""Ending a run on SIGINT or SIGTERM: a one-line message and status 128 + signal, never a traceback.

healthlint writes nothing to the files it lints, so an interrupted run leaves
every file as it was; the only output cut short is the report itself. The one
exception, ``--fix``, writes each file under :func:`signals_held`: a signal
that arrives during a write takes effect when that file is complete, so a file
is always either as it was or fully fixed, and no temporary file is left.
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


_HELD = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def signals_held():
    """Hold SIGINT and SIGTERM while the block runs, then act on the first one that came.

    Python runs signal handlers in the main thread only, so elsewhere this is a
    no-op (and the block's own cleanup is all there is).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = {}
    try:
        for signum in _HELD:
            previous[signum] = signal.signal(signum, lambda signum, frame: held.append(signum))
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, signal.SIG_DFL if handler is None else handler)
        if held:
            signal.raise_signal(held[0])  # through the handler just restored
