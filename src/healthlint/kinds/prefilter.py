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
from healthlint.rules.alternatives import anchored, split_alternatives
from healthlint.rules.literals import conjunction, required_literals, searchable
from healthlint.rules.patterns import Pattern, as_rule_pattern


class ClauseIndex:
    """Every clause string of every loaded check, found in a document in one pass.

    Patterns register their shapes while rules load; the automaton is
    (re)built on the first scan after a registration. One scan of a document
    serves every rule, through ``document.cache``.

    A pattern that *selects* sentences (a check: which sentences to search at
    all) is resolved for every sentence during the scan. One that is only
    consulted about a sentence already chosen (an exception, looked for
    around a match) is resolved when asked, from the clause ids the scan
    keeps for each sentence: most sentences never need it.
    """

    def __init__(self):
        self._clause_ids: dict[frozenset, int] = {}
        # clause id -> (pattern id, shape, the shape's other clause ids), keyed by each selecting shape's first clause
        self._shapes_by_first: dict[int, list[tuple[int, int, tuple[int, ...]]]] = {}
        self._firsts: frozenset[int] = frozenset()
        self._patterns = 0
        self._automaton = None
        self._lock = threading.Lock()

    def register(self, shapes: tuple[tuple[frozenset, ...], ...], selects: bool = True) -> tuple[int, tuple]:
        """Register one pattern's shapes (each a tuple of clauses, most selective first).

        Returns the pattern's id and, for each shape, the ids of its clauses.
        """
        with self._lock:
            pattern_id = self._patterns
            self._patterns += 1
            shape_ids = []
            for shape_index, shape in enumerate(shapes):
                ids = tuple(self._clause_ids.setdefault(clause, len(self._clause_ids)) for clause in shape)
                shape_ids.append(ids)
                if ids and selects:
                    self._shapes_by_first.setdefault(ids[0], []).append((pattern_id, shape_index, ids[1:]))
            self._firsts = frozenset(self._shapes_by_first)
            self._automaton = None
            return pattern_id, tuple(shape_ids)

    def _current(self):
        automaton = self._automaton
        if automaton is None:
            with self._lock:
                if self._automaton is None:
                    self._automaton = clause_automaton(self._clause_ids)
                automaton = self._automaton
        return automaton

    def scan(self, document) -> "Scan":
        """The clause ids in each sentence, and the shapes of each selecting pattern that each sentence satisfies."""
        found = document.cache.get(self)
        if found is not None:
            return found
        found = Scan()
        automaton = self._current()
        if len(automaton):
            text = searchable(document.prose)
            by_first = self._shapes_by_first
            firsts = self._firsts
            found_in = automaton.iter
            satisfied = found.satisfied
            clauses_at = found.clauses_at
            for sentence in document.sentences:
                # every clause id found inside the sentence, gathered in C; the automaton is given the
                # sentence alone, since with start and end offsets it reads the whole text on each call
                ids = set(chain.from_iterable(map(_FOUND_IDS, found_in(text[sentence.start:sentence.end]))))
                if not ids:
                    continue
                start = sentence.start
                clauses_at[start] = ids
                contains = ids.issuperset
                for clause_id in firsts.intersection(ids):
                    for pattern_id, shape, rest in by_first[clause_id]:
                        if not rest or contains(rest):
                            by_start = satisfied.get(pattern_id)
                            if by_start is None:
                                by_start = satisfied[pattern_id] = {}
                            shapes = by_start.get(start)
                            if shapes is None:
                                by_start[start] = [shape]
                            else:
                                shapes.append(shape)
        document.cache[self] = found
        return found


def clause_automaton(clause_ids: dict[frozenset, int]):
    """An Aho-Corasick automaton of every clause's strings, each found as the ids of the clauses holding it."""
    by_string: dict[str, list[int]] = {}
    for clause, clause_id in clause_ids.items():
        for string in clause:
            by_string.setdefault(string, []).append(clause_id)
    built = ahocorasick.Automaton()
    for string, ids in by_string.items():
        built.add_word(string, tuple(ids))
    if by_string:
        built.make_automaton()
    return built


