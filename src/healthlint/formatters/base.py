"""The formatter interface and the run summary every format can report."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from healthlint.diagnostics import Diagnostic, Severity


@dataclass
class Summary:
    files: int = 0
    unreadable: list = field(default_factory=list)  # FileError values
    counts: dict = field(default_factory=lambda: {s: 0 for s in Severity})

    def count(self, diagnostic: Diagnostic) -> None:
        self.counts[diagnostic.severity] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def to_dict(self) -> dict:
        return {
            "files": self.files,
            "problems": self.total,
            "errors": self.counts[Severity.ERROR],
            "warnings": self.counts[Severity.WARNING],
            "info": self.counts[Severity.INFO],
            "unreadable": len(self.unreadable),
        }


class Formatter:
    """Receives diagnostics in order; writes to ``out`` (results) and ``err`` (human notes).

    ``rules`` maps rule ids to their documentation (Rule values, or
    ``(severity, description)`` pairs for healthlint's own meta-rules), for
    formats that describe the rules they report (SARIF).
    """

    def __init__(self, out: TextIO, err: TextIO, color: bool = False, rules: dict | None = None):
        self.out, self.err, self.color = out, err, color
        self.rules = rules or {}

    def start(self) -> None:
        pass

    def handle(self, diagnostic: Diagnostic) -> None:
        raise NotImplementedError

    def finish(self, summary: Summary) -> None:
        pass
