"""Kind ``link``: commercial links and calls to action, and the disclosure they need.

Finds every link whose destination matches ``targets`` and every sentence
match of ``phrases`` (calls to action). With ``when: absent`` (the default)
they are reported, one per line, when the document nowhere discloses the
connection (a sentence matching ``disclosures``, or a non-empty front-matter
field named in ``front_matter``). With ``when: late`` they are reported when
the document does disclose, but only after them: the reader must see the
disclosure before the link (FTC affiliate FAQ).
"""
from __future__ import annotations

from dataclasses import dataclass

from healthlint.kinds.document import front_matter_satisfies
from healthlint.kinds.matching import SentenceMatcher, describe, in_scope, is_question
from healthlint.kinds.prefilter import LiteralFilter
from healthlint.rules import schema
from healthlint.rules.schema import Field

FIELDS = {
    "targets": Field(schema.pattern_list, default=(), doc="link destinations that are commercial"),
    "phrases": Field(schema.checks, default=(), doc="calls to action looked for in sentences"),
    "phrases_unless": Field(schema.exceptions, default=(), doc="exceptions for the calls to action"),
    "disclosures": Field(schema.checks, required=True, doc="what counts as a disclosure"),
    "disclosures_unless": Field(schema.exceptions, default=(), doc="what does not count after all"),
    "front_matter": Field(schema.text_list, default=(), doc="front-matter fields that disclose"),
    "front_matter_setting": Field(schema.choice("disclosure", "referral"), default=None,
                                  doc="the configuration's disclosure-fields or referral-fields also satisfy it"),
    "when": Field(schema.choice("absent", "late"), default="absent",
                  doc="report when the disclosure is absent, or when it comes only after the link"),
    "clause_breaks": Field(schema.pattern, default=None, doc="what separates clauses"),
}

_NOWHERE = None


@dataclass(frozen=True)
class LinkKind:
    targets: tuple  # of LiteralFilter: the commercial destinations
    phrases: SentenceMatcher
    disclosures: SentenceMatcher
    front_matter: tuple[str, ...]
    when: str
    front_matter_setting: str | None = None

    @classmethod
    def build(cls, values: dict, defaults: dict) -> "LinkKind":
        breaks = values["clause_breaks"] or defaults["clause_breaks"]
        return cls(
            tuple(LiteralFilter(target) for target in values["targets"]),
            SentenceMatcher(values["phrases"], values["phrases_unless"], breaks),
            SentenceMatcher(values["disclosures"], values["disclosures_unless"], breaks),
            values["front_matter"],
            values["when"],
            values["front_matter_setting"],
        )

    def first_disclosure(self, document) -> int | None:
        """Where the first disclosing sentence starts (0 for front matter), or None when there is none.

        A link in the same sentence as the disclosure is seen together with it.
        """
        if front_matter_satisfies(document, self.front_matter):
            return 0
        for sentence in self.disclosures.sentences(document):
            if self.disclosures.first(document, sentence):
                return sentence.start
        return _NOWHERE

    def findings(self, document, rule, before: int | None = None):
        """The commercial links and calls to action, in order; only those starting before ``before`` if given."""
        found = []
        for link in document.links:
            if link.kind == "reference":
                continue  # reported once, at its definition
            if before is not None and link.url_start >= before:
                continue
            if any(t.search(link.url) for t in self.targets):
                found.append((link.url_start, link.url_end, rule.message.replace("{match}", describe(link.url))))
        if self.phrases.checks:
            prose = document.prose
            for sentence in self.phrases.sentences(document):
                if before is not None and sentence.start >= before:
                    break  # sentences are in order: every later match starts after ``before``
                if not in_scope(sentence, rule.scopes) or is_question(prose, sentence.start, sentence.end):
                    continue
                for m in self.phrases.matches(document, sentence):
                    if before is None or m.start() < before:
                        found.append((m.start(), m.end(), rule.message.replace("{match}", describe(m.group()))))
        return sorted(found)

    def run(self, document, rule):
        # The disclosure first: a disclosed document has nothing to report under ``when: absent``,
        # and under ``when: late`` only what comes before the disclosure is looked for.
        disclosure = self.first_disclosure(document)
        if self.when == "absent":
            if disclosure is not _NOWHERE:
                return
            found = self.findings(document, rule)
        else:
            if disclosure is _NOWHERE:
                return
            found = self.findings(document, rule, before=disclosure)
        seen_lines = set()
        for start, end, message in found:
            line = document.lines.position(start)[0]
            if line not in seen_lines:
                seen_lines.add(line)
                yield start, end, message
