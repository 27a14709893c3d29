"""Markdown link syntax in the source: where a link's destination and a reference definition's URL are.

Parsers tell what a link points to but not where that URL is written; the
link rules report at the URL, so both Markdown readers find it here, in the
source, from the end of the link's text.
"""
from __future__ import annotations

import regex

from healthlint.text.document import Link

DEFINITION = regex.compile(r"[ \t]{0,3}\[((?:[^\]\\]|\\.)+)\]:[ \t]*(?:<([^>\n]*)>|(\S+))")
_SPACE = regex.compile(r"[ \t]*")
_PLAIN_URL = regex.compile(r"[!-'*-~]*")

# A definition's normalized label -> (url, url_start, url_end)
Definitions = dict[str, tuple[str, int, int]]


def normalize_label(label: str) -> str:
    return " ".join(label.split()).casefold()


def read_definition(source: str, line_start: int, definitions: Definitions, links: list[Link]) -> None:
    """Record the reference definition written at ``line_start``, unless its label is already defined."""
    m = DEFINITION.match(source, line_start)
    if not m:
        return
    label = normalize_label(m.group(1))
    if label in definitions:
        return  # the first definition of a label wins
    group = 2 if m.group(2) is not None else 3
    span = (m.group(group), m.start(group), m.end(group))
    definitions[label] = span
    links.append(Link(span[0], span[1], span[2], "definition"))


def destination(src: str, cursor: int, limit: int, link_text: str, href: str,
                definitions: Definitions) -> tuple[tuple[str, int, int, str] | None, int]:
    """After a link's text (from ``cursor``): its ``(url, start, end, kind)``, and the offset just past the link.

    ``kind`` is ``inline`` for ``[text](url)``, ``reference`` for ``[text][label]``,
    ``[text][]`` and ``[text]`` (at the definition's URL when it is known,
    else at the closing bracket with ``href``).
    """
    close = src.find("]", cursor, limit)
    if close < 0:
        return None, cursor
    after = close + 1
    if src.startswith("(", after):
        url_start = after + 1 + len(_SPACE.match(src, after + 1).group())
        if src.startswith("<", url_start):
            url_start += 1
            url_end = src.find(">", url_start, limit)
        else:
            # printable ASCII other than parentheses never ends the URL nor nests: skip it at once
            url_end = _PLAIN_URL.match(src, url_start, limit).end()
            depth = 0
            while url_end < limit and not src[url_end].isspace():
                ch = src[url_end]
                if ch == "(":
                    depth += 1
                elif ch == ")":
                    if depth == 0:
                        break
                    depth -= 1
                url_end += 1
        return (src[url_start:url_end], url_start, url_end, "inline"), _closing_paren(src, url_end, limit)
    label = link_text
    if src.startswith("[", after):
        label_end = src.find("]", after, limit)
        if label_end > after + 1:
            label = src[after + 1:label_end]
        resume = label_end + 1 if label_end >= 0 else after
    else:
        resume = after
    definition = definitions.get(normalize_label(label))
    if definition:
        return (definition[0], definition[1], definition[2], "reference"), resume
    return (href, close, close, "reference"), resume


def _closing_paren(src: str, pos: int, limit: int) -> int:
    """Offset just past the ``)`` that closes a link destination (titles may contain parens)."""
    quote = None
    while pos < limit:
        ch = src[pos]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == ")":
            return pos + 1
        pos += 1
    return limit
