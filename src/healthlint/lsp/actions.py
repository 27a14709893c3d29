"""Code actions: suppress a diagnostic for one line, and the quick fixes some rules have.

Suppression inserts a comment above the line, with a placeholder reason:

    <!-- healthlint-disable-next-line RULE -- reason -->     (Markdown)
    # healthlint: disable-next-line RULE -- reason           (plain text)

Fixes are text edits chosen from ``FIXES`` by rule id: a disclosure put under
the title (before any link), a referral appended at the end. Their wording
comes from the settings (``disclosure``, ``referral``).
"""
from __future__ import annotations

import regex
from lsprotocol import types

from healthlint.lsp.convert import SOURCE
from healthlint.lsp.positions import PositionEncoder

_BREAK = regex.compile(r"\r\n|\r|\n")
_LINES = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_ATX_HEADING = regex.compile(r" {0,3}#{1,6}(?:[ \t]|$)")
_SUPPRESS = {
    "markdown": "<!-- healthlint-disable-next-line {rule} -- reason -->",
    "text": "# healthlint: disable-next-line {rule} -- reason",
}


def _lines(text: str) -> list[str]:
    """The lines, each with its line break (LSP's line numbering)."""
    return _LINES.findall(text) or [""]


def _newline(text: str) -> str:
    m = _BREAK.search(text)
    return m.group() if m else "\n"


def _front_matter_end(lines: list[str]) -> int:
    """How many lines the YAML front matter takes at the top (0 if there is none)."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return i + 1
    return 0


def suppress_edit(text: str, line: int, rule: str, kind: str) -> types.TextEdit | None:
    """The comment that disables ``rule`` on 0-based ``line``; None inside front matter."""
    lines = _lines(text)
    if kind == "markdown" and line < _front_matter_end(lines):
        return None
    current = lines[line] if line < len(lines) else ""
    indent = current[: len(current) - len(current.lstrip(" \t"))]
    comment = indent + _SUPPRESS.get(kind, _SUPPRESS["markdown"]).format(rule=rule) + _newline(text)
    start = types.Position(line, 0)
    return types.TextEdit(types.Range(start, start), comment)


def insert_disclosure(text: str, kind: str, encoder: PositionEncoder, settings) -> types.TextEdit:
    """The disclosure as its own paragraph after the front matter and the title, before any link."""
    lines, nl = _lines(text), _newline(text)
    at = _front_matter_end(lines)
    while at < len(lines) and not lines[at].strip():
        at += 1
    if kind == "markdown" and at < len(lines) and _ATX_HEADING.match(lines[at]):
        at += 1
        new = nl + settings.disclosure + nl + ("" if at < len(lines) and not lines[at].strip() else nl)
    else:
        new = settings.disclosure + nl + nl
    if at >= len(lines):
        end = encoder.end()
        sep = "" if text.endswith(("\n", "\r")) else nl
        return types.TextEdit(types.Range(end, end), sep + new.lstrip("\r\n"))
    start = types.Position(at, 0)
    return types.TextEdit(types.Range(start, start), new)


def append_referral(text: str, kind: str, encoder: PositionEncoder, settings) -> types.TextEdit:
    """The referral as the last paragraph."""
    nl = _newline(text)
    stripped = text.rstrip("\r\n")
    breaks = len(_BREAK.findall(text, len(stripped)))
    sep = nl * max(0, 2 - breaks) if stripped else ""
    end = encoder.end()
    return types.TextEdit(types.Range(end, end), sep + settings.referral + nl)


# rule id → (title, edit builder)
FIXES = {
    "undisclosed-affiliate-link": ("Insert an affiliate disclosure under the title", insert_disclosure),
    "missing-clinician-referral": ("Append a referral to a clinician", append_referral),
}


def code_actions(uri: str, text: str, kind: str, diagnostics, encoder: PositionEncoder, settings):
    """The actions for the healthlint ``diagnostics`` a client sent with a codeAction request."""
    actions, seen = [], set()
    for diagnostic in diagnostics:
        rule = diagnostic.code
        if diagnostic.source != SOURCE or not isinstance(rule, str):
            continue
        if rule in FIXES and rule not in seen:
            seen.add(rule)
            title, build = FIXES[rule]
            actions.append(_action(title, uri, build(text, kind, encoder, settings), diagnostic, preferred=True))
        line = diagnostic.range.start.line
        if (rule, line) not in seen:
            seen.add((rule, line))
            edit = suppress_edit(text, line, rule, kind)
            if edit is not None:
                actions.append(_action(f"Suppress {rule} for this line", uri, edit, diagnostic))
    return actions


def _action(title, uri, edit, diagnostic, preferred=False) -> types.CodeAction:
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic],
        is_preferred=preferred or None,
        edit=types.WorkspaceEdit(changes={uri: [edit]}),
    )
