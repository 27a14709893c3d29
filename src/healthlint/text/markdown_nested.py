"""Deeply nested Markdown, through markdown-it-py, with every prose character at its source offset.

:mod:`healthlint.text.markdown` reads most documents with pulldown-cmark; a
document nested deeper than it reads safely comes here. markdown-it stops
parsing blocks nested deeper than its ``maxNesting`` (20) and drops what is
inside; so that deep nesting cannot hide a claim, the lines of such a
container are read as prose, less their ``>`` and list markers.

markdown-it-py gives block tokens with line ranges and inline tokens without
columns. Each inline token's children are aligned to the source of its own
lines with a cursor that only moves forward: text is copied into the prose,
while code spans, inline HTML, link destinations, autolinks and images are
skipped (and links recorded). Front matter, fenced and indented code, HTML
blocks and reference definitions are never prose.
"""
from __future__ import annotations

from collections.abc import Mapping

import regex
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from healthlint.text.document import Document, Link, Segment, scope_for
from healthlint.text.front_matter import FrontMatter
from healthlint.text.link_syntax import Definitions, destination, read_definition
from healthlint.text.positions import LineIndex
from healthlint.text.prose import ProseBuilder, cut_bare_urls

_PARSER = (
    MarkdownIt("commonmark", {"html": True})
    .enable("table")
    .enable("strikethrough")
    .use(front_matter_plugin)
)
_CONTAINER_MARKERS = regex.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*[ \t]*")


class _Aligner:
    """Walks the source with a forward-only cursor while reading inline tokens."""

    def __init__(self, source: str, lines: LineIndex, definitions: dict):
        self.source = source
        self.lines = lines
        self.definitions = definitions
        self.builder = ProseBuilder(source)
        self.links: list[Link] = []
        self.cursor = 0

    def region(self, line_map) -> tuple[int, int]:
        start_line, end_line = line_map
        start = self.lines.line_start(start_line + 1)
        end = self.lines.line_start(end_line + 1) if end_line < self.lines.line_count else len(self.source)
        return start, end

    def text(self, content: str, limit: int) -> tuple[int, int] | None:
        """Copy ``content`` into the prose; return its first and last offsets."""
        if not content:
            return None
        pos = self.source.find(content, self.cursor, limit)
        if pos >= 0:
            self.builder.add(pos, pos + len(content))
            self.cursor = pos + len(content)
            return pos, self.cursor
        # Escapes and entities differ from the source: align piece by piece.
        first, last, self.cursor = self.builder.add_words(content, self.cursor, limit)
        return (first, last) if first is not None else None

    def skip(self, content: str, limit: int) -> None:
        if content:
            pos = self.source.find(content, self.cursor, limit)
            if pos >= 0:
                self.cursor = pos + len(content)

    def skip_code(self, markup: str, content: str, limit: int) -> None:
        open_at = self.source.find(markup, self.cursor, limit)
        if open_at < 0:
            return
        self.cursor = open_at + len(markup)
        self.skip(content, limit)
        self.skip(markup, limit)

    def destination(self, limit: int, link_text: str, href: str) -> tuple[str, int, int, str] | None:
        """After a link's text: skip its destination; return (url, start, end, kind)."""
        found, self.cursor = destination(self.source, self.cursor, limit, link_text, href, self.definitions)
        return found

    def inline(self, token) -> tuple[int, int] | None:
        start, limit = self.region(token.map)
        self.cursor = max(self.cursor, start)
        first = last = None
        link = None  # [href, text_start, text_end] while inside a link
        for child in token.children or ():
            kind = child.type
            span = None
            if kind == "text":
                if link is not None and link[0] == "autolink":
                    continue
                span = self.text(child.content, limit)
            elif kind == "code_inline":
                self.skip_code(child.markup, child.content, limit)
            elif kind == "html_inline":
                self.skip(child.content, limit)
            elif kind == "image":
                self.destination(limit, child.content, child.attrs.get("src", ""))
            elif kind == "link_open":
                if child.markup == "autolink":
                    link = ["autolink", None, None, child.attrs.get("href", "")]
                    pos = self.source.find("<", self.cursor, limit)
                    url = self.source.find(">", pos, limit) if pos >= 0 else -1
                    if pos >= 0 and url >= 0:
                        self.links.append(Link(self.source[pos + 1:url], pos + 1, url, "autolink"))
                        self.cursor = url + 1
                else:
                    opened = self.source.find("[", self.cursor, limit)
                    if opened >= 0:
                        self.cursor = opened + 1
                    link = ["link", None, None, child.attrs.get("href", "")]
            elif kind == "link_close" and link is not None:
                if link[0] == "link":
                    text = self.source[link[1]:link[2]] if link[1] is not None else ""
                    dest = self.destination(limit, text, link[3])
                    if dest:
                        url, url_start, url_end, link_kind = dest
                        self.links.append(Link(url, url_start, url_end, link_kind, link[1], link[2]))
                link = None
            if span:
                if link is not None and link[0] == "link":
                    link[1] = span[0] if link[1] is None else link[1]
                    link[2] = span[1]
                first = span[0] if first is None else first
                last = span[1]
        return (first, last) if first is not None else None


