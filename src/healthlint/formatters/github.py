"""GitHub Actions workflow commands: each diagnostic becomes an annotation on the pull request.

Chosen automatically when ``GITHUB_ACTIONS=true`` and no ``--format`` is given.
"""
from __future__ import annotations

from healthlint.diagnostics import Severity
from healthlint.formatters.base import Formatter, Summary

_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


class GithubFormatter(Formatter):
    def handle(self, d) -> None:
        props = ",".join([
            f"file={_property(d.path)}", f"line={d.line}", f"col={d.column}",
            f"endLine={d.end_line}", f"endColumn={d.end_column}", f"title={_property('healthlint ' + d.rule)}",
        ])
        self.out.write(f"::{_LEVELS[d.severity]} {props}::{_data(f'{d.rule}: {d.message}')}\n")

    def finish(self, summary: Summary) -> None:
        s = summary.to_dict()
        self.err.write(f"healthlint: {s['problems']} problem(s): {s['errors']} error(s), {s['warnings']} warning(s) "
                       f"in {s['files']} file(s)\n")
