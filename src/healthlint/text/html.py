"""HTML through the standard library's ``html.parser``, with every prose character at its source offset.

The parser runs with ``convert_charrefs=False``, so each text chunk it reports
is a verbatim slice of the source and each character reference is reported on
its own; ``getpos()`` gives where each starts. Prose is the visible text:
nothing inside ``script``, ``style``, ``code``, ``pre`` (and a few more, see
:data:`HIDDEN`) or an element with the ``hidden`` attribute, and never a tag,
attribute or comment. Block elements bound :class:`Segment` values, ``<a href>``
gives a :class:`Link` whose URL offsets are the attribute value's.

Character references: the decoded character stands at the reference's first
offset and the rest of the word is moved up to meet it, the slack going to the
next white space, so ``don&rsquo;t`` reads as the one word ``don’t`` and every
white-space character keeps its source offset. A finding that starts or ends
inside such a word may be off by at most the references' length.
"""
from __future__ import annotations

import html
import regex
from html.parser import HTMLParser

from healthlint.text.document import Document, Link, Segment, scope_for
from healthlint.text.prose import cut_bare_urls

# Elements whose content is never prose.
HIDDEN = frozenset({"script", "style", "code", "pre", "kbd", "samp", "var", "template", "svg", "math",
                    "textarea", "select", "head", "iframe", "object", "noscript"})
# Elements that start and end a run of prose (everything else is inline).
BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
    "header", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "section", "summary", "table",
    "tbody", "td", "tfoot", "th", "thead", "title", "tr", "ul",
})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                  "source", "track", "wbr"})
# A start tag of the key closes an open element of one of the values (optional end tags).
_IMPLIED_END = {"p": {"p"}, "li": {"li", "p"}, "dt": {"dt", "dd", "p"}, "dd": {"dt", "dd", "p"},
                "tr": {"tr", "td", "th"}, "td": {"td", "th", "p"}, "th": {"td", "th", "p"}}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "title"})
_HREF = regex.compile(r"""\s(?i:href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""")
# A numeric reference as HTML5 reads it: the longest run of digits, the ';' optional ('&#1d' is
# '&#1' then 'd'). html.parser wants a non-digit after the digits and stops at one it cannot read.
_NUMERIC_REFERENCE = regex.compile(r"&#([0-9]+|[xX][0-9a-fA-F]+)")
# A named reference that ends the page: html.parser waits for its name to end, then hands it on as text.
_NAMED_REFERENCE_AT_END = regex.compile(r"&([A-Za-z][A-Za-z0-9]*)")
# What html.parser may still hold when the page ends, shown by no browser: a tag never closed (a
# quoted attribute never closed), a comment, or what HTML5 reads as a bogus comment ('<!x', '<?x',
# '</' and anything but a letter or '>').
_UNCLOSED_AT_END = regex.compile(r"</?[A-Za-z]|<[!?]|</[^>]")


def _scope(stack) -> str:
    tags = {tag for tag, _ in stack}
    return scope_for(heading=bool(tags & _HEADINGS), cell="td" in tags or "th" in tags,
                     list_item="li" in tags, blockquote="blockquote" in tags)


