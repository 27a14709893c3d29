"""The visible text of a Markdown HTML block, read by the HTML reader, at its source offsets.

A CommonMark renderer passes an HTML block through, so a browser shows its
text: ``<div>Kratom cures depression.</div>`` must be linted like a paragraph.
Both Markdown readers hand each block's pieces (its lines without the
container markers around it) here; the block is read by
:mod:`healthlint.text.html` (which decides what HTML shows: no comments,
scripts, ``pre``, ``code``...), and its words are copied into the prose at
their source offsets, its ``<a href>`` links recorded.
"""
from __future__ import annotations

import regex

from healthlint.text.document import Link, Segment
from healthlint.text.html import read_html
from healthlint.text.prose import ProseBuilder, blank

_SPACE = regex.compile(r"\s")


def read_html_block(builder: ProseBuilder, pieces: list[tuple[int, int]], scope: str,
                    segments: list[Segment], links: list[Link]) -> None:
    """Add the visible text of the HTML block made of ``pieces`` (source spans, in order)."""
    if not pieces:
        return
    source = builder.source
    base = pieces[0][0]
    end = pieces[-1][1]
    parts = []
    pos = base
    for start, stop in pieces:  # what lies between the pieces (container markers) is blanked
        parts.append(blank(source[pos:start]))
        parts.append(source[start:stop])
        pos = stop
    block = "".join(parts)
    if "<" not in block and "&" not in block:
        return  # nothing but markers
    document = read_html(block)
    prose = document.prose
    for seg in document.segments:
        first = last = None
        i = seg.start
        while i < seg.end:  # each word as the HTML reader placed it
            if prose[i].isspace():
                i += 1
                continue
            j = i
            while j < seg.end and not prose[j].isspace():
                j += 1
            if prose[i:j] == block[i:j]:
                builder.add(base + i, base + j)
                found = (base + i, base + j)
            else:  # a character reference: align the word's pieces in the source
                space = _SPACE.search(source, base + j, end)
                stop = space.start() if space else end
                a, b, _ = builder.add_words(prose[i:j], base + i, stop)
                found = (a, b) if a is not None else None
                if found is None:  # a reference only HTML decodes ('&#101' with no ';'): as the reader placed it
                    builder.place(base + i, stop, prose[i:j])
                    found = (base + i, stop) if stop - base - i >= j - i else None
            if found:
                first = found[0] if first is None else first
                last = found[1]
            i = j
        if first is not None:
            segments.append(Segment(first, last, seg.scope if seg.scope != "paragraph" else scope))
    for link in document.links:
        links.append(Link(link.url, base + link.url_start, base + link.url_end, link.kind,
                          None if link.text_start is None else base + link.text_start,
                          None if link.text_end is None else base + link.text_end))
