"""The words a pattern cannot match without: the key to skipping text no rule can match.

``required_literals(pattern)`` reads a regular expression and returns what
every match must contain, as alternatives of conjunctions of string sets::

    ((clause, clause, ...), (clause, ...), ...)

A match of the pattern contains, for at least one alternative, at least one
string of each of its clauses. For ``{efficacy_verbs}{gap}{conditions}`` that
is one alternative with two clauses: an efficacy verb *and* a condition word.
A top-level alternation (a vocabulary of claim shapes) gives one alternative
per shape. ``None`` means nothing is known: a pattern that can match with no
literal text, or syntax this reader does not follow.

Only ever an over-approximation: text holding no alternative's strings cannot
match, so the matcher never runs the pattern there; text holding them is
checked with the full pattern as before. Results never change, only the work.

White space counts as text: the searchable text (:func:`searchable`) reads
every white-space character as one space, so ``\\s`` is the literal " " and
``cures\\s+anxiety`` requires "cures " and " anxiety", which are rarer than
"cures" and "anxiety" and make short words usable ("ok " in "get the ok of
your doctor"). A clause with a common English word (" of ", " the ") comes
last: the first clause of a shape is where the search starts, and nearly
every sentence has a common word.

The pattern is parsed with the standard library's regular-expression parser,
whose syntax the rule patterns share with the ``regex`` module; zero-width
``regex``-only escapes (``\\G``, ``\\m``, ``\\M``) are dropped first, and any
other syntax it rejects gets no literals.
"""
from __future__ import annotations

import re

try:  # the standard library's parser (``sre_parse`` before 3.11)
    from re import _constants as _c, _parser as _sre_parse
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

# Shorter strings occur everywhere and would make every sentence a candidate.
MIN_LENGTH = 3
# A clause with more strings than this costs more to look for than it saves.
MAX_STRINGS = 20_000
# Bounds on the finite sets of strings a pattern piece matches exactly ("cures?" -> cure, cures).
MAX_EXACT = 256
MAX_CLASS = 8
# At most this many clauses per alternative: the most selective ones.
MAX_CLAUSES = 3
# Words in nearly every sentence: a clause made only of them ranks last, whatever its length.
COMMON_WORDS = frozenset("""
    a about after all also an and any are as at be because been but by can could did do does for
    from had has have he her his how i if in into is it its may more most no not now of on one only
    or other our out over so some such than that the their them then there these they this those to
    up use used was we were what when which who will with would you your
""".split())

Clause = frozenset
Requirement = tuple  # tuple of alternatives, each a tuple of clauses

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REGEX_ONLY_ZERO_WIDTH = re.compile(r"(?<!\\)((?:\\\\)*)\\[GmM]")
_PARSER_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.UNICODE


def required_literals(pattern: str, flags: int = 0) -> Requirement | None:
    """What every match of ``pattern`` contains (see the module docs); ``None`` if unknown."""
    items = _parse(pattern, flags)
    if items is None:
        return None
    if len(items) == 1 and items[0][0] == _c.SUBPATTERN:
        items = list(items[0][1][-1])
    if len(items) == 1 and items[0][0] == _c.BRANCH:
        branches = [list(b) for b in items[0][1][1]]
    else:
        branches = [items]
    alternatives = []
    for branch in branches:
        clauses = _best_clauses(branch)
        if not clauses:
            return None  # this shape can match without any known literal
        alternatives.append(clauses)
    return tuple(alternatives)


def conjunction(pattern: str, flags: int = 0) -> tuple[Clause, ...]:
    """The clauses every match of ``pattern`` satisfies; empty when none is known."""
    items = _parse(pattern, flags)
    return () if items is None else _best_clauses(items)


def without_regex_only_anchors(pattern: str) -> str:
    """``pattern`` less the zero-width escapes only ``regex`` knows (``\\G``, ``\\m``, ``\\M``), for the stdlib parser."""
    return _REGEX_ONLY_ZERO_WIDTH.sub(r"\1", pattern)


def _parse(pattern: str, flags: int) -> list | None:
    try:
        return list(_sre_parse.parse(without_regex_only_anchors(pattern), flags & _PARSER_FLAGS))
    except (RecursionError, Exception):  # syntax the stdlib parser does not share with ``regex``
        return None


def _best_clauses(items: list) -> tuple[Clause, ...]:
    try:
        clauses = _clauses(items)
    except RecursionError:
        return ()
    return tuple(sorted(_without_implied(clauses), key=_quality, reverse=True)[:MAX_CLAUSES])


