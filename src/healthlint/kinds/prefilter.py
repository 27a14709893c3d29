"""One pass over a document that tells each pattern where, and with which of its shapes, it can match.

Every check pattern has a requirement (:mod:`healthlint.rules.literals`):
alternatives of clauses, each clause a set of strings of which a match
contains one. The strings of every loaded check go into one Aho-Corasick
automaton (pyahocorasick, :class:`ClauseIndex`), which finds every
occurrence in a document in a single linear pass, once per document for all
rules. A sentence that satisfies none of a check's alternatives is never
searched with that check, so most prose is never touched by most rules.

A pattern that is an alternation of independent shapes (a vocabulary of
claim shapes, :mod:`healthlint.rules.alternatives`) gets one requirement per
shape, and a sentence is searched only with the shapes whose requirement it
satisfies: the same matches, found with a fraction of the pattern.
Checks without a known requirement run on every sentence, as before.
"""
from __future__ import annotations

import threading
from itertools import chain
from operator import itemgetter
from typing import Iterator, Sequence

import ahocorasick
import regex

from healthlint.budget import remaining
from healthlint.rules.alternatives import split_alternatives
from healthlint.rules.literals import conjunction, required_literals, searchable
from healthlint.rules.patterns import Pattern


class ClauseIndex:
    """Every clause string of every loaded check, found in a document in one pass.

    Patterns register their shapes while rules load; the automaton is
    (re)built on the first scan after a registration. One scan of a document
    serves every rule, through ``document.cache``.
    """

    def __init__(self):
        self._clause_ids: dict[frozenset, int] = {}
        # clause id -> (pattern id, shape, the shape's other clause ids), keyed by each shape's first clause
        self._shapes_by_first: dict[int, list[tuple[int, int, tuple[int, ...]]]] = {}
        self._patterns = 0
        self._automaton = None
        self._lock = threading.Lock()

    def register(self, shapes: tuple[tuple[frozenset, ...], ...]) -> int:
        """Register one pattern's shapes (each a tuple of clauses, most selective first); return its id."""
        with self._lock:
            pattern_id = self._patterns
            self._patterns += 1
            for shape_index, shape in enumerate(shapes):
                ids = [self._clause_ids.setdefault(clause, len(self._clause_ids)) for clause in shape]
                if ids:
                    self._shapes_by_first.setdefault(ids[0], []).append((pattern_id, shape_index, tuple(ids[1:])))
            self._automaton = None
            return pattern_id

    def _current(self):
        automaton = self._automaton
        if automaton is None:
            with self._lock:
                if self._automaton is None:
                    by_string: dict[str, list[int]] = {}
                    for clause, clause_id in self._clause_ids.items():
                        for s in clause:
                            by_string.setdefault(s, []).append(clause_id)
                    built = ahocorasick.Automaton()
                    for s, ids in by_string.items():
                        built.add_word(s, tuple(ids))
                    if by_string:
                        built.make_automaton()
                    self._automaton = built
                automaton = self._automaton
        return automaton

    def scan(self, document) -> dict[int, dict[int, list[int]]]:
        """Pattern id -> sentence start -> the shapes of that pattern whose clauses all occur in that sentence."""
        satisfied = document.cache.get(self)
        if satisfied is not None:
            return satisfied
        satisfied = {}
        automaton = self._current()
        if len(automaton):
            text = searchable(document.prose)
            by_first = self._shapes_by_first
            found_in = automaton.iter
            for sentence in document.sentences:
                # every clause id found inside the sentence, gathered in C; the automaton is given the
                # sentence alone, since with start and end offsets it reads the whole text on each call
                ids = set(chain.from_iterable(map(_FOUND_IDS, found_in(text[sentence.start:sentence.end]))))
                if not ids:
                    continue
                contains = ids.issuperset
                start = sentence.start
                for clause_id in ids:
                    for pattern_id, shape, rest in by_first.get(clause_id, ()):
                        if not rest or contains(rest):
                            by_start = satisfied.get(pattern_id)
                            if by_start is None:
                                by_start = satisfied[pattern_id] = {}
                            shapes = by_start.get(start)
                            if shapes is None:
                                by_start[start] = [shape]
                            else:
                                shapes.append(shape)
        document.cache[self] = satisfied
        return satisfied


