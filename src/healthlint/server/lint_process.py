"""Linting in a child process, one request at a time, each within a deadline of CPU time.

A thread that lints cannot be stopped, and a crafted document can keep one busy
for seconds of CPU (inside the regex engine or the Markdown parser, where no
Python code runs to notice a deadline). So the app lints in a child process.
Before each request the child arms ``ITIMER_PROF`` for the deadline, SIGPROF
left at its default action: when the request has used that much CPU time (user
and system; not wall-clock time, so a busy machine does not change the
verdict), the kernel ends the child wherever it is. The parent answers that
request with a verdict that blocks (``response.stopped_response``) and starts
another child, which loads the rules again (from the pack cache: about 0.3 s of
CPU). Building a profile's rules and compiling their patterns (the first
request for a profile) happen before the timer is armed.

A child that stops answering without using CPU (which would be a bug) is
stopped after a generous wall-clock hang guard. A child that ends for any other
reason (killed by the system, a crash) costs its request a 500, and the next
request gets a new child.
"""
from __future__ import annotations

import multiprocessing
import signal
import threading
import traceback

from healthlint.server.profiles import Profiles
from healthlint.server.response import (DEFAULT_MAX_FINDINGS, DEFAULT_MAX_RESPONSE, lint_response,
                                        stopped_response)

DEFAULT_CPU_DEADLINE = 5.0  # seconds of CPU per request; a 2 MB article of ordinary prose takes about 2.3 s
DEFAULT_MAX_QUEUE = 16  # requests waiting for their turn, per worker process (the app refuses more: 503)
HANG_GUARD = 60.0  # seconds of wall-clock time, at least (10 times the deadline if that is more)
START_TIMEOUT = 600.0  # seconds for a child to load its rules (a cold cache compiles the whole pack)
LOGGED_FRAMES = 8
_STOPPED = -signal.SIGPROF  # the exit code of a child the deadline ended
# Where there is no setitimer (Windows), the deadline is kept by the parent, in wall-clock time.
_CPU_TIMER = hasattr(signal, "setitimer")


class LintProcessError(Exception):
    """The child could not start, or failed on a request; the message says why."""


def _arm(seconds: float) -> None:
    if _CPU_TIMER:
        signal.setitimer(signal.ITIMER_PROF, seconds)


def _serve(conn, rule_dirs: list[str], table) -> None:
    """The child: load the default profile, say ready, then lint each request sent until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle; it stops this child
    if _CPU_TIMER:
        signal.signal(signal.SIGPROF, signal.SIG_DFL)
    try:
        profiles = Profiles(rule_dirs, table)
        profiles.get("default").warm_up()
    except Exception as e:  # noqa: BLE001 - reported to the parent, which refuses to start
        conn.send(("failed", str(e) or type(e).__name__))
        return
    conn.send(("ready", None))
    warm = {"default"}
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the server is gone
            return
        if message is None:
            return
        request, seconds, max_findings, max_bytes = message
        try:
            linter = profiles.get(request.profile)
            if request.profile not in warm:
                linter.warm_up()
                warm.add(request.profile)
            _arm(seconds)
            try:
                reply = ("ok", lint_response(linter, request, max_findings, max_bytes))
            finally:
                _arm(0)
        except Exception as e:  # noqa: BLE001 - a bug costs one request, logged by the parent
            reply = ("error", "".join(traceback.format_exception(e, limit=-LOGGED_FRAMES)))
        conn.send(reply)


class LintProcess:
    """The parent's handle on the child: ``lint(request)`` returns the answer's body (bytes)."""

    def __init__(self, rule_dirs: list[str], table: dict, *, cpu_deadline: float = DEFAULT_CPU_DEADLINE,
                 max_findings: int = DEFAULT_MAX_FINDINGS, max_response: int = DEFAULT_MAX_RESPONSE):
        self.rule_dirs, self.table = list(rule_dirs), dict(table)
        self.cpu_deadline, self.max_findings, self.max_response = cpu_deadline, max_findings, max_response
        self.hang_guard = max(HANG_GUARD, 10 * cpu_deadline)
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()  # one request at a time
        self._process = self._conn = None
        self._ready = False

    # -- the child's life ------------------------------------------------------------

    def start(self) -> None:
        """Start the child and wait until its rules are loaded; LintProcessError if they cannot be."""
        with self._lock:
            self._ensure_ready()

    def close(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            _stop(process)
        if self._conn is not None:
            self._conn.close()

    def _spawn(self) -> None:
        ours, theirs = self._context.Pipe()
        process = self._context.Process(target=_serve, args=(theirs, self.rule_dirs, self.table),
                                        name="healthlint-lint", daemon=True)
        process.start()
        theirs.close()
        self._process, self._conn, self._ready = process, ours, False

    def _ensure_ready(self) -> None:
        if self._process is None or not self._process.is_alive():
            self._discard()
            self._spawn()
        if self._ready:
            return
        detail = "it did not load its rules in time"
        try:
            if self._conn.poll(START_TIMEOUT):
                kind, detail = self._conn.recv()
                if kind == "ready":
                    self._ready = True
                    return
        except EOFError:
            self._process.join(5)
            detail = f"it exited with status {self._process.exitcode}"
        self._discard()
        raise LintProcessError(f"the linting process could not start: {detail}")

    def _discard(self) -> None:
        if self._process is not None:
            _stop(self._process)
        if self._conn is not None:
            self._conn.close()
        self._process = self._conn = None
        self._ready = False

    # -- requests --------------------------------------------------------------------

    def lint(self, request) -> bytes:
        """The body of the answer to ``request``; LintProcessError for a failure that is the server's."""
        with self._lock:
            self._ensure_ready()
            self._conn.send((request, self.cpu_deadline, self.max_findings, self.max_response))
            wait = self.hang_guard if _CPU_TIMER else self.cpu_deadline
            try:
                kind, detail = self._conn.recv() if self._conn.poll(wait) else ("hung", None)
            except EOFError:  # the child ended
                kind, detail = "ended", None
            if kind == "ok":
                return detail
            if kind == "error":
                raise LintProcessError(f"linting failed in the linting process:\n{detail}")
            process = self._process
            self._discard()  # the next request gets a new child
            if kind == "ended" and process.exitcode == _STOPPED:
                return stopped_response(
                    f"linting used more than its {self.cpu_deadline:g} s of CPU time and was stopped, "
                    "so the content was not fully checked (the server's --cpu-deadline)")
            if kind == "hung":
                return stopped_response(
                    f"linting did not finish within {wait:g} s and was stopped, so the content was not "
                    "fully checked")
            raise LintProcessError(f"the linting process ended (exit status {process.exitcode})")


def _stop(process) -> None:
    """End a child: SIGTERM, then SIGKILL if it does not go."""
    if process.is_alive():
        process.terminate()
        process.join(5)
    if process.is_alive():
        process.kill()
    process.join(5)