def _usable(clause: Clause | None) -> bool:
    return (clause is not None and 0 < len(clause) <= MAX_STRINGS
            and all(len(s) >= MIN_LENGTH and s.isascii() for s in clause))


def _quality(clause: Clause) -> tuple[bool, int, int]:
    """No common word first, then a longer shortest word, then fewer strings: the rarer, the better."""
    return not _common(clause), min(len(s.strip(" ")) for s in clause), -len(clause)


def _common(clause: Clause) -> bool:
    """Is one of the clause's strings a common word (which nearly every sentence has)?"""
    return any(s.strip(" ") in COMMON_WORDS for s in clause)


def _without_implied(clauses: list[Clause]) -> list[Clause]:
    """``clauses`` less each one another implies: looking for it too would only cost time.

    A carried prefix comes back inside the next piece's clause: text with
    "cures " always has "cures". Of two clauses that imply each other the
    first is kept.
    """
    unique = list(dict.fromkeys(clauses))
    return [clause for i, clause in enumerate(unique)
            if not any(_implies(other, clause) and (j < i or not _implies(clause, other))
                       for j, other in enumerate(unique) if j != i)]


def _implies(clause: Clause, other: Clause) -> bool:
    """Does text holding a string of ``clause`` always hold one of ``other``'s (each starts with one)?"""
    lengths = sorted({len(s) for s in other})
    return all(any(s[:n] in other for n in lengths) for s in clause)


def _clauses(items: list, prefix: frozenset[str] = frozenset({""})) -> list[Clause]:
    """The usable clauses a concatenation requires: its literal runs and its required parts' clauses.

    A literal run that goes on into an alternation too large to spell out
    (``reliev(?:e|es|ed|ing|...)``, a vocabulary written as a trie) is
    carried into each branch, so the branches' strings keep their beginning.
    """
    clauses: list[Clause] = []
    run: set[str] = set(prefix)

    def close_run() -> None:
        nonlocal run
        clause = frozenset(run)
        if _usable(clause):
            clauses.append(clause)
        run = {""}

    for op, arg in items:
        exact = _exact(op, arg)
        if exact is not None and len(run) * len(exact) <= MAX_EXACT:
            run = {a + b for a in run for b in exact}
            continue
        carried = frozenset(run)
        close_run()
        if exact is not None:
            run = set(exact)
            continue
        clauses.extend(_required(op, arg, carried))
        run = set(_characters_before_next(op, arg, carried))  # "\\s+of" needs " of"
    close_run()
    return clauses


def _required(op, arg, prefix: frozenset[str] = frozenset({""})) -> list[Clause]:
    """Clauses that every match of one non-literal piece, after one of the strings ``prefix``, contains."""
    if op == _c.SUBPATTERN:
        return _clauses(list(arg[-1]), prefix)
    if op == getattr(_c, "ATOMIC_GROUP", None):
        return _clauses(list(arg), prefix)
    if op in _REPEATS:
        low, _high, inner = arg
        return _clauses(list(inner), prefix) if low >= 1 else []
    if op == _c.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            best = max(_clauses(list(branch), prefix), key=_quality, default=None)
            if best is None:
                return []  # one branch without literals: the alternation has none
            union |= best
        clause = frozenset(union)
        return [clause] if _usable(clause) else []
    return []  # classes, any-character, back-references: no literal known


def _exact(op, arg) -> frozenset[str] | None:
    """The finite set of (lowercase, ASCII) strings a piece matches, if it is small; else ``None``."""
    found = _exact_any(op, arg)
    return found if found is not None and all(s.isascii() for s in found) else None


def _exact_any(op, arg) -> frozenset[str] | None:
    if op == _c.LITERAL:
        return frozenset({_fold(chr(arg))})
    if op in _ZERO_WIDTH:
        return frozenset({""})
    if op == _c.IN:
        chars = set()
        for kind, value in arg:
            if kind == _c.LITERAL:
                chars.add(_fold(chr(value)))
            elif kind == _c.RANGE and value[1] - value[0] < MAX_CLASS:
                chars.update(_fold(chr(c)) for c in range(value[0], value[1] + 1))
            elif kind == _c.CATEGORY and value in _SPACE_CATEGORIES:
                chars.add(" ")
            else:
                return None
        return frozenset(chars) if len(chars) <= MAX_CLASS else None
    if op == _c.SUBPATTERN:
        return _exact_sequence(list(arg[-1]))
    if op == _c.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            part = _exact_sequence(list(branch))
            if part is None or len(union) + len(part) > MAX_EXACT:
                return None
            union |= part
        return frozenset(union)
    if op in _REPEATS:
        low, high, inner = arg
        if high > 3:
            return None
        once = _exact_sequence(list(inner))
        if once is None:
            return None
        out, power = set(), {""}
        for count in range(high + 1):
            if count >= low:
                out |= power
            if count < high:
                power = {a + b for a in power for b in once}
            if len(out) + len(power) > MAX_EXACT:
                return None
        return frozenset(out)
    return None