def _scope(stack: list[str], known: dict[tuple[str, ...], str]) -> str:
    """The scope of an inline token inside the open blocks ``stack`` (``known`` remembers answers)."""
    key = tuple(stack)
    scope = known.get(key)
    if scope is None:
        scope = known[key] = scope_for(
            heading="heading_open" in stack, cell="th_open" in stack or "td_open" in stack,
            list_item="list_item_open" in stack, blockquote="blockquote_open" in stack)
    return scope


def _dropped_by_nesting(tokens, i: int, max_nesting: int) -> bool:
    """Is ``tokens[i]`` a container at the nesting limit whose content markdown-it dropped?"""
    token = tokens[i]
    return (token.nesting == 1 and token.level == max_nesting - 1 and bool(token.map)
            and i + 1 < len(tokens) and tokens[i + 1].nesting == -1)


def _read_dropped(aligner: _Aligner, line_map) -> tuple[int, int] | None:
    """Add a too-deeply-nested container's lines to the prose, markers left out; return its span."""
    start, end = aligner.region(line_map)
    src = aligner.source
    first = last = None
    for line in aligner.lines.starts[line_map[0]:line_map[1]]:
        line_end = line
        while line_end < end and src[line_end] not in "\r\n":
            line_end += 1
        text_start = _CONTAINER_MARKERS.match(src, line, line_end).end()
        if line_end > text_start:
            aligner.builder.add(text_start, line_end)
            first = text_start if first is None else first
            last = line_end
    aligner.cursor = max(aligner.cursor, end)
    return (first, last) if first is not None else None


def read_nested_markdown(source: str, path: str = "<text>") -> Document:
    env: dict = {}
    tokens = _PARSER.parse(source, env)
    lines = LineIndex(source)
    definitions: Definitions = {}
    def_links: list[Link] = []
    for ref in (env.get("references") or {}).values():
        line_map = ref.get("map")
        if line_map:
            read_definition(source, lines.line_start(line_map[0] + 1), definitions, def_links)

    aligner = _Aligner(source, lines, definitions)
    segments: list[Segment] = []
    front_matter: Mapping = {}
    stack: list[str] = []
    max_nesting = _PARSER.options["maxNesting"]
    deepest = max_nesting - 1
    scopes: dict[tuple[str, ...], str] = {}
    for i, token in enumerate(tokens):
        if token.level == deepest and _dropped_by_nesting(tokens, i, max_nesting):
            span = _read_dropped(aligner, token.map)
            if span:
                segments.append(Segment(span[0], span[1], _scope(stack + [token.type], scopes)))
        if token.type == "front_matter":
            front_matter = FrontMatter(token.content)
        elif token.nesting == 1:
            stack.append(token.type)
        elif token.nesting == -1:
            if stack:
                stack.pop()
        elif token.type == "inline" and token.map:
            span = aligner.inline(token)
            if span:
                segments.append(Segment(span[0], span[1], _scope(stack, scopes)))
    prose = aligner.builder.render()
    links = aligner.links
    prose = cut_bare_urls(prose, segments, links)
    links.extend(def_links)
    links.sort(key=lambda link: link.url_start)
    document = Document(path=path, source=source, prose=prose, segments=segments, links=links,
                        front_matter=front_matter, kind="markdown")
    document.lines = lines  # already built: the cached property need not build it again
    return document
