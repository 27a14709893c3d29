"""Building the prose mask: source offsets kept, everything that is not prose blanked."""
from __future__ import annotations

import regex

from healthlint.text.document import Link
from healthlint.text.urls import find_urls, may_hold_url

_NOT_LINE_BREAK = regex.compile(r"[^\r\n]+")
_WORD_OR_MARK = regex.compile(r"\w+|[^\w\s]")


class ProseBuilder:
    """Collects the source spans that are prose and renders them over a blank canvas."""

    def __init__(self, source: str):
        self.source = source
        self.spans: list[tuple[int, int]] = []

    def add(self, start: int, end: int) -> None:
        if end > start:
            self.spans.append((start, end))

    def add_words(self, text: str, start: int, limit: int) -> tuple[int | None, int | None, int]:
        """Add the words and marks of ``text`` found in order in the source from ``start`` to ``limit``.

        For a text that differs from its source (escapes, entities): returns
        the first and last offsets added (``None`` if none) and where the
        search stopped.
        """
        source = self.source
        first = last = None
        cursor = start
        for piece in _WORD_OR_MARK.finditer(text):
            p = source.find(piece.group(), cursor, limit)
            if p < 0:
                continue
            cursor = p + len(piece.group())
            self.add(p, cursor)
            first = p if first is None else first
            last = cursor
        return first, last, cursor

    def render(self) -> str:
        src = self.source
        canvas = blank(src)
        out = []
        pos = 0
        for start, end in sorted(self.spans):
            if start < pos:
                start = pos
            if end <= start:
                continue
            out.append(canvas[pos:start])
            out.append(src[start:end])
            pos = end
        out.append(canvas[pos:])
        return "".join(out)


def blank(text: str) -> str:
    """``text`` with every character but line breaks turned into a space."""
    if "\r" in text:
        return _NOT_LINE_BREAK.sub(lambda m: " " * len(m.group()), text)
    return "\n".join(map(" ".__mul__, map(len, text.split("\n"))))


def cut_bare_urls(prose: str, segments, links: list[Link]) -> str:
    """Record the bare URLs of each segment as links and blank them out of the prose."""
    if not may_hold_url(prose):
        return prose
    for seg in segments:
        prose = _cut_bare_urls(prose, seg.start, seg.end, links)
    return prose


def _cut_bare_urls(prose: str, start: int, end: int, links: list[Link]) -> str:
    found = list(find_urls(prose, start, end))
    if not found:
        return prose
    pieces = []
    pos = 0
    for s, e in found:
        links.append(Link(url=prose[s:e], url_start=s, url_end=e, kind="bare"))
        pieces.append(prose[pos:s])
        pieces.append(" " * (e - s))
        pos = e
    pieces.append(prose[pos:])
    return "".join(pieces)
