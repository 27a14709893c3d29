"""Splitting a pattern into its top-level alternatives, where that changes nothing.

A vocabulary of claim shapes compiles to one large alternation
``(?:shape1|shape2|...)``. Searching a sentence with the whole alternation
tries every shape at every position; when the literal prefilter already knows
that only shape 3 can match there, searching with shape 3 alone finds the
same matches for a fraction of the work.

Leftmost-first alternation is a merge of its alternatives: at each position
the first alternative that matches wins. Searching each alternative on its
own and taking the leftmost match (the lower index on a tie) gives the same
matches, provided the alternatives share nothing: no capturing groups or
back-references across them, no global inline flags, no ``\\G`` (whose meaning
depends on where a search starts: a caller that searches such an alternative
afresh from every position the whole would search from may allow it, see
``anchors``), and no alternative that can match the empty string.
:func:`split_alternatives` returns the alternatives' source texts only when
all of that holds, else ``None``.

The same holds one level down: ``(?:a|b)rest`` tries ``a`` then ``rest``
before it tries ``b`` then ``rest``, exactly as ``arest|brest`` does. So an
alternative that *begins* with an alternation (a shape led by a vocabulary,
"{efficacy_verbs}{gap}{conditions}") is distributed over it, one part per
leading word group. Each part then starts with a literal that the regex
engine scans for, and the prefilter searches only the parts whose words
occur, where the undivided shape tried every verb at every word of the
sentence. Only a leading alternation of :data:`DISTRIBUTED_LEAD` characters
or more is distributed (a vocabulary, not a handful of words, which the
engine tries cheaply), into as many parts as :data:`DISTRIBUTED_SIZE`
characters allow: every copy of what follows the alternation is compiled.
"""
from __future__ import annotations

import re

try:
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

from healthlint.rules.literals import without_regex_only_anchors

_GLOBAL_FLAGS = re.compile(r"\(\?[a-zA-Z]+\)")


def split_alternatives(pattern: str, anchors: bool = False) -> list[str] | None:
    r"""The top-level alternatives of ``pattern``, or ``None``.

    The alternation may sit inside one non-capturing group with zero-width
    assertions around it, as a vocabulary of whole words does:
    ``(?<![\w])(?:a|b)(?![\w])`` gives ``(?<![\w])a(?![\w])`` and
    ``(?<![\w])b(?![\w])``. (Only zero-width: they make no choices, so each
    alternative still backtracks in the same order.)

    ``anchors``: alternatives holding ``\\G`` are allowed; the caller must
    search them again from every position at which the whole pattern's search
    would go on (:func:`anchored` names them).
    """
    prefix, body, suffix = _around_group(pattern)
    parts = _split_top_level(body)
    if parts is None:
        return None
    parts = [distributed for part in parts for distributed in _distribute(prefix + part + suffix)]
    if len(parts) < 2:
        return None
    for part in parts:
        if _GLOBAL_FLAGS.search(part) or (not anchors and anchored(part)):
            return None
        try:
            parsed = _sre_parse.parse(without_regex_only_anchors(part) if anchors else part)
        except Exception:
            return None
        if parsed.state.groups > 1 or parsed.getwidth()[0] == 0:
            return None  # capturing groups, or a possible empty match
    return parts


def anchored(part: str) -> bool:
    """May ``part`` hold ``\\G`` (a match only where the search starts)? Read from the text: never missed."""
    return "\\G" in part


_ASSERTIONS = ("(?<!", "(?<=", "(?=", "(?!")


_QUANTIFIERS = ("?", "*", "+", "{")

# The shortest leading alternation worth distributing, and the most characters its parts may add up to
# (more leading alternatives than that allows share a part, in runs of neighbours).
DISTRIBUTED_LEAD = 256
DISTRIBUTED_SIZE = 32_000


