"""``--statistics``: how many findings each rule produced, most frequent first."""
from __future__ import annotations

from collections import Counter

from healthlint.formatters.base import Formatter, Summary


class StatisticsFormatter(Formatter):
    def start(self) -> None:
        self.counts: Counter = Counter()
        self.severity: dict = {}

    def handle(self, d) -> None:
        self.counts[d.rule] += 1
        self.severity[d.rule] = d.severity

    def finish(self, summary: Summary) -> None:
        if not self.counts:
            return
        width = max(len(str(n)) for n in self.counts.values())
        for rule, n in sorted(self.counts.items(), key=lambda item: (-item[1], item[0])):
            self.out.write(f"{n:>{width}}  {str(self.severity[rule]):7}  {rule}\n")


class Tee(Formatter):
    """Several formatters fed the same diagnostics, in order."""

    def __init__(self, *formatters: Formatter):
        self.formatters = formatters

    def start(self) -> None:
        for f in self.formatters:
            f.start()

    def handle(self, d) -> None:
        for f in self.formatters:
            f.handle(d)

    def finish(self, summary: Summary) -> None:
        for f in self.formatters:
            f.finish(summary)
