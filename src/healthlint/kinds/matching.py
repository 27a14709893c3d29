"""Finding a pattern in a sentence, and the exceptions around a match that cancel it.

Every rule pattern runs with ``timeout=remaining()`` (see :mod:`healthlint.budget`).
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Iterator

import regex

from healthlint.budget import remaining
from healthlint.kinds.prefilter import PatternPlan, Plan
from healthlint.kinds.topics import after_topic
from healthlint.rules.model import Check, Exception_
from healthlint.rules.patterns import Pattern, as_rule_pattern


class SentenceMatcher:
    """Finds the matches of some checks that no exception cancels, sentence by sentence."""

    def __init__(self, checks: Iterable[Check], unless: Iterable[Exception_], clause_breaks: Pattern | regex.Pattern):
        self.checks = tuple(checks)
        self.unless = tuple(unless)
        self.clause_breaks = as_rule_pattern(clause_breaks)
        self.plans = tuple(PatternPlan(check.pattern) for check in self.checks)
        # Exceptions looked for inside the sentence are prefiltered like checks; wider ones are not.
        self.exception_plans = tuple(_exception_plans(check.unless) for check in self.checks)
        self.rule_exception_plans = _exception_plans(self.unless)

    def clause(self, document, s_start: int, s_end: int, m_start: int, m_end: int) -> tuple[int, int]:
        """The clause around a match: between the nearest clause breaks outside it.

        A sentence's breaks are found once, whichever rules and matches ask.
        """
        key = (self.clause_breaks, s_start)
        breaks = document.cache.get(key)
        if breaks is None:
            breaks = document.cache[key] = [m.span() for m in self.clause_breaks.compiled.finditer(
                document.prose, s_start, s_end, timeout=remaining())]
        c_start, c_end = s_start, s_end
        for b_start, b_end in breaks:
            if b_end <= m_start:
                c_start = b_end
            elif b_start >= m_end:
                c_end = b_start
                break
        return c_start, c_end

    def window(self, document, sentence, m_start: int, m_end: int, scope: str, clause) -> tuple[int, int]:
        if scope == "sentence":
            return sentence.start, sentence.end
        if scope == "before":
            return sentence.start, m_start
        if scope == "after":
            return m_end, sentence.end
        if scope == "match":
            return m_start, m_end
        if scope == "paragraph":
            return sentence.segment_start, sentence.segment_end
        if scope == "document":
            return 0, len(document.prose)
        c_start, c_end = clause
        if scope == "clause":
            return c_start, c_end
        if scope == "preceding":
            return c_start, m_start
        return m_end, c_end  # following

    def cancelled(self, document, sentence, m_start: int, m_end: int, exceptions: Iterable[Exception_],
                  plans: Iterable[PatternPlan | None]) -> bool:
        text = document.prose
        clause = None
        for exc, plan in zip(exceptions, plans):
            if clause is None and exc.scope in ("clause", "preceding", "following"):
                clause = self.clause(document, sentence.start, sentence.end, m_start, m_end)
            lo, hi = self.window(document, sentence, m_start, m_end, exc.scope, clause)
            if exc.links:
                if _link_in(document, lo, hi, exc.pattern):
                    return True
            elif hi > lo:
                if plan is None:
                    if exc.pattern.search(text, lo, hi, timeout=remaining()):
                        return True
                    continue
                shapes = plan.shapes_in(self.plan(document).scan, sentence.start)
                if (shapes is None or shapes) and plan.search(text, lo, hi, shapes):
                    return True
        return False

    def plan(self, document) -> Plan:
        plan = document.cache.get(self)
        if plan is None:
            plan = document.cache[self] = Plan(document, self.plans)
        return plan

    def sentences(self, document) -> list:
        """The document's sentences in which some check may match, in order (the others cannot)."""
        return self.plan(document).sentences

    def matches(self, document, sentence) -> Iterator[regex.Match]:
        """Every match in the sentence that no exception cancels."""
        text = document.prose
        for i, shapes in self.plan(document).searches(sentence.start):
            check = self.checks[i]
            for m in self.plans[i].finditer(text, sentence.start, sentence.end, shapes):
                if m.end() == m.start():
                    continue
                if check.topic is not None and not after_topic(document, sentence, m.start(), check.topic):
                    continue
                if self.cancelled(document, sentence, m.start(), m.end(), check.unless, self.exception_plans[i]):
                    continue
                if self.cancelled(document, sentence, m.start(), m.end(), self.unless, self.rule_exception_plans):
                    continue
                yield m

    def first(self, document, sentence) -> regex.Match | None:
        return next(self.matches(document, sentence), None)


# Exception scopes whose window lies inside the sentence of the match.
_WITHIN_SENTENCE = frozenset({"sentence", "clause", "preceding", "following", "before", "after", "match"})


def _exception_plans(exceptions: Iterable[Exception_]) -> tuple[PatternPlan | None, ...]:
    return tuple(PatternPlan(exc.pattern, selects=False) if not exc.links and exc.scope in _WITHIN_SENTENCE else None
                 for exc in exceptions)


def _link_in(document, lo: int, hi: int, pattern: regex.Pattern) -> bool:
    """Is there a link, by its text or its destination, within [lo, hi] whose URL matches?"""
    positions = document.cache.get(_LinkPositions)
    if positions is None:
        positions = document.cache[_LinkPositions] = _LinkPositions(document.links)
    return any(pattern.search(link.url, timeout=remaining()) for link in positions.near(lo, hi))


class _LinkPositions:
    """A document's links by where their anchor (text, else URL) and their URL start, for range lookups."""

    def __init__(self, links):
        by_anchor = sorted(((link.text_start if link.text_start is not None else link.url_start, i)
                            for i, link in enumerate(links)))
        by_url = sorted((link.url_start, i) for i, link in enumerate(links))
        self.links = links
        self.anchors = [at for at, _ in by_anchor]
        self.anchor_order = [i for _, i in by_anchor]
        self.urls = [at for at, _ in by_url]
        self.url_order = [i for _, i in by_url]

    def near(self, lo: int, hi: int):
        """Each link whose anchor lies in [lo, hi] or whose URL starts in [lo, hi + 2], once."""
        found = set(self.anchor_order[bisect_left(self.anchors, lo):bisect_right(self.anchors, hi)])
        found.update(self.url_order[bisect_left(self.urls, lo):bisect_right(self.urls, hi + 2)])
        return [self.links[i] for i in sorted(found)]


def in_scope(sentence, scopes) -> bool:
    return sentence.scope in scopes


def is_question(text: str, start: int, end: int) -> bool:
    tail = text[start:end].rstrip(" \t\r\n\"'”’)*_")
    return tail.endswith("?")


def describe(match_text: str, limit: int = 60) -> str:
    """The matched words for a message: white space folded, long matches shortened."""
    words = " ".join(match_text.split())
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"
