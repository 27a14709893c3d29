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
depends on where a search starts), and no alternative that can match the
empty string. :func:`split_alternatives` returns the
alternatives' source texts only when all of that holds, else ``None``.
"""
from __future__ import annotations

import re

try:
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_GLOBAL_FLAGS = re.compile(r"\(\?[a-zA-Z]+\)")


def split_alternatives(pattern: str) -> list[str] | None:
    """The top-level alternatives of ``pattern`` (inside one enclosing non-capturing group), or ``None``."""
    body = _strip_enclosing_group(pattern)
    parts = _split_top_level(body)
    if parts is None or len(parts) < 2:
        return None
    for part in parts:
        if _GLOBAL_FLAGS.search(part) or "\\G" in part:
            return None
        try:
            parsed = _sre_parse.parse(part)
        except Exception:
            return None
        if parsed.state.groups > 1 or parsed.getwidth()[0] == 0:
            return None  # capturing groups, or a possible empty match
    return parts


def _strip_enclosing_group(pattern: str) -> str:
    """``(?:X)`` -> ``X`` when the group spans the whole pattern."""
    while pattern.startswith("(?:") and pattern.endswith(")") and _closing(pattern, 0) == len(pattern) - 1:
        pattern = pattern[3:-1]
    return pattern


def _closing(pattern: str, open_at: int) -> int:
    """The index of the ``)`` closing the group opened at ``open_at``, or -1."""
    depth = 0
    i = open_at
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i)
            if i < 0:
                return -1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
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
    parts, depth, start, i, n = [], 0, 0, 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(pattern, i)
            if i < 0:
                return None
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                return None
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    if depth != 0:
        return None
    parts.append(pattern[start:])
    return parts
