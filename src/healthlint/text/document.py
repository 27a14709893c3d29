"""The document model every check reads: prose with source offsets, segments, links."""
from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from healthlint.records import record
from healthlint.text.positions import LineIndex

# The scopes a rule may restrict itself to (Vale's vocabulary, simplified).
SCOPES = ("paragraph", "heading", "list", "blockquote", "table.cell")


def scope_for(*, heading: bool, cell: bool, list_item: bool, blockquote: bool) -> str:
    """The scope of a segment from the containers around it, innermost kind first."""
    if heading:
        return "heading"
    if cell:
        return "table.cell"
    if list_item:
        return "list"
    if blockquote:
        return "blockquote"
    return "paragraph"


@record
class Segment:
    """A run of prose that sentences never cross: a paragraph, heading, list item or table cell."""

    start: int
    end: int
    scope: str


@record
class Sentence:
    start: int
    end: int
    scope: str
    segment_start: int = 0
    segment_end: int = 0


@record
class Link:
    """A link target and, where it has one, its anchor text (offsets into the source).

    ``kind`` is ``inline`` (``[text](url)``), ``reference`` (a use such as
    ``[text][ref]``, whose ``url_start`` is the definition's), ``definition``
    (``[ref]: url``), ``autolink`` (``<url>``) or ``bare`` (a URL in running text).
    """

    url: str
    url_start: int
    url_end: int
    kind: str
    text_start: int | None = None
    text_end: int | None = None


@dataclass
class Document:
    path: str
    source: str
    prose: str
    segments: list[Segment]
    links: list[Link] = field(default_factory=list)
    front_matter: Mapping = field(default_factory=dict)  # a dict, or a FrontMatter read when used
    kind: str = "markdown"
    # What checks learn about this document once and reuse (e.g. prefilter candidates).
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.source)

    @cached_property
    def sentences(self) -> list[Sentence]:
        from healthlint.text.sentences import split_sentences

        out: list[Sentence] = []
        for seg in self.segments:
            for s, e in split_sentences(self.prose, seg.start, seg.end):
                out.append(Sentence(s, e, seg.scope, seg.start, seg.end))
        return out

    @cached_property
    def sentence_starts(self) -> list[int]:
        return [s.start for s in self.sentences]

    def with_sentences(self, sentences: list[Sentence]) -> "Document":
        """The same document seen through only ``sentences`` (what checks derived from them starts afresh)."""
        view = copy.copy(self)
        view.__dict__.pop("sentence_starts", None)
        view.sentences = list(sentences)  # shadows the cached_property
        view.cache = {}
        return view


def read_document(source: str, path: str = "<text>", kind: str = "markdown") -> Document:
    """Build a :class:`Document` from source text of the given kind."""
    if kind == "markdown":
        from healthlint.text.markdown import read_markdown

        return read_markdown(source, path)
    if kind == "text":
        from healthlint.text.plaintext import read_plaintext

        return read_plaintext(source, path)
    if kind == "html":
        from healthlint.text.html import read_html

        return read_html(source, path)
    raise ValueError(f"unknown document kind {kind!r} (expected {', '.join(KINDS)})")


KINDS = ("markdown", "text", "html")
_KIND_BY_EXTENSION = {".txt": "text", ".html": "html", ".htm": "html", ".xhtml": "html"}


def kind_for_path(path: str) -> str:
    """The document kind a file name implies: text for .txt, HTML for .html/.htm, else Markdown."""
    lowered = path.lower()
    for extension, kind in _KIND_BY_EXTENSION.items():
        if lowered.endswith(extension):
            return kind
    return "markdown"