def _exact_sequence(items: list) -> frozenset[str] | None:
    strings = {""}
    for op, arg in items:
        part = _exact(op, arg)
        if part is None or len(strings) * len(part) > MAX_EXACT:
            return None
        strings = {a + b for a in strings for b in part}
    return frozenset(strings)


def _characters_before_next(op, arg, before: frozenset[str]) -> frozenset[str]:
    """What the next literal run can start with: one of the characters that end this piece, if known.

    ``before`` is the literal run this piece follows; when the piece can match
    nothing, the character before the next run may be the end of that run.
    """
    last = _last_characters(op, arg)
    if last is None:
        return frozenset({""})
    if _may_be_empty(op, arg):
        if "" in before or not before:
            return frozenset({""})
        last = last | {s[-1] for s in before}
    return last if len(last) <= MAX_CLASS else frozenset({""})


def _may_be_empty(op, arg) -> bool:
    """Can this piece match the empty string (zero-width pieces and optional repeats can)?"""
    if op in (_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY):
        return False
    if op in _REPEATS:
        return arg[0] == 0 or _all_may_be_empty(arg[2])
    if op == _c.SUBPATTERN:
        return _all_may_be_empty(arg[-1])
    if op == getattr(_c, "ATOMIC_GROUP", None):
        return _all_may_be_empty(arg)
    if op == _c.BRANCH:
        return any(_all_may_be_empty(branch) for branch in arg[1])
    return True  # zero-width assertions, and anything this reader does not follow


def _all_may_be_empty(items) -> bool:
    return all(_may_be_empty(op, arg) for op, arg in items)


def _last_characters(op, arg) -> frozenset[str] | None:
    """The few (folded) characters one of which ends every non-empty match of this piece; ``None`` if unknown."""
    if op in (_c.LITERAL, _c.IN):
        found = _exact(op, arg)
        return found if found is not None and all(len(ch) == 1 for ch in found) else None
    if op in _REPEATS:
        return _sequence_last_characters(arg[2])
    if op == _c.SUBPATTERN:
        return _sequence_last_characters(arg[-1])
    if op == getattr(_c, "ATOMIC_GROUP", None):
        return _sequence_last_characters(arg)
    if op == _c.BRANCH:
        union: set[str] = set()
        for branch in arg[1]:
            last = _sequence_last_characters(branch)
            if last is None:
                return None
            union |= last
        return frozenset(union) if len(union) <= MAX_CLASS else None
    return None


def _sequence_last_characters(items) -> frozenset[str] | None:
    """The last characters of a concatenation: its last piece's, and those before it while that may be empty."""
    union: set[str] = set()
    for op, arg in reversed(list(items)):
        if op in _ZERO_WIDTH:
            continue
        last = _last_characters(op, arg)
        if last is None:
            return None
        union |= last
        if len(union) > MAX_CLASS:
            return None
        if not _may_be_empty(op, arg):
            return frozenset(union)
    return None  # the whole concatenation may be empty: what ends it lies before it


# Characters that the ``regex`` module, ignoring case, matches to an ASCII letter although
# ``str.lower`` does not turn them into it (checked over every code point by the tests).
_FOLDS_TO_ASCII = {"\u0130": "i", "\u017f": "s", "\u212a": "k"}
# Every character ``str.isspace`` or the ``regex`` module's ``\s`` calls white space (checked by the tests).
WHITE_SPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
               "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")
_SPACE_CATEGORIES = {_c.CATEGORY_SPACE, _c.CATEGORY_UNI_SPACE}
_ASCII_FOLDS = str.maketrans({ch: " " for ch in WHITE_SPACE if ch.isascii()})
_FOLDS = str.maketrans({**_FOLDS_TO_ASCII, **{ch: " " for ch in WHITE_SPACE}})


def _fold(ch: str) -> str:
    """One pattern character as :func:`searchable` reads it."""
    return " " if ch in WHITE_SPACE else ch.lower()


def searchable(text: str) -> str:
    """``text`` lowercased, white space as spaces, for literal search: one character for one, offsets unchanged."""
    if text.isascii():
        return text.lower().translate(_ASCII_FOLDS)
    return text.translate(_FOLDS).lower()
