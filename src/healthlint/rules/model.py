"""The compiled, immutable form of a rule and of the pattern checks rule kinds share."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from healthlint.diagnostics import Severity
from healthlint.rules.patterns import Pattern

# Where an exception is looked for, relative to the match it may cancel.
EXCEPTION_SCOPES = ("sentence", "clause", "preceding", "following", "before", "after", "match", "paragraph", "document")


@dataclass(frozen=True)
class Exception_:
    """A pattern that, found in ``scope`` around a match, cancels it.

    With ``links`` set, the exception is a link in that scope whose
    destination matches ``pattern`` (a citation, for example), not prose.
    """

    pattern: Pattern
    scope: str = "sentence"
    links: bool = False


@dataclass(frozen=True)
class Check:
    """A pattern to find, with exceptions of its own (the rule's apply as well)."""

    pattern: Pattern
    unless: tuple[Exception_, ...] = ()
    # Reports only after a topic that opens the paragraph, list item or heading and matches one of
    # these, a pattern per topic shape (:mod:`healthlint.kinds.topics`): "Dry eye? Gone in three weeks."
    topic: tuple[Pattern, ...] | None = None
    # As the author wrote it, for `healthlint explain`: ("shape", shapes), ("pattern", text); the topic's shapes
    written: tuple = ()
    topic_written: tuple = ()


@dataclass(frozen=True)
class Examples:
    fail: tuple[str, ...] = ()
    pass_: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """One rule: its documentation, and a kind-specific ``check`` built when it loaded."""

    id: str
    kind: str
    severity: Severity
    message: str
    description: str
    examples: Examples
    scopes: frozenset[str]
    check: Any = field(compare=False, repr=False)  # a kinds.* checker with .run(document)
    instead: str = ""
    references: tuple[str, ...] = ()
    path: str = ""
    line: int = 0

    def run(self, document):
        """Yield ``(start, end, message)`` for each finding in ``document``.

        The findings are kept in the document's cache, so that a check that
        asks for another rule's findings (a document kind's ``trigger_rules``)
        does not run that rule a second time.
        """
        key = (Rule, self.id, id(self.check))
        found = document.cache.get(key)
        if found is None:
            found = document.cache[key] = tuple(self.check.run(document, self))
        return iter(found)
