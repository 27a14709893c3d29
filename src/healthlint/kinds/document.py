"""Kind ``document``: a trigger present and a required pattern absent, anywhere in the document.

For what a whole document must contain once it says something: a clinician
referral once it gives health advice. The requirement is also met by a
non-empty front-matter field named in ``front_matter``. One diagnostic per
document, at its first line.

A finding of one of the ``trigger_rules`` in the document is a trigger enough
on its own: a claim the cure rule reports is health advice however short the
page is, and it is that rule's exceptions (hedges, debunks, other senses) that
tell such a claim from a word that only looks like one. The named rules count
as the pack defines them, whether or not a run reports them: ignoring or
selecting a rule never changes another rule's findings. Their findings are
kept in the document's cache (``Rule.run``), so they run once.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from healthlint.budget import remaining
from healthlint.kinds.matching import SentenceMatcher, in_scope
from healthlint.rules import schema
from healthlint.rules.schema import Field

FIELDS = {
    "trigger": Field(schema.checks, required=True, doc="what makes the requirement apply"),
    "trigger_unless": Field(schema.exceptions, default=(), doc="exceptions for the trigger"),
    "min_triggers": Field(schema.integer, default=1, doc="how many trigger sentences it takes"),
    "trigger_rules": Field(schema.text_list, default=(),
                           doc="rules (by id) whose finding in the document makes the requirement apply on its own"),
    "require": Field(schema.checks, required=True, doc="what satisfies the requirement"),
    "require_unless": Field(schema.exceptions, default=(), doc="exceptions for the requirement"),
    "require_across_sentences": Field(schema.boolean, default=False,
                                      doc="match the requirement against the whole prose (a multi-sentence text)"),
    "front_matter": Field(schema.text_list, default=(), doc="front-matter fields that also satisfy it"),
    "front_matter_setting": Field(schema.choice("disclosure", "referral"), default=None,
                                  doc="the configuration's disclosure-fields or referral-fields also satisfy it"),
    "clause_breaks": Field(schema.pattern, default=None, doc="what separates clauses"),
}


def front_matter_satisfies(document, fields) -> bool:
    for name in fields:
        value = document.front_matter.get(name)
        if value not in (None, False, "", [], {}):
            return True
    return False


@dataclass(frozen=True)
class DocumentKind:
    trigger: SentenceMatcher
    require: SentenceMatcher
    min_triggers: int
    front_matter: tuple[str, ...]
    across_sentences: bool
    front_matter_setting: str | None = None
    trigger_rules: tuple = ()  # rule ids as written; the rules themselves once the pack links them

    def rules_named(self) -> tuple[str, ...]:
        return tuple(r if isinstance(r, str) else r.id for r in self.trigger_rules)

    def linked(self, rules: dict) -> "DocumentKind":
        """This check with its ``trigger_rules`` resolved in ``rules`` (KeyError names one that is missing)."""
        return replace(self, trigger_rules=tuple(rules[r] if isinstance(r, str) else r for r in self.trigger_rules))

    @classmethod
    def build(cls, values: dict, defaults: dict) -> "DocumentKind":
        breaks = values["clause_breaks"] or defaults["clause_breaks"]
        return cls(
            SentenceMatcher(values["trigger"], values["trigger_unless"], breaks),
            SentenceMatcher(values["require"], values["require_unless"], breaks),
            max(1, values["min_triggers"]),
            values["front_matter"],
            values["require_across_sentences"],
            values["front_matter_setting"],
            values["trigger_rules"],
        )

    def run(self, document, rule):
        if front_matter_satisfies(document, self.front_matter):
            return
        if self.across_sentences and any(c.pattern.search(document.prose, timeout=remaining()) for c in self.require.checks):
            return
        if not self.across_sentences and any(self.require.first(document, sentence)
                                             for sentence in self.require.sentences(document)):
            return
        triggers = 0
        for sentence in self.trigger.sentences(document):
            if in_scope(sentence, rule.scopes) and self.trigger.first(document, sentence):
                triggers += 1
                if triggers >= self.min_triggers:
                    break
        if triggers < self.min_triggers and any(next(other.run(document), None) is not None
                                                for other in self.trigger_rules if not isinstance(other, str)):
            triggers = self.min_triggers
        if triggers >= self.min_triggers:
            end = document.lines.starts[1] - 1 if document.lines.line_count > 1 else len(document.source)
            end = len(document.source[:end].rstrip("\r\n"))
            yield 0, max(end, 0), rule.message