class Scan:
    """What :meth:`ClauseIndex.scan` found in one document."""

    __slots__ = ("satisfied", "clauses_at", "resolved")

    def __init__(self):
        # selecting pattern id -> sentence start -> its shapes whose clauses all occur in that sentence
        self.satisfied: dict[int, dict[int, list[int]]] = {}
        # sentence start -> the ids of the clauses found in it (sentences with none are left out)
        self.clauses_at: dict[int, set[int]] = {}
        # (pattern id, sentence start) -> the shapes of a pattern that does not select, once asked for
        self.resolved: dict[tuple[int, int], tuple[int, ...]] = {}


_FOUND_IDS = itemgetter(1)  # automaton.iter yields (end, clause ids)

INDEX = ClauseIndex()


class PatternPlan:
    """How to search one check pattern: whole, or shape by shape.

    ``selects``: the pattern chooses the sentences to search (a check), rather
    than being consulted about a sentence already chosen (an exception).
    """

    def __init__(self, pattern: Pattern | regex.Pattern, selects: bool = True):
        self.pattern = as_rule_pattern(pattern)
        self.selects = selects
        self.parts = split_alternatives(pattern.pattern, anchors=True)
        self._compiled = [Pattern(part, pattern.flags) for part in self.parts or ()]
        # parts with \G match only where a search starts: searched again from each new position
        self.anchored = frozenset(i for i, part in enumerate(self.parts or ()) if anchored(part))
        if self.parts:
            self.requirement = tuple(conjunction(part, pattern.flags) for part in self.parts)
        else:
            self.requirement = required_literals(pattern.pattern, pattern.flags)
        self._register()

    def _register(self) -> None:
        # id None: search every sentence with the whole pattern; else the pattern's id in INDEX
        requirement = self.requirement
        # for a pattern that does not select (the index resolves those that do): first clause id ->
        # (shape, the ids of its other clauses)
        self._by_first: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        if requirement is None:
            self.id = None
        else:
            self.id, clause_ids = INDEX.register(requirement, self.selects)
            for shape, ids in enumerate(clause_ids):
                if ids and not self.selects:
                    self._by_first.setdefault(ids[0], []).append((shape, ids[1:]))
        self._firsts = frozenset(self._by_first)
        self.always = () if requirement is None else tuple(i for i, shape in enumerate(requirement) if not shape)

    def __getstate__(self):
        return {"pattern": self.pattern, "selects": self.selects, "parts": self.parts, "_compiled": self._compiled,
                "requirement": self.requirement, "anchored": self.anchored}

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)
        self._register()  # clause ids belong to this process's index

    def part(self, i: int) -> Pattern:
        return self._compiled[i]

    def shapes_in(self, scan: Scan, sentence_start: int) -> tuple[int, ...] | None:
        """The shapes that may match in a sentence (none: no match there); ``None``: unknown, try the whole.

        ``scan`` is the document's :meth:`ClauseIndex.scan`.
        """
        if self.id is None:
            return None
        if not self.selects:
            ids = scan.clauses_at.get(sentence_start)
            if not ids:
                return self.always
            key = (self.id, sentence_start)
            shapes = scan.resolved.get(key)
            if shapes is None:  # resolved once per sentence, however many matches ask
                contains = ids.issuperset
                found = [shape for first in self._firsts.intersection(ids)
                         for shape, rest in self._by_first[first] if not rest or contains(rest)]
                shapes = scan.resolved[key] = tuple(sorted(found + list(self.always))) if found else self.always
            return shapes
        by_start = scan.satisfied.get(self.id)
        found = by_start.get(sentence_start) if by_start else None
        if not found:
            return self.always
        if not self.always and len(found) == 1:
            return tuple(found)
        return tuple(sorted(set(found).union(self.always)))

    def search(self, text: str, start: int, end: int, shapes: tuple[int, ...] | None) -> bool:
        """Does the pattern match somewhere in ``text[start:end]``, searching only ``shapes`` when given?"""
        if shapes is None or self.parts is None:
            return self.pattern.compiled.search(text, start, end, timeout=remaining()) is not None
        parts = self._compiled
        for i in shapes:
            if parts[i].compiled.search(text, start, end, timeout=remaining()) is not None:
                return True
        return False

    def finditer(self, text: str, start: int, end: int, shapes: tuple[int, ...] | None) -> Iterator[regex.Match]:
        """The matches of the pattern in ``text[start:end]``, searching only ``shapes`` when given.

        Leftmost-first alternation, merged by hand: the leftmost match of any
        shape, the lower shape on a tie, then on from its end.
        """
        if shapes is None or self.parts is None:
            yield from self.pattern.compiled.finditer(text, start, end, timeout=remaining())
            return
        pos = start
        parts = self._compiled
        found = {i: parts[i].compiled.search(text, pos, end, timeout=remaining()) for i in shapes}
        anchored = self.anchored
        while True:
            best = None
            for i in shapes:
                m = found[i]
                if (m is not None and m.start() < pos) or (i in anchored and pos > start):
                    m = found[i] = parts[i].compiled.search(text, pos, end, timeout=remaining())
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
        self.scan = scan = INDEX.scan(document)
        self._searches: dict[int, list[tuple[int, tuple[int, ...]]]] | None = None
        if any(plan.id is None or plan.always for plan in plans):
            self.sentences = document.sentences  # some check may match in any sentence
            return
        # sentence start -> (check, its shapes) to search there, checks in order
        searches: dict[int, list[tuple[int, tuple[int, ...]]]] = {}
        for check, plan in enumerate(plans):
            for start, shapes in scan.satisfied.get(plan.id, {}).items():
                shapes = tuple(shapes) if len(shapes) == 1 else tuple(sorted(shapes))
                at = searches.get(start)
                if at is None:
                    searches[start] = [(check, shapes)]
                else:
                    at.append((check, shapes))
        self._searches = searches
        self.sentences = [s for s in document.sentences if s.start in searches]

    def searches(self, sentence_start: int) -> list[tuple[int, tuple[int, ...] | None]]:
        """Each check that may match in the sentence, with how to search it: ``None`` (whole) or these shapes."""
        if self._searches is not None:
            return self._searches.get(sentence_start, ())
        found = []
        for check, plan in enumerate(self.plans):
            shapes = plan.shapes_in(self.scan, sentence_start)
            if shapes is None or shapes:
                found.append((check, shapes))
        return found


