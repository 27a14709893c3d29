"""Finding a pattern in a sentence, and the exceptions around a match that cancel it.

Every rule pattern runs with ``timeout=remaining()`` (see :mod:`healthlint.budget`).
"""
from __future__ import annotations

from typing import Iterable, Iterator

import regex

from healthlint.budget import remaining
from healthlint.rules.model import Check, Exception_


class SentenceMatcher:
    """Finds the matches of some checks that no exception cancels, sentence by sentence."""

    def __init__(self, checks: Iterable[Check], unless: Iterable[Exception_], clause_breaks: regex.Pattern):
        self.checks = tuple(checks)
        self.unless = tuple(unless)
        self.clause_breaks = clause_breaks

    def clause(self, text: str, s_start: int, s_end: int, m_start: int, m_end: int) -> tuple[int, int]:
        """The clause around a match: between the nearest clause breaks outside it."""
        c_start, c_end = s_start, s_end
        for brk in self.clause_breaks.finditer(text, s_start, s_end, timeout=remaining()):
            if brk.end() <= m_start:
                c_start = brk.end()
            elif brk.start() >= m_end:
                c_end = brk.start()
                break
        return c_start, c_end

    def cancelled(self, text: str, s_start: int, s_end: int, m_start: int, m_end: int,
                  exceptions: Iterable[Exception_]) -> bool:
        clause = None
        for exc in exceptions:
            scope = exc.scope
            if scope == "sentence":
                lo, hi = s_start, s_end
            elif scope == "before":
                lo, hi = s_start, m_start
            elif scope == "after":
                lo, hi = m_end, s_end
            elif scope == "match":
                lo, hi = m_start, m_end
            else:
                if clause is None:
                    clause = self.clause(text, s_start, s_end, m_start, m_end)
                lo, hi = {
                    "clause": clause,
                    "preceding": (clause[0], m_start),
                    "following": (m_end, clause[1]),
                }[scope]
            if hi > lo and exc.pattern.search(text, lo, hi, timeout=remaining()):
                return True
        return False

    def matches(self, text: str, s_start: int, s_end: int) -> Iterator[regex.Match]:
        """Every match in ``text[s_start:s_end]`` that no exception cancels."""
        for check in self.checks:
            for m in check.pattern.finditer(text, s_start, s_end, timeout=remaining()):
                if m.end() == m.start():
                    continue
                if self.cancelled(text, s_start, s_end, m.start(), m.end(), check.unless):
                    continue
                if self.cancelled(text, s_start, s_end, m.start(), m.end(), self.unless):
                    continue
                yield m

    def first(self, text: str, s_start: int, s_end: int) -> regex.Match | None:
        return next(self.matches(text, s_start, s_end), None)


def in_scope(sentence, scopes) -> bool:
    return sentence.scope in scopes


def is_question(text: str, start: int, end: int) -> bool:
    tail = text[start:end].rstrip(" \t\r\n\"'”’)*_")
    return tail.endswith("?")


def describe(match_text: str, limit: int = 60) -> str:
    """The matched words for a message: white space folded, long matches shortened."""
    words = " ".join(match_text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
