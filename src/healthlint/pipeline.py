"""The one place the stages are wired: config → rules → document → checks → suppressions → diagnostics.

``Linter`` loads and selects rules once and is then reused, from any thread,
for every text or file: documents are built per call and rules are immutable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from healthlint.collector import LARGE_DOCUMENT, collector_paused
from healthlint.config import Config
from healthlint.diagnostics import Diagnostic
from healthlint.budget import DEFAULT_RULE_TIMEOUT, run_rule
from healthlint.rules.loader import RulePack, load_packs
from healthlint.selection import configure_rules
from healthlint.sources import MissingPath, UnreadableFile, discover, read_text
from healthlint.suppressions import apply_suppressions
from healthlint.text.document import kind_for_path, read_document


@dataclass(frozen=True)
class FileError:
    """A path that could not be linted, and why."""

    path: str
    reason: str


@dataclass
class LintResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files: int = 0


class Linter:
    """Loaded, selected rules, ready to lint any number of texts or files.

    ``config`` (default: the default profile) chooses and tunes the rules;
    ``rule_dirs``, ``select`` and ``ignore`` are merged on top of it.
    """

    def __init__(self, rule_dirs: Iterable[str] = (), select: Iterable[str] = (), ignore: Iterable[str] = (),
                 pack: RulePack | None = None, *, config: Config | None = None, profile: str | None = None,
                 rule_timeout: float | None = DEFAULT_RULE_TIMEOUT):
        self.config = (config or Config()).merged(rule_packs=list(rule_dirs), select=list(select),
                                                   ignore=list(ignore), profile=profile)
        self.pack = pack or load_packs(list(self.config.rule_packs))
        self.rule_timeout = rule_timeout  # CPU seconds per rule per document (healthlint.budget); None: unlimited
        self.rules = configure_rules(self.pack, self.config)

    def lint_text(self, text: str, filename: str | None = None, kind: str | None = None) -> list[Diagnostic]:
        if len(text) >= LARGE_DOCUMENT:
            with collector_paused():
                return self._lint_text(text, filename, kind)
        return self._lint_text(text, filename, kind)

    def _lint_text(self, text: str, filename: str | None, kind: str | None) -> list[Diagnostic]:
        path = filename or "<text>"
        document = read_document(text, path, kind or kind_for_path(path))
        skipped = self.config.ignored_for(path) if filename else frozenset()
        rules = [r for r in self.rules if r.id not in skipped]
        found = []
        for rule in rules:
            for start, end, message, severity in run_rule(rule, document, self.rule_timeout, self.run_rule):
                line, column = document.lines.position(start)
                end_line, end_column = document.lines.position(end)
                found.append(Diagnostic(path, line, column, end_line, end_column, rule.id, severity, message))
        found = apply_suppressions(document.source, document.kind, document.lines, found, path=path,
                                   active={r.id for r in rules}, known=set(self.pack.rules),
                                   require_reason=self.config.require_reason)
        found.sort()
        return found

    def warm_up(self) -> None:
        """Lint every rule's own examples, so that the patterns they need are compiled now.

        Patterns compile when first used (a cached pack restores none); a
        long-running service calls this before its first request, so that no
        request pays for compiling.
        """
        for rule in self.rules:
            for text in (*rule.examples.fail, *rule.examples.pass_):
                self.lint_text(text, "warm-up.md")

    def run_rule(self, rule, document):
        """One rule's ``(start, end, message)`` findings in ``document``; a subclass may cache them."""
        return rule.run(document)

    def lint_paths(self, paths: Iterable[str]) -> LintResult:
        return lint_files(discover(paths), lambda path: self)


def lint_files(items, linter_for) -> LintResult:
    """Read and lint each discovered item with ``linter_for(path)``; missing and unreadable files become errors."""
    result = LintResult()
    for item in items:
        if isinstance(item, MissingPath):
            result.errors.append(FileError(item.path, item.reason))
            continue
        try:
            text = read_text(item)
        except UnreadableFile as e:
            result.errors.append(FileError(item, str(e)))
            continue
        result.files += 1
        result.diagnostics.extend(linter_for(item).lint_text(text, item))
    return result


_DEFAULT: Linter | None = None


def _default_linter() -> Linter:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Linter()
    return _DEFAULT


def lint_text(text: str, *, filename: str | None = None, kind: str | None = None,
              linter: Linter | None = None) -> list[Diagnostic]:
    """Lint one text with the built-in rules (or ``linter``'s): Markdown unless told or named ``*.txt``."""
    return (linter or _default_linter()).lint_text(text, filename, kind)


def lint_paths(paths: Iterable[str], *, linter: Linter | None = None) -> LintResult:
    """Lint files and folders; unreadable ones are listed in ``errors``, the rest are still linted."""
    return (linter or _default_linter()).lint_paths(paths)
