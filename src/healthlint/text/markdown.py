"""Markdown through pulldown-cmark, with every prose character at its source offset.

pulldown-cmark (a CommonMark parser in Rust, through the ``pyromark``
binding) reports each event with the span of source it came from, so prose
needs no alignment: a text event is copied into the prose at its own offsets,
while code spans, inline HTML, code blocks, images and autolinks are left out
(autolinks and links are recorded); an HTML block's visible text is read by
:mod:`healthlint.text.markdown_html`. A text that differs from its
source (an escape or an entity) is aligned word by word inside its span.
Front matter (found as markdown-it's plugin finds it, see
:func:`healthlint.text.front_matter.find_front_matter`) and reference
definitions are never prose.

Segments are the runs of inline content: a paragraph, a heading, a table cell,
or the text of a tight list item; their scope comes from the containers
around them.

pulldown-cmark parses a 5 KB article in ~0.04 ms, thirty times faster than
markdown-it-py. It has no nesting limit, so a document nested absurdly deep
would cost it time and memory without end; such a document (a line with
sixteen or more container markers, or forty columns of indentation) is read by
:mod:`healthlint.text.markdown_nested` instead, as is any text pulldown-cmark
refuses.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Mapping
from itertools import accumulate

import pyromark

from healthlint.text.document import Document, Link, Segment, scope_for
from healthlint.text.front_matter import FrontMatter, find_front_matter
from healthlint.text.link_syntax import Definitions, destination, read_definition
from healthlint.text.markdown_html import read_html_block
from healthlint.text.positions import LineIndex
from healthlint.text.prose import ProseBuilder, blank, cut_bare_urls

_PARSER = pyromark.Markdown(options=pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH)
# Sixteen container markers on a line (a list marker is followed by a space: a rule of dashes is not one).
_TOO_DEEP = re.compile(r"^(?:[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))){16}|^[ \t]{40}", re.MULTILINE)
_LONE_CR = re.compile(r"\r(?!\n)")  # a line ending pulldown-cmark does not know
_DEFINITION_START = re.compile(r"^[ \t]{0,3}\[", re.MULTILINE)

# Blocks that hold inline content, and the containers that decide its scope.
_LEAVES = frozenset({"Paragraph", "Heading", "TableCell"})
_CONTAINERS = ("Heading", "TableCell", "Item", "BlockQuote")
# Blocks a reference definition cannot be inside (it lies between them).
_COVERING = frozenset({"Paragraph", "Heading", "CodeBlock", "HtmlBlock", "Table"})
_INLINE_CONTAINERS = frozenset({"Emphasis", "Strong", "Strikethrough"})


def read_markdown(source: str, path: str = "<text>") -> Document:
    if _TOO_DEEP.search(source):
        return _read_nested(source, path)
    front_matter: Mapping = {}
    body = source
    found = find_front_matter(source)
    if found:
        content, body_start = found
        front_matter = FrontMatter(content)
        body = blank(source[:body_start]) + source[body_start:]
    if "\r" in body:
        body = _LONE_CR.sub("\n", body)
    try:
        events = _PARSER.events_with_range(body)
    except MemoryError:
        raise
    except Exception:
        return _read_nested(source, path)
    except BaseException as e:  # noqa: B036 - pyo3 reports a Rust panic as PanicException, a BaseException
        if not _is_rust_panic(e):
            raise  # SIGTERM (Terminated), KeyboardInterrupt, SystemExit: never swallowed
        return _read_nested(source, path)
    reader = _EventReader(source, body)
    reader.read(events)
    lines = LineIndex(source)
    links = reader.links
    prose = cut_bare_urls(reader.builder.render(), reader.segments, links)
    links.extend(reader.definition_links)
    links.sort(key=lambda link: link.url_start)
    document = Document(path=path, source=source, prose=prose, segments=reader.segments, links=links,
                        front_matter=front_matter, kind="markdown")
    document.lines = lines  # already built: the cached property need not build it again
    return document


def _is_rust_panic(error: BaseException) -> bool:
    """Is this pyo3's PanicException (a Rust panic in the parser)? pyo3 exports no class to catch it by."""
    kind = type(error)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"


def _read_nested(source: str, path: str) -> Document:
    from healthlint.text.markdown_nested import read_nested_markdown

    return read_nested_markdown(source, path)


