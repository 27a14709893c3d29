"""Inline suppressions: directives in the document that silence rules on some lines.

Markdown (HTML comments, so they never show when rendered)::

    <!-- healthlint-disable RULE[, RULE] [-- reason] -->     from here ...
    <!-- healthlint-enable [RULE] -->                        ... to here (no RULE: all)
    <!-- healthlint-disable-next-line RULE -- reason -->     the next line only
    <!-- healthlint-disable-line RULE -->                    this line only
    <!-- healthlint-disable-file RULE -->                    the whole file

Plain text uses the same words alone on a line, optionally after ``#`` or
``//``: ``# healthlint-disable-next-line RULE -- reason``. Without RULE a
directive covers every rule. A directive that silences nothing is reported
(``unused-suppression``), as is one naming an unknown rule
(``invalid-suppression``) and, when reasons are required, one without a
reason (``suppression-without-reason``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import regex

from healthlint.diagnostics import Diagnostic, Severity

# Every directive holds this; a document without it (most) needs none of the patterns below.
_MARK = "healthlint-"
_ACTIONS = r"(?P<action>disable-next-line|disable-line|disable-file|disable|enable)"
_MARKDOWN = r"<!--[ \t]*healthlint-" + _ACTIONS + r"(?![\w-])(?P<body>.*?)-->"
_TEXT = r"(?m)^[ \t]*(?:#+|//)?[ \t]*healthlint-" + _ACTIONS + r"(?![\w-])(?P<body>[^\r\n]*)$"
_FENCE = r"(?m)^[ ]{0,3}(`{3,}|~{3,})"
_RULE_SEPARATORS = r"[\s,]+"


@lru_cache(maxsize=None)
def _compiled(pattern: str) -> regex.Pattern:
    """One of the patterns above, compiled the first time a document holds a directive."""
    return regex.compile(pattern)

# The meta-rules suppressions report, documented for `rules` listings and SARIF.
META_RULES = {
    "unused-suppression": (Severity.WARNING, "A healthlint-disable directive that silences no diagnostic. "
                           "Remove it, so suppressions stay an honest list of accepted exceptions."),
    "invalid-suppression": (Severity.ERROR, "A healthlint directive that names an unknown rule."),
    "suppression-without-reason": (Severity.ERROR, "With --require-reason (or require-reason = true), every "
                                   "suppression must say why after ' -- ', so that it can be audited."),
}


@dataclass(frozen=True)
class Directive:
    action: str
    rules: frozenset[str]  # empty: every rule
    reason: str
    start: int  # offsets of the directive in the source
    end: int

    def covers(self, rule: str) -> bool:
        return not self.rules or rule in self.rules


def _parse_body(body: str) -> tuple[frozenset[str], str]:
    body = body.strip()
    rules_part, sep, reason = body.partition("--")
    if not sep and body.startswith("--"):
        rules_part, reason = "", body[2:]
    rules = frozenset(r for r in _compiled(_RULE_SEPARATORS).split(rules_part.strip()) if r)
    return rules, reason.strip()


def _fenced_ranges(source: str) -> list[tuple[int, int]]:
    ranges, opened, marker = [], None, ""
    for m in _compiled(_FENCE).finditer(source):
        fence = m.group(1)
        if opened is None:
            opened, marker = m.start(), fence
        elif fence[0] == marker[0] and len(fence) >= len(marker):
            ranges.append((opened, m.end()))
            opened = None
    if opened is not None:
        ranges.append((opened, len(source)))
    return ranges


def find_directives(source: str, kind: str) -> list[Directive]:
    """The directives in a document, in order; Markdown ones inside fenced code do not count."""
    if _MARK not in source:
        return []
    pattern = _compiled(_MARKDOWN if kind == "markdown" else _TEXT)
    fenced = _fenced_ranges(source) if kind == "markdown" else []
    out = []
    for m in pattern.finditer(source):
        if any(s <= m.start() < e for s, e in fenced):
            continue
        rules, reason = _parse_body(m.group("body"))
        out.append(Directive(m.group("action"), rules, reason, m.start(), m.end()))
    return out


@dataclass
class _Span:
    directive: Directive
    first: float
    last: float
    rules: frozenset[str]
    used: bool = False


def _spans(directives: list[Directive], lines) -> list[_Span]:
    spans: list[_Span] = []
    open_: dict[str, _Span] = {}  # rule (or "*") → its open disable span
    for d in directives:
        line = lines.position(d.start)[0]
        if d.action == "disable-file":
            spans.append(_Span(d, 1, math.inf, d.rules))
        elif d.action == "disable-line":
            spans.append(_Span(d, line, line, d.rules))
        elif d.action == "disable-next-line":
            spans.append(_Span(d, line + 1, line + 1, d.rules))
        elif d.action == "disable":
            span = _Span(d, line, math.inf, d.rules)
            spans.append(span)
            for rule in d.rules or {"*"}:
                open_[rule] = span
        elif d.action == "enable":
            for rule in list(d.rules or open_):
                span = open_.pop(rule, None)
                if span is not None and span.last == math.inf:
                    span.last = line
    return spans


def apply_suppressions(source: str, kind: str, lines, diagnostics: Iterable[Diagnostic], *, path: str,
                       active: set[str], known: set[str], require_reason: bool = False) -> list[Diagnostic]:
    """The diagnostics no directive silences, plus the directives' own problems."""
    directives = find_directives(source, kind)
    if not directives:
        return list(diagnostics)
    spans = _spans(directives, lines)
    kept = []
    for diag in diagnostics:
        silenced = False
        for span in spans:
            if span.first <= diag.line <= span.last and (not span.rules or diag.rule in span.rules):
                span.used = silenced = True
        if not silenced:
            kept.append(diag)

    def report(d: Directive, rule: str, message: str) -> None:
        line, column = lines.position(d.start)
        end_line, end_column = lines.position(d.end)
        kept.append(Diagnostic(path, line, column, end_line, end_column, rule, META_RULES[rule][0], message))

    for d in directives:
        unknown = sorted(r for r in d.rules if r not in known)
        if unknown:
            report(d, "invalid-suppression", f"healthlint-{d.action} names unknown rule(s): {', '.join(unknown)}")
        if require_reason and d.action != "enable" and not d.reason:
            report(d, "suppression-without-reason",
                   f"healthlint-{d.action} needs a reason: add ' -- why' before the end of the directive")
    for span in spans:
        d = span.directive
        relevant = not d.rules or all(r in active for r in d.rules)
        if not span.used and relevant:
            what = ", ".join(sorted(d.rules)) or "all rules"
            report(d, "unused-suppression", f"healthlint-{d.action} ({what}) silences nothing here; remove it")
    kept.sort()
    return kept
