"""Kind ``sentence``: a pattern looked for in each sentence, with exceptions in the same sentence.

For claims and promises made in a sentence: a match is reported unless one of
the rule's ``unless`` exceptions (hedges, negations, attribution...) is found
in the scope it names around the match. One diagnostic per sentence.
"""
from __future__ import annotations

from dataclasses import dataclass

from healthlint.kinds.matching import SentenceMatcher, describe, in_scope, is_question
from healthlint.rules import schema
from healthlint.rules.schema import Field

FIELDS = {
    "patterns": Field(schema.checks, required=True,
                      doc="what the rule looks for; each item a pattern or {pattern, unless}"),
    "unless": Field(schema.exceptions, default=(),
                    doc="exceptions for every pattern: {pattern, scope} (scope: sentence, clause, preceding, ...)"),
    "skip_questions": Field(schema.boolean, default=True, doc="questions are never reported"),
    "clause_breaks": Field(schema.pattern, default=None,
                           doc="what separates clauses (default: the {clause_breaks} vocabulary)"),
}

@dataclass(frozen=True)
class SentenceKind:
    matcher: SentenceMatcher
    skip_questions: bool

    @classmethod
    def build(cls, values: dict, defaults: dict) -> "SentenceKind":
        breaks = values["clause_breaks"] or defaults["clause_breaks"]
        return cls(SentenceMatcher(values["patterns"], values["unless"], breaks), values["skip_questions"])

    def run(self, document, rule):
        prose = document.prose
        for sentence in self.matcher.sentences(document):
            if not in_scope(sentence, rule.scopes):
                continue
            if self.skip_questions and is_question(prose, sentence.start, sentence.end):
                continue
            m = self.matcher.first(document, sentence)
            if m:
                yield m.start(), m.end(), rule.message.replace("{match}", describe(m.group()))
