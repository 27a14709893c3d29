"""Deeply nested Markdown, through markdown-it-py, with every prose character at its source offset.

:mod:`healthlint.text.markdown` reads most documents with pulldown-cmark; a
document nested deeper than it reads safely comes here. markdown-it stops
parsing blocks nested deeper than its ``maxNesting`` (20) and drops what is
inside. So that nesting cannot hide a claim, nothing is dropped: after the
tokens are read, every line that no block placed (no paragraph, heading,
table, code, HTML block, front matter or reference definition covers it) and
that holds more than container markers is read as inline Markdown, less its
``>`` and list markers, at its own offsets; consecutive such lines form one
segment, each new list item a new one, scoped by the innermost container
markdown-it opened around them.

markdown-it-py gives block tokens with line ranges and inline tokens without
columns. Each inline token's children are aligned to the source of its own
lines with a cursor that only moves forward: text is copied into the prose,
while code spans, inline HTML, link destinations, autolinks and images are
skipped (and links recorded); an HTML block's visible text is read by
:mod:`healthlint.text.markdown_html`. Front matter, fenced and indented code
and reference definitions are never prose.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping

import regex
from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from mdit_py_plugins.front_matter import front_matter_plugin

from healthlint.text.document import Document, Link, Segment, scope_for
from healthlint.text.front_matter import FrontMatter
from healthlint.text.link_syntax import DEFINITION, Definitions, destination, read_definition
from healthlint.text.markdown_html import read_html_block
from healthlint.text.positions import LineIndex
from healthlint.text.prose import ProseBuilder, cut_bare_urls, holds_letter

_PARSER = (
    MarkdownIt("commonmark", {"html": True})
    .enable("table")
    .enable("strikethrough")
    .use(front_matter_plugin)
)
_CONTAINER_MARKERS = regex.compile(r"(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))*[ \t]*")
_LIST_MARKER = regex.compile(r"[-*+]|\d[.)]")
# A table's delimiter row (GFM): the second line of a run that may be a table past the limit.
_DELIMITER_ROW = regex.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
# Blocks whose lines are placed as a whole (a table's delimiter row shows nothing).
_WHOLE_BLOCKS = frozenset({"table_open"})


class _Aligner:
    """Walks the source with a forward-only cursor while reading inline tokens."""

    def __init__(self, source: str, lines: LineIndex, definitions: dict, def_links: list[Link]):
        self.source = source
        self.lines = lines
        self.definitions = definitions
        self.def_links = def_links
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
        if pos >= 0 and not (pos > self.cursor and holds_letter(self.source, self.cursor, pos)):
            self.builder.add(pos, pos + len(content))
            self.cursor = pos + len(content)
            return pos, self.cursor
        # Escapes and entities differ from the source (or the same text found further on would
        # jump over words): align piece by piece.
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


def _placed_lines(tokens, env, line_count: int) -> bytearray:
    """Which lines markdown-it placed in a block that is read (or left out by policy): 1 for each."""
    placed = bytearray(line_count + 1)
    maps = [token.map for token in tokens if token.map and (token.nesting == 0 or token.type in _WHOLE_BLOCKS)]
    maps += [ref["map"] for ref in (env.get("references") or {}).values() if ref.get("map")]
    maps += [ref["map"] for ref in env.get("duplicate_refs") or () if ref.get("map")]
    for start_line, end_line in maps:
        placed[start_line:end_line] = b"\x01" * (end_line - start_line)
    return placed


def _unplaced_lines(source: str, lines: LineIndex, placed: bytearray) -> list[tuple[int, int, int, str]]:
    """``(line, text_start, text_end, markers)`` of each line holding text that markdown-it placed nowhere.

    markdown-it stops at ``maxNesting`` and drops the rest of a container; the
    text of those lines, less its container ``markers``, is what a renderer still shows.
    """
    out = []
    starts = lines.starts
    count = len(starts)
    for line in range(count):
        if placed[line]:
            continue
        start = starts[line]
        end = starts[line + 1] if line + 1 < count else len(source)
        while end > start and source[end - 1] in "\r\n":
            end -= 1
        markers = _CONTAINER_MARKERS.match(source, start, end)
        if markers.end() < end:
            out.append((line, markers.end(), end, markers.group()))
    return out


def _runs(unplaced: list[tuple[int, int, int, str]]):
    """Group unplaced lines into runs of prose: a gap or a new list item starts a new run."""
    run: list[tuple[int, int, int, str]] = []
    for item in unplaced:
        if run and (item[0] != run[-1][0] + 1 or _LIST_MARKER.search(item[3])):
            yield run
            run = []
        run.append(item)
    if run:
        yield run


def _owners(tokens, lines_wanted: list[int]) -> dict[int, tuple[str, ...]]:
    """The open blocks around the innermost container holding each of ``lines_wanted`` (sorted)."""
    owner: dict[int, tuple[str, ...]] = {}
    stack: list[str] = []
    for token in tokens:
        if token.nesting == 1:
            stack.append(token.type)
            if token.map:
                lo = bisect_left(lines_wanted, token.map[0])
                hi = bisect_left(lines_wanted, token.map[1])
                if hi > lo:
                    key = tuple(stack)
                    for line in lines_wanted[lo:hi]:
                        owner[line] = key
        elif token.nesting == -1 and stack:
            stack.pop()
    return owner


def _read_unplaced(aligner: _Aligner, tokens, env: dict, scopes: dict) -> list[Segment]:
    """Read what markdown-it placed nowhere, line by line as inline Markdown, so no text is dropped."""
    placed = _placed_lines(tokens, env, aligner.lines.line_count)
    unplaced = _unplaced_lines(aligner.source, aligner.lines, placed)
    if not unplaced:
        return []
    source = aligner.source
    prose_lines = []
    references = env.setdefault("references", {})
    previous = -2
    for item in unplaced:  # definitions first: a link may come before the definition it uses
        # a definition cannot interrupt a paragraph: on the line after prose, it is prose
        m = DEFINITION.match(source, item[1], item[2]) if item[0] != previous + 1 else None
        if m is None:
            prose_lines.append(item)
            previous = item[0]
            continue
        read_definition(source, item[1], aligner.definitions, aligner.def_links)
        references.setdefault(normalizeReference(m.group(1)), {
            "title": "", "href": _PARSER.normalizeLink(m.group(2) or m.group(3)), "map": [item[0], item[0] + 1]})
    owner = _owners(tokens, [item[0] for item in prose_lines])
    segments = []
    for run in _runs(prose_lines):
        if _read_table_run(aligner, run, env, owner, scopes, segments):
            continue
        first = last = None
        for line, text_start, text_end, _ in run:
            token = _PARSER.parseInline(source[text_start:text_end], env)[0]
            token.map = [line, line + 1]
            aligner.cursor = text_start
            span = aligner.inline(token)
            if span:
                first = span[0] if first is None else first
                last = span[1]
        if first is not None:
            line, _, _, markers = run[0]
            around = list(owner.get(line, ()))
            if _LIST_MARKER.search(markers):
                around.append("list_item_open")
            elif ">" in markers:
                around.append("blockquote_open")
            segments.append(Segment(first, last, _scope(around, scopes)))
    return segments


def _read_table_run(aligner: _Aligner, run, env: dict, owner: dict, scopes: dict, segments: list) -> bool:
    """Read a run that holds a table as a renderer shows it, a segment per cell; False if it holds none.

    The run's lines, less their markers, are parsed as blocks of their own, and each
    inline token is aligned on the source line it comes from.
    """
    source = aligner.source
    if len(run) < 2 or "|" not in source[run[0][1]:run[0][2]] or not _DELIMITER_ROW.fullmatch(
            source, run[1][1], run[1][2]):
        return False
    tokens = _PARSER.parse("\n".join(source[start:end] for _, start, end, _ in run), env)
    if not any(token.type == "table_open" for token in tokens):
        return False
    line, _, _, markers = run[0]
    around = list(owner.get(line, ()))
    around.append("list_item_open" if _LIST_MARKER.search(markers) else "blockquote_open")
    stack: list[str] = []
    current = None
    for token in tokens:
        if token.nesting == 1:
            stack.append(token.type)
        elif token.nesting == -1:
            if stack:
                stack.pop()
        elif token.type == "inline" and token.map:
            row = run[min(token.map[0], len(run) - 1)]
            token.map = [row[0], row[0] + 1]
            if current != row[0]:  # a new line: start at its text; cells of one row follow on
                current = row[0]
                aligner.cursor = row[1]
            span = aligner.inline(token)
            if span:
                segments.append(Segment(span[0], span[1], _scope(around + stack, scopes)))
    return True


def _block_lines(source: str, lines: LineIndex, token) -> list[tuple[int, int]]:
    """The source spans of a block's lines, less the container markers of a block inside containers."""
    starts = lines.starts
    out = []
    for line in range(*token.map):
        start = starts[line]
        end = starts[line + 1] if line + 1 < len(starts) else len(source)
        if token.level > 0:
            start = _CONTAINER_MARKERS.match(source, start, end).end()
        out.append((start, end))
    return out


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

    aligner = _Aligner(source, lines, definitions, def_links)
    segments: list[Segment] = []
    front_matter: Mapping = {}
    stack: list[str] = []
    scopes: dict[tuple[str, ...], str] = {}
    for token in tokens:
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
        elif token.type == "html_block" and token.map:
            read_html_block(aligner.builder, _block_lines(source, lines, token), _scope(stack, scopes),
                            segments, aligner.links)
    unplaced = _read_unplaced(aligner, tokens, env, scopes)
    if unplaced:
        segments = sorted(segments + unplaced, key=lambda seg: seg.start)
    prose = aligner.builder.render()
    links = aligner.links
    prose = cut_bare_urls(prose, segments, links)
    links.extend(def_links)
    links.sort(key=lambda link: link.url_start)
    document = Document(path=path, source=source, prose=prose, segments=segments, links=links,
                        front_matter=front_matter, kind="markdown")
    document.lines = lines  # already built: the cached property need not build it again
    return document
