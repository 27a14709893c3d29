"""Shared vocabularies: named word lists (or one regex) that rule patterns reference as ``{name}``.

A term made of letters, digits, spaces, hyphens and apostrophes is a plain
phrase: it is inflected if the vocabulary asks for it, a space matches any run
of white space, a hyphen is optional ("non-addictive", "non addictive",
"nonaddictive") and an apostrophe matches ' or ’. Any other term is a regular
expression fragment used as written. Terms match as whole words unless the
vocabulary sets ``whole_words: false`` (for URL shapes and similar).
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from healthlint.rules.inflect import inflect
from healthlint.rules.patterns import Pattern

_PLAIN = Pattern(r"^[\w\s'’&-]+$")  # compiled when a vocabulary is built from its file


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    fragment: str  # a regex fragment, a non-capturing group
    terms: tuple[str, ...]
    path: str
    shapes: tuple = ()  # claim shapes as written (strings, or {slots, orders} mappings)


def _atom(ch: str) -> str:
    """The regex for one character of a plain phrase."""
    if ch == " ":
        return r"\s+"
    if ch == "-":
        return r"[-\s]?"
    if ch in "'’":
        return "['’]"
    return regex.escape(ch)


def term_alternatives(terms, how: str | None) -> list[str]:
    """Regex alternatives for a term list: its regex terms, longest first, then one trie of its plain phrases.

    The trie (``relieve`` and ``relieves`` become ``reliev(?:es|e)``) matches
    what the phrases would as a list of alternatives, longer continuations
    first, but a regex tries one branch per letter instead of every phrase at
    every position: a vocabulary of hundreds of phrases is searched two to
    three times faster.
    """
    written = set()
    phrases: set[tuple[str, ...]] = set()
    for term in terms:
        term = " ".join(term.split())
        if _PLAIN.match(term):
            for form in (inflect(term, how) if how else {term}):
                phrases.add(tuple(map(_atom, form)))
        else:
            written.add(f"(?:{term})")
    alternatives = sorted(written, key=lambda a: (-len(a), a))
    if phrases:
        alternatives.append(_trie(phrases))
    return alternatives


def _trie(phrases: set[tuple[str, ...]]) -> str:
    """One regex for phrases given as sequences of atoms, sharing their common beginnings."""
    root: dict = {}
    for atoms in phrases:
        node = root
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[""] = None  # a phrase ends here
    return _render(root)


def _render(node: dict) -> str:
    ends = "" in node
    branches = sorted((atom for atom in node if atom), key=lambda atom: (-_longest(node[atom]), atom))
    parts = [atom + _render(node[atom]) for atom in branches]
    if not parts:
        return ""
    if len(parts) == 1 and not ends:
        return parts[0]
    body = "(?:" + "|".join(parts) + ")"
    return body + "?" if ends else body


def _longest(node: dict) -> int:
    """How many atoms the longest phrase continues from ``node``."""
    return 1 + max((_longest(child) for atom, child in node.items() if atom), default=0)


def build_fragment(terms, how: str | None, whole_words: bool = True) -> str:
    body = "(?:" + "|".join(term_alternatives(terms, how)) + ")"
    return r"(?<![\w])" + body + r"(?![\w])" if whole_words else body
