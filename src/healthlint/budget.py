"""A CPU-time budget for one rule on one document, so that no rule pattern can hang a run.

Rule patterns come from YAML that anyone may write, and a pattern such as
``(a|aa)+$`` backtracks for longer than the age of the universe on a short
line. Every rule pattern therefore runs with the ``regex`` module's
``timeout=`` set to the time left in the rule's budget (:func:`remaining`).
When the budget is spent the rule stops, :func:`run_rule` reports that as an
error diagnostic naming the rule, and the other rules run as usual.

The budget is CPU time spent by the thread running the rule
(``time.thread_time``), not wall-clock time: a gate gives the same result for
the same input whether or not the other cores are busy, or the process is
descheduled. The ``regex`` module's own ``timeout=`` counts the process's CPU
time (C ``clock()``), which is the thread's in a CLI run (one thread per
process); in a threaded server it can only stop a call sooner, never later.

The budget lives in a context variable, so a ``Linter`` shared between
threads gives each call its own deadline.
"""
from __future__ import annotations

import contextvars
import time
from typing import Iterator

from healthlint.diagnostics import Severity

DEFAULT_RULE_TIMEOUT = 10.0  # CPU seconds per rule per document

# The thread CPU time (time.thread_time) at which the running rule's budget is spent.
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("healthlint_rule_deadline", default=None)


def remaining() -> float | None:
    """CPU seconds left for the running rule (``None``: no limit); raises TimeoutError once they are spent."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return None
    left = deadline - time.thread_time()
    if left <= 0:
        raise TimeoutError("rule time budget spent")
    return left


def run_rule(rule, document, seconds: float | None, runner=None) -> Iterator[tuple[int, int, str, Severity]]:
    """Yield ``(start, end, message, severity)`` for ``rule`` on ``document`` within ``seconds`` of CPU time.

    ``runner(rule, document)`` produces the rule's findings (default: ``rule.run``);
    a linter that caches findings passes its own.

    Findings made before a timeout are kept; the timeout itself is one more
    finding, an error at the start of the document, so a gate fails closed.
    """
    token = _DEADLINE.set(time.thread_time() + seconds if seconds else None)
    try:
        findings = runner(rule, document) if runner else rule.run(document)
        for start, end, message in findings:
            yield start, end, message, rule.severity
    except TimeoutError:
        yield 0, 0, (f"rule {rule.id} timed out after {seconds:g} s of CPU time on this file and was stopped; "
                     f"its findings here may be incomplete (check its patterns for catastrophic "
                     f"backtracking, or raise --rule-timeout)"), Severity.ERROR
    finally:
        _DEADLINE.reset(token)
