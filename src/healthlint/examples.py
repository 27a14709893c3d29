"""Every rule's examples are tests: ``fail`` texts must be reported, ``pass`` texts must not."""
from __future__ import annotations

from dataclasses import dataclass

from healthlint.pipeline import Linter


@dataclass(frozen=True)
class ExampleFailure:
    rule: str
    expected: str  # "fail" or "pass"
    text: str
    found: tuple  # the rule's diagnostics on the text

    def describe(self) -> str:
        first = self.text.strip().splitlines()[0] if self.text.strip() else ""
        if self.expected == "fail":
            return f"{self.rule}: should report, but stays quiet on: {first!r}"
        where = ", ".join(f"{d.line}:{d.column} {d.message}" for d in self.found)
        return f"{self.rule}: should stay quiet, but reports {where} on: {first!r}"


def run_examples(linter: Linter, rule_ids=None) -> tuple[int, list[ExampleFailure]]:
    """Run the examples of the linter's rules (or of ``rule_ids``); return (count, failures)."""
    failures = []
    count = 0
    for rule in linter.rules:
        if rule_ids is not None and rule.id not in rule_ids:
            continue
        single = Linter(pack=linter.pack, select=[rule.id])
        for expected, texts in (("fail", rule.examples.fail), ("pass", rule.examples.pass_)):
            for text in texts:
                count += 1
                found = tuple(d for d in single.lint_text(text, "example.md") if d.rule == rule.id)
                if bool(found) != (expected == "fail"):
                    failures.append(ExampleFailure(rule.id, expected, text, found))
    return count, failures
