"""The publishing decision: a verdict for a text, and a stable fingerprint for each finding.

``block``  an error-level finding is left: do not publish.
``review`` only warnings are left: an editor should look before publishing.
``pass``   nothing (or only information) is left, and every input was read.

An input that could not be read (undecodable, too large, not a regular file,
no permission, a folder that cannot be listed) was not checked, so it is never
a ``pass``: the verdict is ``block``, whatever else was found.

A fingerprint names a finding by what it is about, not where it is: the rule
id, the finding's own words and a few words either side within its sentence
(never across a sentence end, a blank line or a block tag), case and white
space folded, markup left out. An editor's approval stored as a fingerprint
therefore survives edits elsewhere in the article (lines added above it, other
paragraphs rewritten) and lapses when the finding's own sentence changes. A
document-level finding (a missing referral) is fingerprinted by its rule
alone. When the same words occur twice, the second occurrence gets ``-2``.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Iterable

import regex

from healthlint.diagnostics import Diagnostic, Severity
from healthlint.text.positions import LineIndex

BLOCK, REVIEW, PASS = "block", "review", "pass"
CONTEXT_WORDS = 3
_WINDOW = 200  # characters searched on each side for the context words
_WORD = regex.compile(r"\w+")
_MARKUP = regex.compile(r"<[^<>]*>|&#?\w+;")
_BOUNDARY = regex.compile(
    r"[.!?][\"'”’)\]]*\s|\n[ \t]*\n|\n[ \t]*(?:[#>*+-]|\d+[.)])\s"
    r"|</?(?i:p|div|li|h[1-6]|td|th|tr|blockquote|ul|ol|section|article|header|footer|br|hr)\b[^<>]*>")


def verdict(severities: Iterable[Severity], *, unreadable: int = 0) -> str:
    """``block`` for any error or any of ``unreadable`` inputs, ``review`` for any warning, else ``pass``."""
    worst = max(severities, default=None)
    if unreadable or (worst is not None and worst >= Severity.ERROR):
        return BLOCK
    if worst is not None and worst >= Severity.WARNING:
        return REVIEW
    return PASS


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(_MARKUP.sub(" ", text))]


def fingerprint(rule: str, source: str, start: int, end: int, context: int = CONTEXT_WORDS) -> str:
    """A short hash of ``rule`` and the normalised words at and around ``source[start:end]``."""
    before = after = []
    if context:
        window = source[max(0, start - _WINDOW):start]
        cut = max((m.end() for m in _BOUNDARY.finditer(window)), default=0)
        before = _words(window[cut:])[-context:]
        window = source[end:end + _WINDOW]
        m = _BOUNDARY.search(window)
        after = _words(window[:m.start() if m else len(window)])[:context]
    key = "\x1f".join([rule, " ".join(before), " ".join(_words(source[start:end])), " ".join(after)])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Finding:
    diagnostic: Diagnostic
    fingerprint: str
    approved: bool = False

    def to_dict(self) -> dict:
        return {**self.diagnostic.to_dict(), "fingerprint": self.fingerprint, "approved": self.approved}


@dataclass(frozen=True)
class Review:
    """What a CMS acts on: the verdict, and each finding with its fingerprint."""

    verdict: str
    findings: tuple[Finding, ...]

    def summary(self) -> dict:
        open_ = [f.diagnostic.severity for f in self.findings if not f.approved]
        return {
            "problems": len(open_),
            "errors": open_.count(Severity.ERROR),
            "warnings": open_.count(Severity.WARNING),
            "info": open_.count(Severity.INFO),
            "approved": sum(f.approved for f in self.findings),
        }


def review(source: str, diagnostics: Iterable[Diagnostic], *, approved: Iterable[str] = (),
           document_rules: Iterable[str] = ()) -> Review:
    """Fingerprint each diagnostic of ``source``; findings whose fingerprint is approved do not count."""
    approved, document_rules = set(approved), set(document_rules)
    lines = LineIndex(source)
    seen: dict[str, int] = {}
    findings = []
    for d in diagnostics:
        if d.rule in document_rules:
            base = fingerprint(d.rule, "", 0, 0, context=0)
        else:
            start = _offset(lines, d.line, d.column)
            end = _offset(lines, d.end_line, d.end_column)
            base = fingerprint(d.rule, source, start, end)
        seen[base] = seen.get(base, 0) + 1
        fp = base if seen[base] == 1 else f"{base}-{seen[base]}"
        findings.append(Finding(d, fp, fp in approved))
    return Review(verdict(f.diagnostic.severity for f in findings if not f.approved), tuple(findings))


def _offset(lines: LineIndex, line: int, column: int) -> int:
    return lines.line_start(min(max(line, 1), lines.line_count)) + column - 1
