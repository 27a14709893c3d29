"""Hover text for a diagnostic: what the rule checks and why, what to write instead, references."""
from __future__ import annotations

from healthlint.lsp.convert import rule_docs_url


def rule_markdown(rule, docs_template: str | None = None) -> str:
    """A rule's documentation as Markdown, from the same fields as ``healthlint explain``."""
    parts = [f"**{rule.id}** · {rule.severity} · kind `{rule.kind}`", rule.description.strip()]
    if rule.instead:
        parts += ["**What to write instead**", rule.instead.strip()]
    if rule.references:
        parts += ["**References**", "\n".join(f"- <{r}>" for r in rule.references)]
    href = rule_docs_url(rule, docs_template)
    if href:
        parts.append(f"[Rule documentation]({href}) · `healthlint explain {rule.id}`")
    return "\n\n".join(parts)


def contains(range_, position) -> bool:
    """Whether ``position`` lies in ``range_``, its end included (the cursor may sit just after a word)."""
    start, end = range_.start, range_.end
    return (start.line, start.character) <= (position.line, position.character) <= (end.line, end.character)
