"""Plain text: paragraphs separated by blank lines, with a wrapped-or-not judgement per block.

A block whose lines are all short (hard-wrapped at 60–100 columns, as e-mail
newsletters are) reads as one paragraph across its line breaks. A block with
long lines (one paragraph per line, as many exported articles are) treats each
line as its own paragraph, so a heading line never runs into the next
paragraph. A line starting with a list marker always starts a new item.
"""
from __future__ import annotations

import regex

from healthlint.text.document import Document, Segment
from healthlint.text.prose import ProseBuilder, cut_bare_urls

WRAP_WIDTH = 100
_LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_LIST_MARKER = regex.compile(r"[ \t]*(?:[-*•+]|\d{1,3}[.)])[ \t]+(?=\S)")
_TERMINAL = tuple(".!?:;\"”’)")


def _lines(source: str):
    """Yield ``(start, end_without_newline)`` for each line."""
    pos = 0
    n = len(source)
    while pos < n:
        m = _LINE.match(source, pos)
        text_end = m.end()
        while text_end > m.start() and source[text_end - 1] in "\r\n":
            text_end -= 1
        yield m.start(), text_end
        if m.end() == pos:
            break
        pos = m.end()


def _blocks(source: str):
    block = []
    for start, end in _lines(source):
        if source[start:end].strip():
            block.append((start, end))
        elif block:
            yield block
            block = []
    if block:
        yield block


def _continues(prev: str, nxt: str, wrapped: bool, width: int) -> bool:
    """Does the paragraph run on from line ``prev`` into line ``nxt``?"""
    if _LIST_MARKER.match(nxt) or not wrapped:
        return False
    prev = prev.rstrip()
    if nxt.lstrip()[:1].islower():
        return True
    if prev.endswith(_TERMINAL):
        return True  # the sentence splitter decides at the punctuation
    # An unpunctuated short line before a capital is a heading or a label.
    return len(prev) >= 0.6 * width


def read_plaintext(source: str, path: str = "<text>") -> Document:
    links = []
    segments = []
    for block in _blocks(source):
        texts = [source[s:e] for s, e in block]
        width = max(len(t.rstrip()) for t in texts)
        wrapped = len(block) > 1 and max(len(t.rstrip()) for t in texts[:-1]) <= WRAP_WIDTH
        seg_start = block[0][0]
        for i in range(1, len(block)):
            if not _continues(texts[i - 1], texts[i], wrapped, width):
                segments.append(_segment(source, seg_start, block[i - 1][1]))
                seg_start = block[i][0]
        segments.append(_segment(source, seg_start, block[-1][1]))
    builder = ProseBuilder(source)
    for seg in segments:
        builder.add(seg.start, seg.end)
    prose = builder.render()
    prose = cut_bare_urls(prose, segments, links)
    return Document(path=path, source=source, prose=prose, segments=segments, links=links, kind="text")


def _segment(source: str, start: int, end: int) -> Segment:
    marker = _LIST_MARKER.match(source, start, end)
    if marker:
        return Segment(marker.end(), end, "list")
    return Segment(start, end, "paragraph")
