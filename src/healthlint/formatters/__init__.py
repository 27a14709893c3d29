"""Output formats. Each shares one small interface (start, handle, finish) and is chosen from a registry.

A run uses one format, so each format's module is imported only when it is
looked up (the JSON, SARIF and JUnit formats bring hashing, XML and more).
"""
from __future__ import annotations

import importlib
import os
from collections.abc import Iterator, Mapping

from healthlint.formatters.base import Formatter, Summary


class _Registry(Mapping):
    """Format name → formatter class, the class's module imported when it is looked up."""

    def __init__(self, entries: dict[str, str]):
        self._entries = entries  # name -> "module:class"

    def __getitem__(self, name: str) -> type[Formatter]:
        module, _, attribute = self._entries[name].partition(":")
        return getattr(importlib.import_module(module), attribute)

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


FORMATTERS: Mapping[str, type[Formatter]] = _Registry({
    "text": "healthlint.formatters.text:TextFormatter",
    "json": "healthlint.formatters.json:JsonFormatter",
    "sarif": "healthlint.formatters.sarif:SarifFormatter",
    "github": "healthlint.formatters.github:GithubFormatter",
    "junit": "healthlint.formatters.junit:JunitFormatter",
})


def default_format(environ=os.environ) -> str:
    """``github`` under GitHub Actions (as yamllint does), ``text`` elsewhere."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


__all__ = ["FORMATTERS", "Formatter", "Summary", "default_format"]
