"""``path:line:col: severity rule-id message``: the form editors' quickfix lists parse."""
from __future__ import annotations

from healthlint.diagnostics import Severity
from healthlint.formatters.base import Formatter, Summary

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class TextFormatter(Formatter):
    def handle(self, d) -> None:
        if self.color:
            sev = f"{_COLORS[d.severity]}{d.severity}{_RESET}"
            self.out.write(f"{_BOLD}{d.path}{_RESET}:{d.line}:{d.column}: {sev} {_DIM}{d.rule}{_RESET} {d.message}\n")
        else:
            self.out.write(f"{d.path}:{d.line}:{d.column}: {d.severity} {d.rule} {d.message}\n")

    def finish(self, summary: Summary) -> None:
        files = _plural(summary.files, "file")
        if summary.total:
            parts = [_plural(summary.counts[s], str(s)) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
                     if summary.counts[s]]
            self.err.write(f"Found {_plural(summary.total, 'problem')} ({', '.join(parts)}) in {files}.\n")
        else:
            self.err.write(f"No problems found in {files}.\n")
        if summary.unreadable:
            self.err.write(f"{_plural(len(summary.unreadable), 'file')} could not be read.\n")
