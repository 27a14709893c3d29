"""Linting a tree whose folders may carry their own configuration.

Each file is linted with the configuration discovered from its folder upward
(or the one ``--config`` names), merged with the command line; one Linter is
built per distinct configuration and reused.
"""
from __future__ import annotations

import os
from typing import Iterable

from healthlint.budget import DEFAULT_RULE_TIMEOUT
from healthlint.config import Config, config_for, read_config
from healthlint.pipeline import Linter, LintResult, lint_files
from healthlint.sources import DEFAULT_EXTENSIONS, PathError, discover


class Project:
    def __init__(self, overrides: dict | None = None, config_file: str | None = None,
                 rule_timeout: float | None = DEFAULT_RULE_TIMEOUT):
        self.overrides = overrides or {}
        self.rule_timeout = rule_timeout
        self.fixed = read_config(config_file) if config_file else None
        self._linters: dict[Config, Linter] = {}

    def config_for(self, path: str) -> Config:
        base = self.fixed or config_for(path)
        return base.merged(**self.overrides)

    def linter_for(self, path: str) -> Linter:
        config = self.config_for(path)
        linter = self._linters.get(config)
        if linter is None:
            linter = self._linters[config] = Linter(config=config, rule_timeout=self.rule_timeout)
        return linter

    def files(self, paths: Iterable[str]):
        """The files to lint (and a PathError for each path not there, or a folder that cannot be read), after include and exclude.

        Files named explicitly are linted whatever their extension, unless excluded;
        files found in folders must match ``include`` (default: *.md, *.markdown, *.txt).
        """
        for raw in paths:
            if os.path.isdir(raw):
                for item in discover([raw], extensions=("",)):
                    if isinstance(item, PathError):
                        yield item  # a folder that cannot be read
                        continue
                    config = self.config_for(item)
                    wanted = config.includes(item) if config.include else item.lower().endswith(DEFAULT_EXTENSIONS)
                    if wanted and not config.excludes(item):
                        yield item
            else:
                for item in discover([raw]):
                    if isinstance(item, PathError) or not self.config_for(item).excludes(item):
                        yield item

    def lint_paths(self, paths: Iterable[str], jobs: int = 1) -> LintResult:
        """Lint files and folders, with ``jobs`` worker processes when there are enough files."""
        if jobs > 1:
            from healthlint.parallel import lint_in_parallel

            return lint_in_parallel(list(self.files(paths)), self, jobs)
        return lint_files(self.files(paths), self.linter_for)

    def documented_rules(self) -> dict:
        """Every rule the run's packs define, and healthlint's own meta-rules, by id (for SARIF)."""
        from healthlint.suppressions import META_RULES

        rules: dict = dict(META_RULES)
        linters = list(self._linters.values()) or [self.linter_for(".")]
        for linter in linters:
            rules.update(linter.pack.rules)
        return rules