class _Reader(HTMLParser):
    def __init__(self, source: str):
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(source) if ch == "\n"]
        self.prose = [" " if ch not in "\r\n" else ch for ch in source]
        self.stack: list[tuple[str, bool]] = []  # (tag, hides its content)
        self.hidden = 0
        self.segments: list[Segment] = []
        self.seg_scope = "paragraph"
        self.seg_start: int | None = None
        self.seg_end = 0
        self.links: list[Link] = []
        self.link: list | None = None  # [url, url_start, url_end, text_start, text_end]
        self.debt = 0  # source characters not yet written since the last reference
        self.write_at = 0  # where the next prose character goes while in debt
        self.skip = 0  # source characters of a reference read ahead of the parser

    # --- positions -----------------------------------------------------------------------

    def source_offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    # --- prose ---------------------------------------------------------------------------

    def settle(self) -> None:
        """End a word that a character reference shortened: the slack stays blank."""
        self.debt = 0

    def put(self, start: int, text: str) -> None:
        """Write visible ``text`` that stands at ``start`` in the source (shifted while in debt)."""
        for i, ch in enumerate(text):
            pos = start + i
            if ch.isspace():
                self.settle()
                continue
            at = pos - self.debt
            self.prose[at] = ch
            self.mark(at, at + 1)

    def mark(self, start: int, end: int) -> None:
        if self.seg_start is None:
            self.seg_start = start
            self.seg_scope = _scope(self.stack)
        self.seg_end = max(self.seg_end, end)
        if self.link is not None:
            if self.link[3] is None:
                self.link[3] = start
            self.link[4] = max(self.link[4] or 0, end)

    def close_segment(self) -> None:
        self.settle()
        if self.seg_start is not None and self.seg_end > self.seg_start:
            self.segments.append(Segment(self.seg_start, self.seg_end, self.seg_scope))
        self.seg_start = None
        self.seg_end = 0

    # --- parser callbacks ----------------------------------------------------------------

    def feed(self, data: str) -> None:
        super().feed(data)
        # html.parser stops at a '&#' it cannot read (it wants a non-digit after the digits: '&#1d',
        # '&#x') as if more input were to come, and close() would hand the rest of the page, tags and
        # scripts too, to handle_data as text. Read such a reference as HTML5 does and parse on.
        while self.rawdata:
            left = len(self.rawdata)
            if self.skip:  # the digits of a reference read in handle_data
                self._drop(self.skip)
                self.skip = 0
            elif self.rawdata.startswith("&#"):
                self._drop(self._numeric_reference())
            self.goahead(False)
            if len(self.rawdata) == left:  # waiting on the end of the page (an unclosed tag)
                break

    def _numeric_reference(self) -> int:
        """Read the '&#' at the parser's position as HTML5 does; the source characters it takes."""
        m = _NUMERIC_REFERENCE.match(self.source, self.source_offset())
        if not m:  # no digits: literal text
            self.put(self.source_offset(), "&#")
            return 2
        self._reference(m.group(1), "&#")
        return len(m.group()) + self.source.startswith(";", m.end())

    def _drop(self, count: int) -> None:
        self.updatepos(0, count)
        self.rawdata = self.rawdata[count:]

    def close(self) -> None:
        if not self.hidden and _UNCLOSED_AT_END.match(self.rawdata):
            self.rawdata = ""
        m = _NAMED_REFERENCE_AT_END.fullmatch(self.rawdata)
        if m:  # decoded as a browser does ('&amprcB' at the end shows '&rcB')
            self._reference(m.group(1), "&")
            self._drop(len(self.rawdata))
        super().close()

    def handle_data(self, data: str) -> None:
        if self.hidden or not data:
            return
        if data == "&#":  # html.parser gives up on a reference and stops after its '&#'
            self.skip = self._numeric_reference() - 2
            return
        start = self.source_offset()
        if self.source.startswith(data, start):
            self.put(start, data)

    def _reference(self, raw_name: str, prefix: str) -> None:
        start = self.source_offset()
        end = start + len(prefix) + len(raw_name)
        if self.source.startswith(";", end):
            end += 1
        raw = self.source[start:end]
        if self.hidden:
            return
        decoded = html.unescape(raw)
        if decoded == raw:  # not a reference after all: literal text
            self.put(start, raw)
            return
        if decoded.isspace():
            self.put(start, " " * len(raw))
            return
        self.put(start, decoded)
        self.debt += len(raw) - len(decoded)

    def handle_entityref(self, name: str) -> None:
        self._reference(name, "&")

    def handle_charref(self, name: str) -> None:
        self._reference(name, "&#")

    def handle_starttag(self, tag: str, attrs) -> None:
        self.settle()
        implied = _IMPLIED_END.get(tag, ())
        while self.stack and self.stack[-1][0] in implied:
            self._pop_to(len(self.stack) - 1)
        hides = tag in HIDDEN or any(name == "hidden" for name, _ in attrs)
        if tag in BLOCKS:
            self.close_segment()
        if tag == "a" and not self.hidden:
            self._open_link()
        if tag not in VOID:
            self.stack.append((tag, hides))
            self.hidden += hides

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.settle()
        if tag in BLOCKS:
            self.close_segment()
        if tag == "a" and not self.hidden:
            self._open_link()
            self._close_link()

    def handle_endtag(self, tag: str) -> None:
        self.settle()
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                self._pop_to(i)
                break
        if tag == "a":
            self._close_link()

    def _pop_to(self, index: int) -> None:
        closing = self.stack[index:]
        if any(tag in BLOCKS for tag, _ in closing):
            self.close_segment()
        del self.stack[index:]
        self.hidden -= sum(hides for _, hides in closing)

    def _open_link(self) -> None:
        self._close_link()
        tag_text = self.get_starttag_text() or ""
        m = _HREF.search(tag_text)
        if not m:
            return
        group = next(g for g in (1, 2, 3) if m.group(g) is not None)
        start = self.source_offset() + m.start(group)
        self.link = [html.unescape(m.group(group)).strip(), start, start + len(m.group(group)), None, None]

    def _close_link(self) -> None:
        if self.link is not None:
            url, url_start, url_end, text_start, text_end = self.link
            self.links.append(Link(url, url_start, url_end, "inline", text_start, text_end))
            self.link = None

    def finish(self) -> tuple[str, list[Segment], list[Link]]:
        self.close()
        self._close_link()
        self.close_segment()
        prose = "".join(self.prose)
        links = self.links
        prose = cut_bare_urls(prose, self.segments, links)
        links.sort(key=lambda link: link.url_start)
        return prose, self.segments, links


def read_html(source: str, path: str = "<text>") -> Document:
    reader = _Reader(source)
    reader.feed(source)
    prose, segments, links = reader.finish()
    return Document(path=path, source=source, prose=prose, segments=segments, links=links, kind="html")
