"""Front matter: the YAML mapping at the top of a Markdown file, found and read safely.

:func:`find_front_matter` finds it as markdown-it's front matter plugin does
(``mdit_py_plugins.front_matter``), so that both Markdown readers agree: a
first line of three or more dashes, up to a line of at least as many dashes
(indented less than four columns) or a YAML document end ``...``; without
that closing line there is no front matter.

Only plain data is built (PyYAML's safe loaders construct no objects from
tags); anything that is not a mapping, or not valid YAML, reads as no front
matter at all.

libyaml's loader is eight times faster than PyYAML's own, but the two disagree
on some odd inputs (tabs, byte-order marks, a lone ``!`` tag, a comment glued
to a block-scalar header, a ``?`` in a flow collection, a flow collection that
goes on to the next line) and
libyaml's composer recurses in C, so that YAML nested a hundred thousand deep
crashes the process. So libyaml reads only front matter that is shallow by
construction and free of those shapes; the rest goes to PyYAML's own loader,
whose recursion in Python stops at the interpreter's limit.

A document's front matter is read when it is first looked at
(:class:`FrontMatter`), and a rule asking for one field does not read it at
all when that field's name is nowhere in it (:meth:`FrontMatter.may_hold`):
most articles' front matter holds none of the fields a rule asks about, and
reading it cost as much as a tenth of linting them.
"""
from __future__ import annotations

from collections.abc import Mapping

import regex

# Newlines and printable characters, less those the two loaders read differently
# (tab, NEL, line and paragraph separators, byte-order mark) and surrogates.
_ORDINARY_TEXT = regex.compile(
    r"[\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
_ODD_SHAPE = regex.compile(r"[|>][-+0-9]*#|(?<![^\s\[{,])!")
_FLOW_BRACKET = regex.compile(r"[\[\]{}]")
# Every nested collection owns one of these indicators, so their count bounds the depth.
_NESTING_INDICATORS = ("[", "{", "-", "?", ":")
_MAX_FAST_DEPTH = 100
_LINE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")


def find_front_matter(source: str) -> tuple[str, int] | None:
    """``(content, end)``: the front matter's YAML with ``\\n`` line breaks, and the offset where the body starts."""
    if not source.startswith("---"):
        return None
    opening = len(source) - len(source.lstrip("-"))
    lines = _LINE.finditer(source)
    next(lines)  # the opening line
    content = []
    for m in lines:
        if m.start() >= len(source):
            return None  # never closed
        line = m.group().rstrip("\r\n")
        body = line.lstrip(" \t")
        if line.startswith("...") and not line[3:].strip(" \t"):
            break
        if body.startswith("-") and _columns(line[:len(line) - len(body)]) < 4:
            dashes = len(body) - len(body.lstrip("-"))
            if dashes >= opening and not body[dashes:].strip(" \t"):
                break
        content.append(line)
    else:
        return None
    return "\n".join(content).replace("\0", "\ufffd"), m.end()


def _columns(indent: str) -> int:
    width = 0
    for ch in indent:
        width += 4 - width % 4 if ch == "\t" else 1
    return width


def _fast_loader_agrees(content: str) -> bool:
    """Will libyaml read ``content`` exactly as PyYAML's own loader would, and without deep recursion?"""
    if sum(content.count(ch) for ch in _NESTING_INDICATORS) > _MAX_FAST_DEPTH:
        return False
    if not _ORDINARY_TEXT.fullmatch(content) or _ODD_SHAPE.search(content):
        return False
    if "[" in content or "{" in content:
        return all(map(_flow_closes_on_its_line, content.split("\n")))
    return True


def _flow_closes_on_its_line(line: str) -> bool:
    """Does every flow collection opened on ``line`` close on it, with no quote to hide a bracket and no ``?``?"""
    if "'" in line or '"' in line or "?" in line:
        return "[" not in line and "{" not in line and "]" not in line and "}" not in line
    depth = 0
    for ch in _FLOW_BRACKET.findall(line):
        depth += 1 if ch in "[{" else -1
        if depth < 0:
            return False
    return depth == 0


def read_front_matter(content: str) -> dict:
    """The front matter's mapping, or ``{}`` when it is not a valid YAML mapping."""
    import yaml  # here, not above: PyYAML takes ~10 ms to import, and a document without front matter needs none

    fast = getattr(yaml, "CSafeLoader", None)
    loader = fast if fast and _fast_loader_agrees(content) else yaml.SafeLoader
    try:
        data = yaml.load(content, Loader=loader)  # noqa: S506 - both loaders are the safe ones
    except (yaml.YAMLError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


class FrontMatter(Mapping):
    """A front matter's mapping, read from its YAML when first used (a read-only dict for everything else)."""

    __slots__ = ("content", "_data")

    def __init__(self, content: str):
        self.content = content
        self._data: dict | None = None

    def _read(self) -> dict:
        data = self._data
        if data is None:
            data = self._data = read_front_matter(self.content)
        return data

    def may_hold(self, key: str) -> bool:
        """Could ``key`` be one of the mapping's keys? ``False`` is certain, and reads nothing.

        A key is written out in the YAML, except through a double-quoted
        escape or line continuation, which needs a backslash.
        """
        if self._data is not None:
            return key in self._data
        return key in self.content or "\\" in self.content

    def __getitem__(self, key):
        return self._read()[key]

    def get(self, key, default=None):
        if isinstance(key, str) and not self.may_hold(key):
            return default
        return self._read().get(key, default)

    def __contains__(self, key) -> bool:
        if isinstance(key, str) and not self.may_hold(key):
            return False
        return key in self._read()

    def __iter__(self):
        return iter(self._read())

    def __len__(self) -> int:
        return len(self._read())

    def __eq__(self, other) -> bool:
        return self._read() == (dict(other) if isinstance(other, Mapping) else other)

    __hash__ = None  # a mapping, as a dict is

    def __repr__(self) -> str:
        return f"FrontMatter({self._read()!r})"

    def __reduce__(self):
        return FrontMatter, (self.content,)