class LiteralFilter:
    """A pattern searched in short texts of their own (link destinations), skipped where it cannot match.

    The prose prefilter works sentence by sentence; a link's URL is not prose.
    This one holds the pattern's required strings (:mod:`healthlint.rules.literals`)
    in an automaton of its own and searches the pattern only in a text that
    holds every clause of one of its shapes: the same matches, for most links
    without running the pattern at all.
    """

    def __init__(self, pattern: Pattern):
        self.pattern = pattern
        self.requirement = required_literals(pattern.pattern, pattern.flags)
        self._automaton = None

    def __getstate__(self):
        return {"pattern": self.pattern, "requirement": self.requirement}

    def __setstate__(self, state) -> None:
        self.__dict__.update(state)
        self._automaton = None

    def search(self, text: str) -> regex.Match | None:
        """The pattern's first match in ``text``, or ``None``."""
        if self.requirement is not None and not self._may_match(text):
            return None
        return self.pattern.search(text, timeout=remaining())

    def _may_match(self, text: str) -> bool:
        automaton = self._automaton
        if automaton is None:
            automaton = self._automaton = self._build()
        found = set(chain.from_iterable(map(_FOUND_IDS, automaton.iter(searchable(text))))) if len(automaton) else set()
        return any(found.issuperset(shape) for shape in self._shapes)

    def _build(self):
        ids: dict[frozenset, int] = {}
        self._shapes = [frozenset(ids.setdefault(clause, len(ids)) for clause in shape) for shape in self.requirement]
        return clause_automaton(ids)
