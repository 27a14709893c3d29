"""Front matter: the YAML mapping at the top of a Markdown file, read safely.

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
"""
from __future__ import annotations

import regex
import yaml

_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
# Newlines and printable characters, less those the two loaders read differently
# (tab, NEL, line and paragraph separators, byte-order mark) and surrogates.
_ORDINARY_TEXT = regex.compile(
    r"[\n\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*")
_ODD_SHAPE = regex.compile(r"[|>][-+0-9]*#|(?<![^\s\[{,])!")
_FLOW_BRACKET = regex.compile(r"[\[\]{}]")
# Every nested collection owns one of these indicators, so their count bounds the depth.
_NESTING_INDICATORS = ("[", "{", "-", "?", ":")
_MAX_FAST_DEPTH = 100


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
    loader = _FAST_LOADER if _FAST_LOADER and _fast_loader_agrees(content) else yaml.SafeLoader
    try:
        data = yaml.load(content, Loader=loader)  # noqa: S506 - both loaders are the safe ones
    except (yaml.YAMLError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}
