"""Run ``healthlint`` and send it a signal at a chosen moment of a ``--fix`` write (for test_interrupts).

    python tests/interrupt_runner.py MOMENT N SIGNAL [healthlint arguments ...]

On the N-th file ``--fix`` writes, the process signals itself (SIGINT or
SIGTERM) at MOMENT:

``created``   the temporary file has just been created, nothing is in it yet
``writing``   half of the fixed text is in the temporary file
``renaming``  the temporary file is complete, the rename has not happened
``renamed``   the rename has just happened

or, for any run, on the N-th call of the Markdown parser (pulldown-cmark):

``parsing``   inside the parser call, before it returns

so an interruption lands exactly where a real one could, every run.
"""
from __future__ import annotations

import os
import signal
import sys
import tempfile

MOMENTS = ("created", "writing", "renaming", "renamed", "parsing")


class _HalfWriter:
    """A file object whose ``write`` stops halfway to deliver the signal."""

    def __init__(self, f, interrupt):
        self.f, self.interrupt = f, interrupt

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()

    def __getattr__(self, name):  # flush, fileno: the real file's
        return getattr(self.f, name)

    def write(self, text):
        half = len(text) // 2
        self.f.write(text[:half])
        self.f.flush()
        self.interrupt()
        self.f.write(text[half:])


def install(moment: str, nth: int, signum: int) -> None:
    count = {"files": 0}

    def interrupt():
        os.kill(os.getpid(), signum)

    real_mkstemp, real_fdopen, real_replace = tempfile.mkstemp, os.fdopen, os.replace

    def mkstemp(*args, **kwargs):
        fd, path = real_mkstemp(*args, **kwargs)
        count["files"] += 1
        if moment == "created" and count["files"] == nth:
            interrupt()
        return fd, path

    def fdopen(*args, **kwargs):
        f = real_fdopen(*args, **kwargs)
        return _HalfWriter(f, interrupt) if moment == "writing" and count["files"] == nth else f

    def replace(src, dst):
        if moment == "renaming" and count["files"] == nth:
            interrupt()
        real_replace(src, dst)
        if moment == "renamed" and count["files"] == nth:
            interrupt()

    tempfile.mkstemp, os.fdopen, os.replace = mkstemp, fdopen, replace
    if moment == "parsing":
        _interrupt_parser(nth, interrupt)


class _InterruptedParser:
    """pulldown-cmark's parser, signalling the process on its N-th call as if the signal came mid-parse."""

    def __init__(self, parser, nth, interrupt):
        self.parser, self.nth, self.interrupt, self.calls = parser, nth, interrupt, 0

    def events_with_range(self, text):
        self.calls += 1
        if self.calls == self.nth:
            self.interrupt()  # the handler runs here, inside the reader's ``try``
        return self.parser.events_with_range(text)


def _interrupt_parser(nth: int, interrupt) -> None:
    from healthlint.text import markdown

    markdown._PARSER = _InterruptedParser(markdown._PARSER, nth, interrupt)


if __name__ == "__main__":
    moment, nth, name, *argv = sys.argv[1:]
    if moment not in MOMENTS:
        sys.exit(f"moment must be one of {', '.join(MOMENTS)}")
    install(moment, int(nth), getattr(signal, name))
    from healthlint.cli import main

    sys.exit(main(argv))
