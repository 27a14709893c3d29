"""The per-rule budget is CPU time, so a gate gives the same result for the same input however busy the machine is.

The clocks are replaced rather than raced: a busy other core (or a descheduled
process) is a wall clock that runs ahead while this thread's CPU time does not.
"""
from __future__ import annotations

import itertools
import time

import pytest

from healthlint import Linter
from healthlint import budget

ARTICLE = ("# Kratom\n\nKratom cures depression. It is completely safe.\n"
           "Take two grams a day for anxiety and for pain relief.\n"
           "[Buy kratom](https://amzn.to/x?tag=a)\n")


def _racing(start: float, step: float):
    ticks = itertools.count()
    return lambda: start + step * next(ticks)


@pytest.fixture(scope="module")
def unlimited():
    return Linter(rule_timeout=None).lint_text(ARTICLE, "a.md")


def test_wall_clock_running_ahead_does_not_time_a_rule_out(monkeypatch, unlimited):
    assert unlimited and not any("timed out" in d.message for d in unlimited)
    linter = Linter(rule_timeout=1.0)
    for name in ("monotonic", "perf_counter", "time"):  # an hour of wall clock at every look
        monkeypatch.setattr(time, name, _racing(getattr(time, name)(), 3600.0))
    assert linter.lint_text(ARTICLE, "a.md") == unlimited


def test_cpu_time_spent_times_the_rule_out(monkeypatch, unlimited):
    linter = Linter(rule_timeout=2.0, select=["unhedged-cure-claim"], ignore=[])
    monkeypatch.setattr(time, "thread_time", _racing(time.thread_time(), 1.0))  # one CPU second per look
    found = linter.lint_text(ARTICLE, "a.md")
    assert [(d.rule, d.line, d.column) for d in found if "timed out" in d.message] == [("unhedged-cure-claim", 1, 1)]
    assert "timed out after 2 s of CPU time" in found[0].message


def test_remaining_counts_this_threads_cpu_time(monkeypatch):
    now = {"cpu": 100.0}
    monkeypatch.setattr(time, "thread_time", lambda: now["cpu"])
    monkeypatch.setattr(time, "monotonic", _racing(0.0, 1000.0))

    class Rule:
        id, severity = "r", None

        def run(self, document):
            assert budget.remaining() == 5.0
            now["cpu"] += 4.0
            assert budget.remaining() == 1.0
            yield 0, 1, "found"
            now["cpu"] += 1.0
            budget.remaining()  # spent: raises TimeoutError
            yield 1, 2, "never"

    findings = list(budget.run_rule(Rule(), None, 5.0))
    assert [f[:3] for f in findings][0] == (0, 1, "found")
    assert "timed out after 5 s of CPU time" in findings[1][2] and len(findings) == 2
    assert budget.remaining() is None  # outside a rule: no limit
