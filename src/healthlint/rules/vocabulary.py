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

_PLAIN = regex.compile(r"^[\w\s'’&-]+$")


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    fragment: str  # a regex fragment, a non-capturing group
    terms: tuple[str, ...]
    path: str


def _plain_to_regex(phrase: str) -> str:
    out = []
    for ch in phrase:
        if ch == " ":
            out.append(r"\s+")
        elif ch == "-":
            out.append(r"[-\s]?")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(regex.escape(ch))
    return "".join(out)


def term_alternatives(terms, how: str | None) -> list[str]:
    """Regex alternatives for a term list, longest first so the longest phrase wins."""
    alternatives = set()
    for term in terms:
        term = " ".join(term.split())
        if _PLAIN.match(term):
            for form in (inflect(term, how) if how else {term}):
                alternatives.add(_plain_to_regex(form))
        else:
            alternatives.add(f"(?:{term})")
    return sorted(alternatives, key=lambda a: (-len(a), a))


def build_fragment(terms, how: str | None, whole_words: bool = True) -> str:
    body = "(?:" + "|".join(term_alternatives(terms, how)) + ")"
    return r"(?<![\w])" + body + r"(?![\w])" if whole_words else body
