"""Kind ``link``: commercial links and calls to action, satisfied by a disclosure in the document.

Reports every link whose target matches ``targets`` and every sentence match
of ``phrases`` (calls to action), one per line, unless the document discloses
the connection: a sentence matching ``disclosures`` anywhere, or a non-empty
front-matter field named in ``front_matter``.
"""
from __future__ import annotations

from dataclasses import dataclass

from healthlint.budget import remaining
from healthlint.kinds.document import front_matter_satisfies
from healthlint.kinds.matching import SentenceMatcher, describe, in_scope, is_question
from healthlint.rules import schema
from healthlint.rules.schema import Field

FIELDS = {
    "targets": Field(schema.pattern_list, default=(), doc="link destinations that are commercial"),
    "phrases": Field(schema.checks, default=(), doc="calls to action looked for in sentences"),
    "phrases_unless": Field(schema.exceptions, default=(), doc="exceptions for the calls to action"),
    "disclosures": Field(schema.checks, required=True, doc="what counts as a disclosure"),
    "disclosures_unless": Field(schema.exceptions, default=(), doc="what does not count after all"),
    "front_matter": Field(schema.text_list, default=(), doc="front-matter fields that disclose"),
    "clause_breaks": Field(schema.pattern, default=None, doc="what separates clauses"),
}


@dataclass(frozen=True)
class LinkKind:
    targets: tuple
    phrases: SentenceMatcher
    disclosures: SentenceMatcher
    front_matter: tuple[str, ...]

    @classmethod
    def build(cls, values: dict, defaults: dict) -> "LinkKind":
        breaks = values["clause_breaks"] or defaults["clause_breaks"]
        return cls(
            values["targets"],
            SentenceMatcher(values["phrases"], values["phrases_unless"], breaks),
            SentenceMatcher(values["disclosures"], values["disclosures_unless"], breaks),
            values["front_matter"],
        )

    def disclosed(self, document) -> bool:
        if front_matter_satisfies(document, self.front_matter):
            return True
        prose = document.prose
        return any(self.disclosures.first(prose, s.start, s.end) for s in document.sentences)

    def run(self, document, rule):
        findings = []
        for link in document.links:
            if link.kind == "reference":
                continue  # reported once, at its definition
            if any(t.search(link.url, timeout=remaining()) for t in self.targets):
                message = rule.message.replace("{match}", describe(link.url))
                findings.append((link.url_start, link.url_end, message))
        if self.phrases.checks:
            prose = document.prose
            for sentence in document.sentences:
                if not in_scope(sentence, rule.scopes) or is_question(prose, sentence.start, sentence.end):
                    continue
                for m in self.phrases.matches(prose, sentence.start, sentence.end):
                    findings.append((m.start(), m.end(), rule.message.replace("{match}", describe(m.group()))))
        if not findings or self.disclosed(document):
            return
        seen_lines = set()
        for start, end, message in sorted(findings):
            line = document.lines.position(start)[0]
            if line not in seen_lines:
                seen_lines.add(line)
                yield start, end, message
