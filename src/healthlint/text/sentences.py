"""Sentence boundaries inside one prose segment.

A boundary is terminal punctuation (``.``, ``!``, ``?``, with closing quotes or
brackets) followed by white space and then a capital, a digit or an opening
quote; or a line break followed by a list marker. Not a boundary: a known
abbreviation ("Dr.", "e.g.", "U.S."), a single initial ("J. Smith"), a decimal
("2.5 mg": no space follows the point).
"""
from __future__ import annotations

import regex

ABBREVIATIONS = frozenset(
    """dr mr mrs ms prof st sr jr vs etc e.g eg i.e ie u.s u.k u.n no nos fig figs approx
    dept est min max mt ft oz lb lbs tbsp tsp vol ed eds al inc ltd co corp jan feb mar apr
    jun jul aug sep sept oct nov dec ph.d m.d b.sc cf ca colo calif mass""".split()
)

_CANDIDATE = regex.compile(r"[.!?]+[\"'”’)\]]*(\s+)[\"'“‘(\[]*(\S)")
_LIST_BREAK = regex.compile(r"\n[ \t]*(?:[-*•+]|\d{1,3}[.)])[ \t]+")
_WORD_BEFORE = regex.compile(r"[\w.]+", regex.REVERSE)  # matched leftwards from the dot
_MARKER_ONLY = regex.compile(r"\s*(?:\d{1,3}[.)]|[-*•+])\s*")
_MARKERS = "-*•+"


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.match(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group().lower()
    if word in ABBREVIATIONS:
        return True
    # A single initial, "J." or the last letter of "U.S.".
    return len(word) == 1 and word.isalpha() and text[m.start()].isupper()


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` offsets of the sentences in ``text[start:end]``, trimmed."""
    cuts = []
    for m in _CANDIDATE.finditer(text, start, end):
        nxt = m.group(2)
        if nxt.islower():
            continue
        punct_end = m.start(1)
        if text[m.start()] == "." and _is_abbreviation(text, m.start()):
            continue
        cuts.append(punct_end)
    if text.find("\n", start, end) >= 0:
        cuts.extend(m.start() for m in _LIST_BREAK.finditer(text, start, end))
        cuts.sort()
    cuts.append(end)
    out = []
    pos = start
    for cut in cuts:
        s, e = pos, cut
        while s < e and text[s].isspace():
            s += 1
        if (cut < end and s < e and (text[s] in _MARKERS or text[s].isdigit())
                and _MARKER_ONLY.fullmatch(text, pos, cut)):
            continue  # "1." of a numbered item or heading starts the sentence, it is not one
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
        pos = cut
    return out
