"""The one place the stages are wired: rules → document → checks → diagnostics.

``Linter`` loads and selects rules once and is then reused, from any thread,
for every text or file: documents are built per call and rules are immutable.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from healthlint.diagnostics import Diagnostic
from healthlint.errors import HealthlintError
from healthlint.budget import DEFAULT_RULE_TIMEOUT, run_rule
from healthlint.rules.loader import RulePack, load_packs
from healthlint.sources import MissingPath, UnreadableFile, discover, read_text
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


def select_rules(pack: RulePack, select: Iterable[str] = (), ignore: Iterable[str] = ()):
    """The rules to run: all, or those selected, less those ignored. Unknown ids are errors."""
    select, ignore = list(select), list(ignore)
    for rule_id in select + ignore:
        if rule_id not in pack.rules:
            known = ", ".join(sorted(pack.rules))
            raise HealthlintError(f"unknown rule {rule_id!r}; rules are: {known}")
    chosen = [r for r in pack.rules.values() if not select or r.id in select]
    return [r for r in chosen if r.id not in ignore]


class Linter:
    """Loaded, selected rules, ready to lint any number of texts or files."""

    def __init__(self, rule_dirs: Iterable[str] = (), select: Iterable[str] = (), ignore: Iterable[str] = (),
                 pack: RulePack | None = None, rule_timeout: float | None = DEFAULT_RULE_TIMEOUT):
        self.pack = pack or load_packs(list(rule_dirs))
        self.rule_timeout = rule_timeout  # seconds per rule per document; None: unlimited
        self.rules = select_rules(self.pack, select, ignore)

    def lint_text(self, text: str, filename: str | None = None, kind: str | None = None) -> list[Diagnostic]:
        path = filename or "<text>"
        document = read_document(text, path, kind or kind_for_path(path))
        found = []
        for rule in self.rules:
            for start, end, message, severity in run_rule(rule, document, self.rule_timeout):
                line, column = document.lines.position(start)
                end_line, end_column = document.lines.position(end)
                found.append(Diagnostic(path, line, column, end_line, end_column, rule.id, severity, message))
        found.sort()
        return found

    def lint_paths(self, paths: Iterable[str]) -> LintResult:
        result = LintResult()
        for item in discover(paths):
            if isinstance(item, MissingPath):
                result.errors.append(FileError(item.path, item.reason))
                continue
            try:
                text = read_text(item)
            except UnreadableFile as e:
                result.errors.append(FileError(item, str(e)))
                continue
            result.files += 1
            result.diagnostics.extend(self.lint_text(text, item))
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
