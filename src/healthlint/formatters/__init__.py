"""Output formats. Each shares one small interface (start, handle, finish) and is chosen from a registry."""
from __future__ import annotations

import os

from healthlint.formatters.base import Formatter, Summary
from healthlint.formatters.github import GithubFormatter
from healthlint.formatters.json import JsonFormatter
from healthlint.formatters.junit import JunitFormatter
from healthlint.formatters.sarif import SarifFormatter
from healthlint.formatters.text import TextFormatter

FORMATTERS: dict[str, type[Formatter]] = {
    "text": TextFormatter,
    "json": JsonFormatter,
    "sarif": SarifFormatter,
    "github": GithubFormatter,
    "junit": JunitFormatter,
}


def default_format(environ=os.environ) -> str:
    """``github`` under GitHub Actions (as yamllint does), ``text`` elsewhere."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


__all__ = ["FORMATTERS", "Formatter", "Summary", "default_format"]
