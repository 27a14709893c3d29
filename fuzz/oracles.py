"""Oracles for the fuzz target and the property tests: what a reader shows must reach the rules.

Two properties, each checked by ``fuzz/fuzz_lint.py`` and by ``tests/test_nesting.py``:

* :func:`missing_words`: the prose handed to the rules holds every word that a
  CommonMark renderer shows. The reference is markdown-it-py rendering HTML
  (with tables and strikethrough, as healthlint reads them), its tags
  stripped; a word counts as shown when pulldown-cmark's HTML shows it as
  often too, so a case where the two renderers disagree is not a finding.
  Left out, as the policy leaves them out: code, HTML comments and what
  HTML hides (``healthlint.text.html.HIDDEN``, the ``hidden`` attribute),
  image descriptions, and URLs and e-mail addresses (links, not prose).
* :func:`wrap`: a flagged sentence wrapped in block quotes, lists, tables,
  headings, emphasis or links, inside containers of any depth, is still
  flagged by the same rule on the same words (:func:`lost_findings`).

Words are runs of letters and digits, so markup and escapes between them
change nothing; character references in the prose are decoded first.
"""
from __future__ import annotations

import html
from collections import Counter
from html.entities import html5
from html.parser import HTMLParser

import pyromark
import regex
from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from healthlint.text.document import read_document
from healthlint.text.html import HIDDEN

# markdown-it-py's own limit is 20 levels; 100 keeps its recursion (about three frames a level) bounded.
REFERENCE_NESTING = 100
_REFERENCE = (
    MarkdownIt("commonmark", {"html": True, "maxNesting": REFERENCE_NESTING})
    .enable("table")
    .enable("strikethrough")
    .use(front_matter_plugin)
)
_PULLDOWN = (pyromark.Options.ENABLE_TABLES | pyromark.Options.ENABLE_STRIKETHROUGH
             | pyromark.Options.ENABLE_YAML_STYLE_METADATA_BLOCKS)
_WORD = regex.compile(r"[^\W_]+")
_NOT_PROSE = regex.compile(
    r"[a-z][a-z0-9+.-]*:[^\s<>]*|www\.[^\s<>]*|[^\s<>]*\.[^\s<>]*/[^\s<>]*|[^\s<>]*@[^\s<>]*",
    regex.IGNORECASE)
_REFERENCE_IN_PROSE = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HIDING = HIDDEN | {"code", "pre"}
# Every tag breaks a word (as the readers blank markup); html.parser drops "</>" without a call.
_EMPTY_END_TAG = regex.compile(r"</>")
# A tag still open where the page ends (a quoted attribute never closed), or a declaration or
# processing instruction, or '</' and anything but a letter or '>' (a bogus comment to a browser,
# HTML5's end tag open state): a browser shows nothing of it to the end of the page, while
# html.parser would hand it on as text, tag names and all.
_OPEN_TAG = regex.compile(r"</?[A-Za-z]|<[!?]|</[^>]")


class _Visible(HTMLParser):
    """The text a browser shows of rendered HTML, a space at every tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[bool] = []  # does each open element hide its content?
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self.parts.append(" ")
        if tag in ("img", "br", "hr", "input", "meta", "link", "wbr", "area", "base", "col", "embed",
                   "param", "source", "track"):
            return
        hides = tag in _HIDING or any(name == "hidden" for name, _ in attrs)
        self.stack.append((tag, hides))
        self.hidden += hides

    def handle_endtag(self, tag):
        self.parts.append(" ")
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                self.hidden -= sum(hides for _, hides in self.stack[i:])
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)

    def handle_comment(self, data):
        self.parts.append(" ")

    def close(self):
        # A browser hides a comment to its end, or to the end of the page if it has none; html.parser
        # would show an unterminated one. (A '<!--' inside a tag's quoted attribute is no comment.)
        # A tag still open where the page ends is dropped the same way.
        if self.rawdata.startswith("<!--") or _OPEN_TAG.match(self.rawdata):
            self.rawdata = ""
            self.parts.append(" ")
        super().close()

    def handle_pi(self, data):
        self.parts.append(" ")

    def handle_decl(self, decl):
        self.parts.append(" ")

    def unknown_decl(self, data):
        self.parts.append(" ")


def _visible_words(rendered: str) -> Counter:
    reader = _Visible()
    reader.feed(_EMPTY_END_TAG.sub(" ", rendered))
    reader.close()
    text = _NOT_PROSE.sub(" ", "".join(reader.parts))
    return Counter(_WORD.findall(text))


def shown_words(markdown: str) -> Counter:
    """The words both renderers show, as many times as both show them."""
    shown = _visible_words(_REFERENCE.render(markdown))
    if shown:
        shown &= _visible_words(pyromark.html(markdown, options=_PULLDOWN))
    return shown


def _decode_reference(m) -> str:
    """A character reference as CommonMark decodes it: only HTML5's names (no prefix of one), and numbers."""
    ref = m.group()
    if ref[1] == "#" or ref[1:] in html5:
        return html.unescape(ref)
    return ref


