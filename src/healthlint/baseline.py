"""Baselines: record today's findings, then report only new ones.

A finding's fingerprint is its rule and the normalised text it flags (case
folded, whitespace collapsed), hashed; never its line number, so edits
elsewhere in the file keep it. A document-level rule (kind ``document``, such
as a missing referral) flags the document, not words: its fingerprint is the
rule alone. Fingerprints are counted per file: if the
baseline holds one "cures depression" for a file and the file now has two,
one is new.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from healthlint.diagnostics import Diagnostic
from healthlint.errors import LocatedError
from healthlint.sources import UnreadableFile, read_text
from healthlint.text.positions import LineIndex

VERSION = 1


def normalise(text: str) -> str:
    return " ".join(text.casefold().split())


def _key(path: str) -> str:
    return Path(os.path.relpath(os.path.abspath(path))).as_posix() if not path.startswith("<") else path


class Fingerprinter:
    """Fingerprints diagnostics, reading each file's text once (``sources`` may supply texts)."""

    def __init__(self, sources: dict[str, str] | None = None, read: Callable[[str], str] = read_text,
                 document_rules: Iterable[str] = ()):
        self.sources = dict(sources or {})
        self.document_rules = frozenset(document_rules)
        self.read = read
        self._path, self._text, self._lines = None, "", None

    def _load(self, path: str) -> None:
        if path != self._path:
            try:
                self._text = self.sources[path] if path in self.sources else self.read(path)
            except UnreadableFile:
                self._text = ""
            self._path, self._lines = path, LineIndex(self._text)

    def snippet(self, d: Diagnostic) -> str:
        self._load(d.path)
        starts = self._lines.starts
        if d.line > len(starts):
            return ""
        start = starts[d.line - 1] + d.column - 1
        end = starts[min(d.end_line, len(starts)) - 1] + d.end_column - 1
        return self._text[start:end]

    def __call__(self, d: Diagnostic) -> str:
        text = "" if d.rule in self.document_rules else normalise(self.snippet(d))
        digest = hashlib.sha256(f"{d.rule}\0{text}".encode()).hexdigest()
        return digest[:20]


def write_baseline(path: str, diagnostics: Iterable[Diagnostic], fingerprint: Fingerprinter) -> int:
    entries = [{"path": _key(d.path), "rule": d.rule, "fingerprint": fingerprint(d), "line": d.line,
                "message": d.message} for d in sorted(diagnostics)]
    doc = {"healthlint-baseline": VERSION, "findings": entries}
    tmp = f"{path}.tmp{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(tmp, path)
    return len(entries)


def read_baseline(path: str) -> Counter:
    """The recorded (path, fingerprint) pairs, with how many of each.

    Read by the one reading policy (:func:`healthlint.sources.read_text`: a regular
    file of at most 16 MiB, UTF-8); every mistake is ``path[:line]: error: reason``.
    """
    try:
        doc = json.loads(read_text(path))
    except UnreadableFile as e:
        raise LocatedError(path, 0, None, f"cannot read baseline: {e}") from None
    except json.JSONDecodeError as e:
        raise LocatedError(path, e.lineno, None, f"invalid baseline JSON: {e.msg}") from None
    except RecursionError:
        raise LocatedError(path, 0, None, "invalid baseline JSON: nested too deeply") from None
    if not isinstance(doc, dict) or doc.get("healthlint-baseline") != VERSION:
        raise LocatedError(path, 0, None, f"not a healthlint baseline (version {VERSION})")
    try:
        return Counter((e["path"], e["fingerprint"]) for e in doc["findings"])
    except (KeyError, TypeError):
        raise LocatedError(path, 0, None, "malformed baseline entry") from None


def new_findings(diagnostics: Iterable[Diagnostic], baseline: Counter, fingerprint: Fingerprinter) -> list[Diagnostic]:
    """The diagnostics the baseline does not account for."""
    remaining = Counter(baseline)
    out = []
    for d in sorted(diagnostics):
        key = (_key(d.path), fingerprint(d))
        if remaining[key] > 0:
            remaining[key] -= 1
        else:
            out.append(d)
    return out