_FOUND_IDS = itemgetter(1)  # automaton.iter yields (end, clause ids)

INDEX = ClauseIndex()


class PatternPlan:
    """How to search one check pattern: whole, or shape by shape."""

    def __init__(self, pattern: Pattern):
        self.pattern = pattern
        self.parts = split_alternatives(pattern.pattern)
        self._compiled = [Pattern(part, pattern.flags) for part in self.parts or ()]
        if self.parts:
            self.requirement = tuple(conjunction(part, pattern.flags) for part in self.parts)
        else:
            self.requirement = required_literals(pattern.pattern, pattern.flags)
        self._register()

    def _register(self) -> None:
        # id None: search every sentence with the whole pattern; else the pattern's id in INDEX
        requirement = self.requirement
        self.id = None if requirement is None else INDEX.register(requirement)
        self.always = () if requirement is None else tuple(i for i, shape in enumerate(requirement) if not shape)

    def __getstate__(self):
        return {"pattern": self.pattern, "parts": self.parts, "_compiled": self._compiled,
                "requirement": self.requirement}

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)
        self._register()  # clause ids belong to this process's index

    def part(self, i: int) -> Pattern:
        return self._compiled[i]

    def shapes_in(self, satisfied: dict, sentence_start: int) -> tuple[int, ...] | None:
        """The shapes that may match in a sentence (none: no match there); ``None``: unknown, try the whole.

        ``satisfied`` is the document's :meth:`ClauseIndex.scan`.
        """
        if self.id is None:
            return None
        by_start = satisfied.get(self.id)
        found = by_start.get(sentence_start) if by_start else None
        if not found:
            return self.always
        if not self.always and len(found) == 1:
            return tuple(found)
        return tuple(sorted(set(found).union(self.always)))

    def search(self, text: str, start: int, end: int, shapes: tuple[int, ...] | None) -> bool:
        """Does the pattern match somewhere in ``text[start:end]``, searching only ``shapes`` when given?"""
        if shapes is None or self.parts is None:
            return self.pattern.search(text, start, end, timeout=remaining()) is not None
        return any(self._compiled[i].search(text, start, end, timeout=remaining()) for i in shapes)

    def finditer(self, text: str, start: int, end: int, shapes: tuple[int, ...] | None) -> Iterator[regex.Match]:
        """The matches of the pattern in ``text[start:end]``, searching only ``shapes`` when given.

        Leftmost-first alternation, merged by hand: the leftmost match of any
        shape, the lower shape on a tie, then on from its end.
        """
        if shapes is None or self.parts is None:
            yield from self.pattern.finditer(text, start, end, timeout=remaining())
            return
        pos = start
        found = {i: self.part(i).search(text, pos, end, timeout=remaining()) for i in shapes}
        while True:
            best = None
            for i in shapes:
                m = found[i]
                if m is not None and m.start() < pos:
                    m = found[i] = self.part(i).search(text, pos, end, timeout=remaining())
                if m is not None and (best is None or m.start() < best.start()):
                    best = m
            if best is None:
                return
            yield best
            pos = best.end()


class Plan:
    """For one matcher in one document: the sentences to search, and with which shapes of each check."""

    def __init__(self, document, plans: Sequence[PatternPlan]):
        self.plans = plans
        self.satisfied = satisfied = INDEX.scan(document)
        if any(plan.id is None or plan.always for plan in plans):
            self.sentences = document.sentences
        else:
            starts = {start for plan in plans for start in satisfied.get(plan.id, ())}
            self.sentences = [s for s in document.sentences if s.start in starts]

    def shapes(self, check: int, sentence_start: int) -> tuple[int, ...] | None:
        """How to search the sentence with check ``check``: None (whole pattern), or these shapes (none: skip)."""
        return self.plans[check].shapes_in(self.satisfied, sentence_start)
