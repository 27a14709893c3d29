"""Building the prose mask: source offsets kept, everything that is not prose blanked."""
from __future__ import annotations

import html
from html.entities import html5

import regex

from healthlint.text.document import Link
from healthlint.text.urls import find_urls, may_hold_url

_NOT_LINE_BREAK = regex.compile(r"[^\r\n]+")
# Letters and digits, or one mark: an escaped "\_" inside a word is found as a mark of its own.
_WORD_OR_MARK = regex.compile(r"[^\W_]+|[^\s]")
_LETTERS = regex.compile(r"[^\W_]+")
# A character reference as an HTML page decodes it: named with its ';', or one of the legacy names
# HTML5 decodes without it ("caf&eacute" shows "café"), longest first, as html.unescape reads them.
_LEGACY_NAMES = sorted((name for name in html5 if not name.endswith(";")), key=len, reverse=True)
_LEGACY_REFERENCE = regex.compile(r"&(?:" + "|".join(_LEGACY_NAMES) + ")")
# A numeric one ends at its last digit, its ';' optional, as HTML5 (and html.unescape) reads it.
_REFERENCE = regex.compile(r"&#(?:[0-9]+|[xX][0-9a-fA-F]+);?|&[A-Za-z][A-Za-z0-9]{1,31};"
                           r"|" + _LEGACY_REFERENCE.pattern)
_REFERENCE_REACH = 40  # source characters one decoded character may take ("&CounterClockwiseContourIntegral;")
_SPACE = regex.compile(r"\s")
_LETTER_OUTSIDE_REFERENCES = regex.compile(r"&(?:#[0-9xX]\w*|[A-Za-z][A-Za-z0-9]*);|([^\W_])")


class ProseBuilder:
    """Collects the source spans that are prose and renders them over a blank canvas.

    A word a character reference spells (``cur&#101;s``) is placed decoded: its
    letters stand together from the word's first offset and the slack goes to
    the white space after it, so a finding inside such a word may be off by at
    most the references' length (as in :mod:`healthlint.text.html`).
    """

    def __init__(self, source: str):
        self.source = source
        self.spans: list[tuple[int, int]] = []
        self.placed: list[tuple[int, int, str]] = []  # (start, end, decoded letters) of spelled words

    def add(self, start: int, end: int) -> None:
        if end > start:
            self.spans.append((start, end))

    def place(self, start: int, end: int, word: str) -> None:
        """Place ``word``, decoded, over the source span ``start:end`` that spells it (no longer than it)."""
        if end - start >= len(word) > 0:
            self.placed.append((start, end, word))

    def add_words(self, text: str, start: int, limit: int) -> tuple[int | None, int | None, int]:
        """Add the words and marks of ``text`` found in order in the source from ``start`` to ``limit``.

        For a text that differs from its source (escapes, entities): returns
        the first and last offsets added (``None`` if none) and where the
        search stopped. A word the source spells with character references is
        placed decoded.
        """
        source = self.source
        first = last = None
        cursor = start
        for piece in _WORD_OR_MARK.finditer(text):
            word = piece.group()
            p = source.find(word, cursor, limit)
            if _LETTERS.fullmatch(word):
                if source.find("&", cursor, p if p >= 0 else limit) >= 0:
                    spelled = _find_spelled(source, word, cursor, limit)
                    if spelled is not None and (p < 0 or spelled[0] < p):
                        self.placed.append((spelled[0], spelled[1], word))
                        first = spelled[0] if first is None else first
                        last = cursor = spelled[1]
                        continue
            elif p > cursor and holds_letter(source, cursor, p):
                # A mark the source writes otherwise (a reference, U+FFFD for NUL) may be found
                # far on: it never jumps over a word.
                continue
            if p < 0:
                continue
            cursor = p + len(word)
            self.add(p, cursor)
            first = p if first is None else first
            last = cursor
        return first, last, cursor

    def render(self) -> str:
        src = self.source
        canvas = blank(src)
        out = []
        pos = 0
        placed = {(start, end): text for start, end, text in self.placed}
        kept = []
        for start, end in sorted(self.spans + list(placed)):
            if start < pos:
                if (start, end) in placed:
                    continue  # overlapped: the source is kept
                start = pos
            if end <= start:
                continue
            out.append(canvas[pos:start])
            text = placed.get((start, end))
            if text is None:
                out.append(src[start:end])
            else:
                out.append(text + "\0" * (end - start - len(text)))  # not white space: the word goes on
                kept.append((start, end, text))
            pos = end
        out.append(canvas[pos:])
        prose = "".join(out)
        return _join_spelled(prose, kept) if kept else prose


def holds_letter(source: str, start: int, end: int) -> bool:
    """Does ``source[start:end]`` show a letter or digit, written or as a character reference?

    A reference's own name ('amp' in '&amp;') is not one; a reference to a letter ('&#100;') is.
    """
    for m in _LETTER_OUTSIDE_REFERENCES.finditer(source, start, end):
        if m.group(1) is not None or _LETTERS.search(html.unescape(m.group())):
            return True
    return False


def _find_spelled(source: str, word: str, cursor: int, limit: int) -> tuple[int, int] | None:
    """Where ``word`` is written, from ``cursor`` on, with character references among its letters."""
    stop = min(limit, cursor + _REFERENCE_REACH * (len(word) + 2))
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = cursor
    for m in _REFERENCE.finditer(source, cursor, stop):
        ref = m.group()
        if ref[1] != "#" and ref[1:] not in html5:
            # not a name HTML5 knows: one of the legacy names it starts with is read without its ';'
            # ('&eacuteeacute;' shows 'éeacute;'), as html.unescape reads it; else it is literal text
            m = _LEGACY_REFERENCE.match(source, m.start())
            if m is None:
                continue
            ref = m.group()
        decoded = html.unescape(ref)
        if decoded and not _LETTERS.fullmatch(decoded):
            continue  # (one that decodes to nothing, a control character, is shown as nothing in its word)
        for p in range(pos, m.start()):
            chars.append(source[p])
            starts.append(p)
            ends.append(p + 1)
        for k, ch in enumerate(decoded):
            chars.append(ch)
            starts.append(m.start() if k == 0 else m.end())
            ends.append(m.end())
        pos = m.end()
    if not chars:
        return None
    for p in range(pos, stop):
        chars.append(source[p])
        starts.append(p)
        ends.append(p + 1)
    k = "".join(chars).find(word)
    if k < 0:
        return None
    start, end = starts[k], ends[k + len(word) - 1]
    return (start, end) if end - start > len(word) else None


def _join_spelled(prose: str, placed: list[tuple[int, int, str]]) -> str:
    """Close the slack after each placed word: the rest of its word moves up, the slack goes to the next white space."""
    out = []
    pos = 0
    i = 0
    while i < len(placed):
        start = placed[i][0]
        space = _SPACE.search(prose, placed[i][1])
        word_end = space.start() if space else len(prose)
        out.append(prose[pos:start])
        pieces = []
        cursor = start
        while i < len(placed) and placed[i][0] < word_end:
            s, e, text = placed[i]
            pieces.append(prose[cursor:s])
            pieces.append(text)
            cursor = e
            i += 1
        pieces.append(prose[cursor:word_end])
        word = "".join(pieces)
        out.append(word)
        out.append(" " * (word_end - start - len(word)))
        pos = word_end
    out.append(prose[pos:])
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
