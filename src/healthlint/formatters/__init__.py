"""Output formats. Each shares one small interface (start, handle, finish) and is chosen from a registry."""
from __future__ import annotations

from dataclasses import dataclass, field

from healthlint.formatters.base import Formatter, Summary
from healthlint.formatters.json import JsonFormatter
from healthlint.formatters.text import TextFormatter

FORMATTERS: dict[str, type[Formatter]] = {
    "text": TextFormatter,
    "json": JsonFormatter,
}

__all__ = ["FORMATTERS", "Formatter", "Summary"]
