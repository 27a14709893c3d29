"""One JSON object: ``verdict`` (block, review or pass; block when any input could not be read),
``diagnostics`` (path, line, column, end_line, end_column, rule, severity, message), ``summary`` and
``errors`` (files and folders that could not be read)."""
from __future__ import annotations

import json

from healthlint.formatters.base import Formatter, Summary
from healthlint.verdict import verdict


class JsonFormatter(Formatter):
    def start(self) -> None:
        self.items = []

    def handle(self, d) -> None:
        self.items.append(d.to_dict())

    def finish(self, summary: Summary) -> None:
        doc = {
            "verdict": verdict((s for s, n in summary.counts.items() if n), unreadable=len(summary.unreadable)),
            "diagnostics": self.items,
            "summary": summary.to_dict(),
            "errors": [{"path": e.path, "reason": e.reason} for e in summary.unreadable],
        }
        json.dump(doc, self.out, indent=2, ensure_ascii=False)
        self.out.write("\n")
