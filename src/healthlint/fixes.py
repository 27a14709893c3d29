"""Safe fixes: the few edits healthlint can make without changing what an article claims.

=============================  ==========================================================
rule                           fix
=============================  ==========================================================
undisclosed-affiliate-link     insert the configured disclosure (``fix.disclosure``) as its
                               own paragraph before the block holding the first flagged link
missing-clinician-referral     append the configured referral (``fix.referral``)
missing-supplement-disclaimer  append the configured DSHEA disclaimer (``fix.dshea``),
                               once the strict profile ships that rule
=============================  ==========================================================

A fix is applied only if, linting the result again, the rule it targets is
silent and no other rule reports more than before; so a second run never
changes anything. Claims themselves are never rewritten. Files are written
atomically (a temporary file in the same folder, then a rename), in their own
encoding, and only when changed. An interruption (SIGINT, SIGTERM) takes
effect between two files, never in the middle of one.
"""
from __future__ import annotations

import contextlib
import difflib
import os
import tempfile
from dataclasses import dataclass
from typing import Callable

from healthlint.config import Config
from healthlint.signals import signals_held
from healthlint.sources import decode, encoding_of, read_bytes

_FRONT_MATTER_FENCES = ("---", "+++")


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _front_matter_end(lines: list[str]) -> int:
    """Index of the first line after Markdown front matter (0 when there is none)."""
    if lines and lines[0].strip() in _FRONT_MATTER_FENCES:
        for i in range(1, len(lines)):
            if lines[i].strip() == lines[0].strip():
                return i + 1
    return 0


def insert_disclosure(text: str, targets, config: Config, kind: str) -> str:
    lines = text.splitlines(keepends=True)
    first = min(d.line for d in targets) - 1
    floor = _front_matter_end(lines) if kind == "markdown" else 0
    line = first
    while line > floor and lines[line - 1].strip() and not (kind == "markdown" and lines[line - 1].lstrip().startswith("#")):
        line -= 1
    nl = _newline(text)
    pos = _line_starts(text)[line]
    return text[:pos] + config.fix_disclosure + nl + nl + text[pos:]


def _appender(setting: str):
    def append(text: str, targets, config: Config, kind: str) -> str:
        nl = _newline(text)
        body = text.rstrip("\r\n \t")
        return (body + nl + nl if body else "") + getattr(config, setting) + nl
    return append


@dataclass(frozen=True)
class Fix:
    rule: str
    description: str
    apply: Callable[[str, list, Config, str], str]


FIXES = {f.rule: f for f in (
    Fix("undisclosed-affiliate-link", "insert the configured affiliate disclosure before the first affiliate link",
        insert_disclosure),
    Fix("missing-clinician-referral", "append the configured clinician referral", _appender("fix_referral")),
    Fix("missing-supplement-disclaimer", "append the configured DSHEA disclaimer", _appender("fix_dshea")),
)}


def fix_text(text: str, path: str, linter) -> tuple[str, list[str]]:
    """``text`` with every safe fix applied, and the rules fixed."""
    from healthlint.text.document import kind_for_path

    kind = kind_for_path(path)
    found = linter.lint_text(text, path)
    applied = []
    for rule_id, fix in FIXES.items():
        targets = [d for d in found if d.rule == rule_id]
        if not targets:
            continue
        candidate = fix.apply(text, targets, linter.config, kind)
        if candidate == text:
            continue
        after = linter.lint_text(candidate, path)
        if any(d.rule == rule_id for d in after):
            continue  # the fix would not settle it: leave the file alone
        others_before = sum(1 for d in found if d.rule != rule_id)
        if sum(1 for d in after if d.rule != rule_id) > others_before:
            continue
        text, found = candidate, after
        applied.append(rule_id)
    return text, applied


def unified_diff(path: str, before: str, after: str) -> str:
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=f"a/{path.lstrip('/')}", tofile=f"b/{path.lstrip('/')}"))


def read_for_fix(path: str) -> tuple[str, str]:
    """The file's text and the encoding to write it back in, read as linting reads it
    (:func:`healthlint.sources.read_bytes`); UnreadableFile says why not."""
    raw = read_bytes(path)
    return decode(raw), encoding_of(raw)


def write_atomic(path: str, text: str, encoding: str = "utf-8") -> None:
    """Write through a temporary file in the same folder and a rename; keep the file's permissions.

    SIGINT and SIGTERM are held until the rename is done (in the main thread),
    and the temporary file is removed if the write fails: the file is either as
    it was or entirely ``text``, and nothing else is left in the folder.
    """
    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o7777 if os.path.exists(path) else None
    with signals_held():
        fd, tmp = tempfile.mkstemp(prefix=".healthlint-", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
                f.write(text)
            if mode is not None:
                os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
