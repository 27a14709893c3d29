"""Rule documentation, from the rule file alone: the one source for ``explain``, docs and SARIF."""
from __future__ import annotations

import textwrap

from healthlint.rules.model import Rule
from healthlint.rules.schema import VOCAB_REF


def explain(rule: Rule, vocabularies: dict | None = None) -> str:
    """A rule's documentation; with the pack's ``vocabularies``, also what it looks for, as its shapes."""
    parts = [f"{rule.id} ({rule.severity}, kind: {rule.kind})", "", "What it does and why", "",
             rule.description.strip()]
    if rule.instead:
        parts += ["", "What to write instead", "", rule.instead.strip()]
    looks_for = _looks_for(rule, vocabularies or {})
    if looks_for:
        parts += ["", "What it looks for (claim shapes; see \"Claim shapes\" in the README)", ""] + looks_for
    if rule.examples.fail:
        parts += ["", "Reported"] + [_example(t) for t in rule.examples.fail]
    if rule.examples.pass_:
        parts += ["", "Not reported"] + [_example(t) for t in rule.examples.pass_]
    if rule.references:
        parts += ["", "References"] + [f"  - {r}" for r in rule.references]
    parts += ["", f"Defined in {rule.path}"]
    return "\n".join(parts) + "\n"


def _looks_for(rule: Rule, vocabularies: dict) -> list[str]:
    """Each check as written, then the shapes of the shape vocabularies they name, each once."""
    checks = getattr(rule.check, "checks", None)
    if checks is None:
        return []
    lines, named = [], []
    for check in checks():
        if not check.written:
            continue
        how, what = check.written
        shapes = what if how == "shape" else ()
        if how == "shape":
            lines += [f"  - {_shape(s)}" for s in shapes]
        else:
            lines.append(f"  - {what}    (regular expression)")
        if check.topic_written:
            lines.append(f"      only after a topic that starts with: {' | '.join(map(_shape, check.topic_written))}")
        text = " ".join(map(_shape, shapes)) if shapes else what
        named += [n for n in sorted(set(VOCAB_REF.findall(text))) if n not in named]
    for name in named:
        vocabulary = vocabularies.get(name)
        if vocabulary is not None and vocabulary.shapes:
            lines += ["", f"  {{{name}}} is one of these shapes ({vocabulary.path}):"]
            lines += [f"    - {_shape(s)}" for s in vocabulary.shapes]
    return lines


def _shape(shape) -> str:
    if isinstance(shape, str):
        return shape
    slots = ", ".join(f"{name} = {value}" for name, value in shape["slots"].items())
    return f"{' / '.join(shape['orders'])}   where {slots}"


def _example(text: str) -> str:
    return textwrap.indent(text.strip(), "    ") + "\n"