class _EventReader:
    """Turns pulldown-cmark's events into prose spans, segments and links."""

    def __init__(self, source: str, body: str):
        self.source = source
        self.body = body  # the source with its front matter blanked: what was parsed
        self.offset = _CharOffsets(body) if not body.isascii() else None
        self.builder = ProseBuilder(source)
        self.segments: list[Segment] = []
        self.links: list[Link] = []
        self.definitions: Definitions = {}
        self.definition_links: list[Link] = []
        self.covered: list[tuple[int, int]] = []  # spans of blocks, in order
        self.pending_links: list[tuple[int, int, str, int | None, int | None]] = []

    def read(self, events) -> None:
        source = self.source
        offset = self.offset
        add = self.builder.add
        depth = dict.fromkeys(_CONTAINERS, 0)
        scopes: dict[tuple[int, ...], str] = {}
        leaf = None  # [first, last, scope] of the open run of inline content
        skipping = 0  # inside a code block or an image: nothing is prose
        link = None  # [text_start, text_end, href, link start, link end, end of the last event inside]
        html_block = None  # the source spans of the open HTML block's lines
        for event, span in events:
            start, end = span["start"], span["end"]
            if offset is not None:
                start, end = offset(start), offset(end)
            if type(event) is str:  # SoftBreak, HardBreak, Rule
                if event == "Rule" and leaf is not None:
                    self._close(leaf)
                    leaf = None
                continue
            (what, value), = event.items()
            if what == "Text":
                if skipping or (link is not None and link[2] is None):
                    continue
                if value == source[start:end]:
                    add(start, end)
                    first, last = start, end
                else:
                    first, last, _ = self.builder.add_words(value, start, end)
                    if first is None:
                        continue
                if leaf is None:
                    leaf = [first, last, self._scope(depth, scopes)]
                elif leaf[0] is None:
                    leaf[0], leaf[1] = first, last
                else:
                    leaf[1] = last
                if link is not None:
                    if link[0] is None:
                        link[0] = first
                    link[1] = last
                    link[5] = end
                continue
            if what in ("Code", "InlineHtml"):
                if link is not None:
                    link[5] = end
                if leaf is None and not skipping:
                    leaf = [None, None, self._scope(depth, scopes)]
                continue
            if what == "Html":
                if html_block is not None:
                    html_block.append((start, end))
                continue
            name = value if type(value) is str else next(iter(value))
            if name in _INLINE_CONTAINERS:
                continue
            if name == "Link":
                if what == "Start":
                    if value["Link"]["link_type"] in ("Autolink", "Email"):
                        self.links.append(Link(source[start + 1:end - 1], start + 1, end - 1, "autolink"))
                        link = [None, None, None, start, end, start]
                    else:
                        link = [None, None, value["Link"]["dest_url"], start, end, start + 1]
                elif link is not None:
                    if link[2] is not None:
                        self.pending_links.append((link[5], link[4], link[2], link[0], link[1]))
                    link = None
                continue
            if name == "Image":
                skipping += 1 if what == "Start" else -1
                if link is not None and what == "End":
                    link[5] = end
                continue
            # a block starts or ends: any open run of inline content ends with it
            if leaf is not None:
                self._close(leaf)
                leaf = None
            if what == "Start":
                if name in _COVERING:
                    self.covered.append((start, end))
                if name == "CodeBlock":
                    skipping += 1
                elif name == "HtmlBlock":
                    html_block = []
                elif name in depth:
                    depth[name] += 1
                if name in _LEAVES:
                    leaf = [None, None, self._scope(depth, scopes)]
            else:
                if name == "CodeBlock":
                    skipping -= 1
                elif name == "HtmlBlock" and html_block is not None:
                    read_html_block(self.builder, html_block, self._scope(depth, scopes), self.segments, self.links)
                    html_block = None
                elif name in depth:
                    depth[name] -= 1
        if leaf is not None:
            self._close(leaf)
        self._read_definitions()
        self._resolve_links()

    def _scope(self, depth: dict, scopes: dict) -> str:
        key = (depth["Heading"], depth["TableCell"], depth["Item"], depth["BlockQuote"])
        scope = scopes.get(key)
        if scope is None:
            scope = scopes[key] = scope_for(heading=key[0] > 0, cell=key[1] > 0, list_item=key[2] > 0,
                                            blockquote=key[3] > 0)
        return scope

    def _close(self, leaf: list) -> None:
        if leaf[0] is not None:
            self.segments.append(Segment(leaf[0], leaf[1], leaf[2]))

    def _read_definitions(self) -> None:
        """Reference definitions: lines that start with ``[`` between the blocks pulldown-cmark reported."""
        body = self.body
        if "]:" not in body:
            return
        starts = [s for s, _ in self.covered]
        for m in _DEFINITION_START.finditer(body):
            k = bisect_right(starts, m.start()) - 1
            if k >= 0 and m.start() < self.covered[k][1]:
                continue  # inside a paragraph, code block, ...
            read_definition(self.source, m.start(), self.definitions, self.definition_links)

    def _resolve_links(self) -> None:
        source = self.source
        for cursor, limit, href, text_start, text_end in self.pending_links:
            text = source[text_start:text_end] if text_start is not None else ""
            found, _ = destination(source, cursor, limit, text, href, self.definitions)
            if found:
                url, url_start, url_end, kind = found
                self.links.append(Link(url, url_start, url_end, kind, text_start, text_end))


class _CharOffsets:
    """Character offsets of the UTF-8 byte offsets pulldown-cmark reports."""

    _STEP = 64  # characters between checkpoints

    def __init__(self, text: str):
        self.encoded = text.encode("utf-8", "surrogatepass")
        self.length = len(text)
        step = self._STEP
        self.checkpoints = list(accumulate(
            (len(text[i:i + step].encode("utf-8", "surrogatepass")) for i in range(0, len(text), step)),
            initial=0))

    def __call__(self, byte_offset: int) -> int:
        k = bisect_right(self.checkpoints, byte_offset) - 1
        return min(k * self._STEP, self.length) + len(self.encoded[self.checkpoints[k]:byte_offset].decode("utf-8", "surrogatepass"))
