"""Errors that end a run with exit status 2 and a clear, located message."""
from __future__ import annotations


class HealthlintError(Exception):
    """A usage, configuration, rule or I/O problem, reported without a traceback."""


class RuleError(HealthlintError):
    """A rule or vocabulary file is invalid; the message reads ``file:line:column: what``."""

    def __init__(self, path: str, line: int, column: int, message: str):
        self.path, self.line, self.column, self.reason = path, line, column, message
        super().__init__(f"{path}:{line}:{column}: {message}")
