"""Rule documentation, from the rule file alone: the one source for ``explain``, docs and SARIF."""
from __future__ import annotations

import textwrap

from healthlint.rules.model import Rule


def explain(rule: Rule) -> str:
    parts = [f"{rule.id} ({rule.severity}, kind: {rule.kind})", "", "What it does and why", "",
             rule.description.strip()]
    if rule.instead:
        parts += ["", "What to write instead", "", rule.instead.strip()]
    if rule.examples.fail:
        parts += ["", "Reported"] + [_example(t) for t in rule.examples.fail]
    if rule.examples.pass_:
        parts += ["", "Not reported"] + [_example(t) for t in rule.examples.pass_]
    if rule.references:
        parts += ["", "References"] + [f"  - {r}" for r in rule.references]
    parts += ["", f"Defined in {rule.path}"]
    return "\n".join(parts) + "\n"


def _example(text: str) -> str:
    return textwrap.indent(text.strip(), "    ") + "\n"