def prose_words(document) -> Counter:
    """The words of a document's segments, as the rules are handed them."""
    prose = document.prose
    text = " ".join(prose[seg.start:seg.end] for seg in document.segments)
    words = Counter(_WORD.findall(_NOT_PROSE.sub(" ", text)))
    if "&" in text:
        # a reader may copy a reference as the source spells it, or hold the literal text of an
        # escaped one ('\\&amp;' shows '&amp;'): a word counts as read if either spelling holds it
        decoded = _REFERENCE_IN_PROSE.sub(_decode_reference, text)
        words |= Counter(_WORD.findall(_NOT_PROSE.sub(" ", decoded)))
    return words


def missing_words(markdown: str) -> Counter:
    """Words a renderer shows that never reach the rules (empty when all is well)."""
    shown = shown_words(markdown)
    if not shown:
        return shown
    return shown - prose_words(read_document(markdown, "oracle.md", "markdown"))


# --- the metamorphic property --------------------------------------------------------------------

CONTAINERS = (">", "-", "*", "+", "1.", "2)")
INLINE = ("{}", "*{}*", "**{}**", "_{}_", "__{}__", "***{}***", "~~{}~~", "[{}](https://example.org/a)",
          "*{}* ", "<span>{}</span>")
# Block shapes; each line of the block is given the container prefix (continuation lines of
# list items are indented to the item's content instead, as CommonMark asks).
BLOCKS = ("{}", "# {}", "## {}", "{}\n===", "| {} |\n| --- |", "| a | b |\n| --- | --- |\n| x | {} |",
          "Intro.\n\n{}", "{}\n\nMore.")
_MARKUP = regex.compile(r"[|*_`\[\]<>#\\~&!]")


def sentence_examples(linter) -> list[tuple[str, str]]:
    """``(rule id, sentence)`` for each plain, one-line ``fail`` example of the sentence rules."""
    out = []
    for rule in linter.rules:
        if rule.kind != "sentence":
            continue
        for text in rule.examples.fail:
            text = text.strip()
            if "\n" not in text and not _MARKUP.search(text) and not text[:1].isdigit():
                out.append((rule.id, text))
    return out


def wrap(sentence: str, containers: list[str], inline: str, block: str) -> str:
    """``sentence`` inside ``inline`` markup, the ``block`` shape, and ``containers`` (outermost first)."""
    body = block.format(inline.format(sentence))
    first = "".join(marker + " " for marker in containers)
    # a continuation line carries the quotes and indents past each list marker
    rest = "".join(">" + " " if marker == ">" else " " * (len(marker) + 1) for marker in containers)
    lines = body.split("\n")
    return "\n".join([first + lines[0]] + [(rest + line) if line else rest.rstrip() for line in lines[1:]]) + "\n"


def findings(linter, text: str) -> set[tuple[str, str]]:
    """``(rule, the words of its range)`` for each diagnostic on ``text``."""
    from healthlint.text.positions import LineIndex

    lines = LineIndex(text)
    out = set()
    for d in linter.lint_text(text, "oracle.md"):
        start = lines.line_start(d.line) + d.column - 1
        end = lines.line_start(d.end_line) + d.end_column - 1
        out.add((d.rule, " ".join(_WORD.findall(text[start:end]))))
    return out


def lost_findings(linter, rule: str, sentence: str, wrapped: str) -> set[tuple[str, str]]:
    """What ``rule`` reports on ``sentence`` alone that it no longer reports, on the same words, once wrapped."""
    key = (id(linter), rule, sentence)
    alone = _ALONE.get(key)
    if alone is None:
        alone = _ALONE[key] = {f for f in findings(linter, sentence + "\n") if f[0] == rule}
    return alone - findings(linter, wrapped)


_ALONE: dict[tuple[int, str, str], set[tuple[str, str]]] = {}  # what each example gives alone
