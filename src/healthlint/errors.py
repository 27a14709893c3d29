"""Errors that end a run with exit status 2 and a clear, located message."""
from __future__ import annotations


class HealthlintError(Exception):
    """A usage, configuration, rule or I/O problem, reported without a traceback."""

    def report(self) -> str:
        """The line for standard error."""
        return f"healthlint: error: {self}"


class LocatedError(HealthlintError):
    """A problem in a file at a known place: ``str()`` reads ``file:line[:column]: what``.

    Reported as ``file:line[:column]: error: what``; ``line`` 0 reports the file alone.
    """

    def __init__(self, path: str, line: int, column: int | None, message: str):
        self.path, self.line, self.column, self.reason = path, line, column, message
        super().__init__(f"{self.where()}: {message}")

    def where(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}" + (f":{self.column}" if self.column else "")

    def report(self) -> str:
        return f"{self.where()}: error: {self.reason}"


class RuleError(LocatedError):
    """A rule or vocabulary file is invalid; the message reads ``file:line:column: what``."""

    def __init__(self, path: str, line: int, column: int, message: str):
        super().__init__(path, line, column, message)