def _distribute(part: str) -> list[str]:
    """``P(?:A|B)R`` -> [``PAR``, ``PBR``] when P is zero-width and no quantifier follows the group; else [part].

    With more alternatives than :data:`DISTRIBUTED_SIZE` has room for, a part
    takes a run of them: ``P(?:A|B)R``, ``P(?:C|D)R``, still in their order.

    Alternatives that are themselves one whole group, ``(?:A|(?:B|C))``, are
    opened up first: ``A``, ``B``, ``C``; so is a part that is one whole group.
    """
    whole = part
    part = _unwrapped(part)
    i = _after_assertions(part, 0)
    if not part.startswith("(?:", i):
        return [whole]
    close = _closing(part, i)
    if close < 0 or close - i < DISTRIBUTED_LEAD or part.startswith(_QUANTIFIERS, close + 1):
        return [whole]
    leading = _split_top_level(part[i + 3:close])
    if leading is None or len(leading) < 2:
        return [whole]
    opened = []
    for alternative in leading:
        inner = _split_top_level(alternative[3:-1]) if _is_one_group(alternative) else None
        opened.extend(inner if inner is not None and len(inner) > 1 else [alternative])
    prefix, rest = part[:i], part[close + 1:]
    # as many parts as the copies of prefix and rest allow; each part a run of neighbouring alternatives
    copies = (DISTRIBUTED_SIZE - sum(map(len, opened))) // (len(prefix) + len(rest) + 4)
    count = min(len(opened), copies)
    if count < 2:
        return [whole]
    runs = [opened[len(opened) * k // count:len(opened) * (k + 1) // count] for k in range(count)]
    return [prefix + (run[0] if len(run) == 1 else "(?:" + "|".join(run) + ")") + rest for run in runs]


def _is_one_group(pattern: str) -> bool:
    """Is ``pattern`` a single non-capturing group, ``(?:...)`` with nothing after it?"""
    return pattern.startswith("(?:") and _closing(pattern, 0) == len(pattern) - 1


def _unwrapped(pattern: str) -> str:
    """``pattern`` without the non-capturing groups that enclose all of it: ``(?:(?:a|b))`` -> ``a|b``."""
    while _is_one_group(pattern):
        pattern = pattern[3:-1]
    return pattern


def _after_assertions(pattern: str, i: int) -> int:
    """Where the zero-width assertions (lookarounds, ``\\b``) that start at ``i`` end."""
    while (end := _zero_width(pattern, i)) > 0:
        i = end
    return i


def _zero_width(pattern: str, i: int) -> int:
    """The end of the zero-width assertion at ``i`` (a lookaround or ``\\b``), or -1."""
    if pattern.startswith("\\b", i):
        return i + 2
    if pattern.startswith(_ASSERTIONS, i):
        close = _closing(pattern, i)
        return close + 1 if close > 0 else -1
    return -1


def _around_group(pattern: str) -> tuple[str, str, str]:
    """``P(?:X)S`` -> (P, X, S) when P and S are zero-width assertions; else ("", pattern, "")."""
    i = _after_assertions(pattern, 0)
    if not pattern.startswith("(?:", i):
        return "", pattern, ""
    close = _closing(pattern, i)
    if close < 0:
        return "", pattern, ""
    if _after_assertions(pattern, close + 1) != len(pattern):
        return "", pattern, ""
    prefix, body, suffix = pattern[:i], _unwrapped(pattern[i + 3:close]), pattern[close + 1:]
    if not prefix and not suffix:
        inner = _around_group(body)
        if inner[1] is not body:
            return inner
    return prefix, body, suffix


def _structure(pattern: str, start: int = 0):
    """Yield ``(index, char, depth)`` for each ``(``, ``)`` and ``|`` that is syntax, not escaped
    or inside a character class; ``char`` is ``None`` (and iteration ends) at a class it cannot read.
    ``depth`` is the nesting around the character: after an opening, before a closing."""
    depth, i, n = 0, start, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i)
            if i < 0:
                yield -1, None, depth
                return
        elif ch == "(":
            depth += 1
            yield i, ch, depth
        elif ch == ")":
            yield i, ch, depth
            depth -= 1
        elif ch == "|":
            yield i, ch, depth
        i += 1


def _closing(pattern: str, open_at: int) -> int:
    """The index of the ``)`` closing the group opened at ``open_at``, or -1."""
    for i, ch, depth in _structure(pattern, open_at):
        if ch is None:
            return -1
        if ch == ")" and depth == 1:
            return i
    return -1


def _class_end(pattern: str, i: int) -> int:
    """The index of the ``]`` closing the character class opened at ``i``, or -1."""
    i += 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1  # a leading ] is a literal
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":  # a nested set (regex V1) or a literal: refuse to guess
            return -1
        if ch == "]":
            return i
        i += 1
    return -1


def _split_top_level(pattern: str) -> list[str] | None:
    parts, start, depth = [], 0, 0
    for i, ch, depth in _structure(pattern):
        if ch is None or (ch == ")" and depth == 0):
            return None  # an unreadable class, or a ")" closing nothing
        if ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    if _depth_at_end(pattern) != 0:
        return None
    parts.append(pattern[start:])
    return parts


def _depth_at_end(pattern: str) -> int:
    depth = 0
    for _i, ch, _depth in _structure(pattern):
        if ch is None:
            return -1
        depth += 1 if ch == "(" else -1 if ch == ")" else 0
    return depth
