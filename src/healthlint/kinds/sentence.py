"""Kind ``sentence``: a pattern looked for in each sentence, with exceptions in the same sentence.

For claims and promises made in a sentence: a match is reported unless one of
the rule's ``unless`` exceptions (hedges, negations, attribution...) is found
in the scope it names around the match. One diagnostic per sentence.
"""
from __future__ import annotations

from dataclasses import dataclass

from healthlint.kinds.matching import SentenceMatcher, describe, in_scope, is_question
from healthlint.kinds.prefilter import LiteralFilter
from healthlint.rules import schema
from healthlint.rules.patterns import Pattern
from healthlint.rules.schema import Field

MAX_DOMAIN_COUNT = 64  # past this many matches of another domain's words, a document's domain is plain


@dataclass(frozen=True)
class Domain:
    """A document-level test: ``against`` (the words of another domain: software, payments) matches the
    prose no more often than ``pattern`` (the health words), and ``pattern`` at least ``at_least`` times."""

    pattern: Pattern
    at_least: int = 0
    against: LiteralFilter | None = None  # searched only where its literals occur

    def holds(self, document) -> bool:
        key = ("domain", self.pattern.pattern, self.at_least, self.against and self.against.pattern.pattern)
        cached = document.cache.get(key)
        if cached is None:
            # the other domain first, skipped by its literals where it cannot occur (most documents):
            # then the health words need counting only up to at_least
            other = 0
            if self.against is not None and self.against.search(document.prose):
                other = _count(self.against.pattern, document.prose, MAX_DOMAIN_COUNT)
            need = max(self.at_least, other)
            cached = document.cache[key] = need == 0 or _count(self.pattern, document.prose, need) >= need
        return cached


def _count(found: Pattern, text: str, enough: int) -> int:
    """How often ``found`` matches ``text``, counting no further than ``enough``."""
    n = 0
    for _ in found.finditer(text):
        n += 1
        if n >= enough:
            break
    return n


_DOMAIN_FIELDS = {
    "pattern": Field(schema.pattern, required=True, doc="what marks a document as health content"),
    "at_least": Field(schema.integer, default=0, doc="how many matches the document needs (default 0: none)"),
    "against": Field(schema.pattern, default=None,
                     doc="what marks another domain; it must not outnumber 'pattern'"),
}


def _domain(reader, value, parent, key) -> Domain:
    fields = reader.fields(value, _DOMAIN_FIELDS, f"{key!r}")
    against = fields["against"]
    return Domain(fields["pattern"], fields["at_least"], LiteralFilter(against) if against is not None else None)

FIELDS = {
    "patterns": Field(schema.checks, required=True,
                      doc="what the rule looks for; each item a pattern or {pattern, unless}"),
    "unless": Field(schema.exceptions, default=(),
                    doc="exceptions for every pattern: {pattern, scope} (scope: sentence, clause, preceding, ...)"),
    "skip_questions": Field(schema.boolean, default=True, doc="questions are never reported"),
    "clause_breaks": Field(schema.pattern, default=None,
                           doc="what separates clauses (default: the {clause_breaks} vocabulary)"),
    "domain": Field(_domain, default=None,
                    doc="{pattern, at_least}: report only in documents whose prose matches it at least that often "
                        "(the health-domain test that keeps software, payment and gardening senses quiet)"),
}

@dataclass(frozen=True)
class SentenceKind:
    matcher: SentenceMatcher
    skip_questions: bool
    domain: Domain | None = None

    @classmethod
    def build(cls, values: dict, defaults: dict) -> "SentenceKind":
        breaks = values["clause_breaks"] or defaults["clause_breaks"]
        return cls(SentenceMatcher(values["patterns"], values["unless"], breaks), values["skip_questions"],
                   values.get("domain"))

    def checks(self):
        """The checks, as the author wrote them (for ``healthlint explain``)."""
        return self.matcher.checks

    def run(self, document, rule):
        prose = document.prose
        in_domain = None  # judged at the first match: most documents have none
        for sentence in self.matcher.sentences(document):
            if not in_scope(sentence, rule.scopes):
                continue
            if self.skip_questions and is_question(prose, sentence.start, sentence.end):
                continue
            m = self.matcher.first(document, sentence)
            if m:
                if in_domain is None:
                    in_domain = self.domain is None or self.domain.holds(document)
                if not in_domain:
                    return
                yield m.start(), m.end(), rule.message.replace("{match}", describe(m.group()))
