"""Source positions to LSP positions, in the encoding the client and server agreed on.

healthlint counts columns in Unicode code points; LSP counts them in UTF-16
code units unless the client offers another encoding (``utf-8``, ``utf-32``).
A character outside the Basic Multilingual Plane (most emoji) is one code
point but two UTF-16 units and four UTF-8 bytes. Lines are the same in both:
``\\r\\n``, ``\\r`` and ``\\n`` each end one (LSP's definition, and ours).
"""
from __future__ import annotations

from lsprotocol.types import Position, PositionEncodingKind, Range

from healthlint.text.positions import LineIndex


def _utf16_units(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf8_units(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-8", "surrogatepass"))


_UNITS = {
    PositionEncodingKind.Utf16: _utf16_units,
    PositionEncodingKind.Utf8: _utf8_units,
    PositionEncodingKind.Utf32: len,
}


class PositionEncoder:
    """Maps 1-based (line, column-in-code-points) of one text to 0-based LSP positions."""

    def __init__(self, text: str, encoding: str = PositionEncodingKind.Utf16, lines: LineIndex | None = None):
        self.text = text
        self.lines = lines or LineIndex(text)
        self._units = _UNITS.get(encoding, _utf16_units)

    def position(self, line: int, column: int) -> Position:
        """The LSP position of 1-based ``line`` and ``column`` (code points; may point past the line's end)."""
        start = self.lines.line_start(line)
        return Position(line - 1, self._units(self.text[start:start + column - 1]))

    def range(self, line: int, column: int, end_line: int, end_column: int) -> Range:
        return Range(self.position(line, column), self.position(end_line, end_column))

    def at_offset(self, offset: int) -> Position:
        return self.position(*self.lines.position(offset))

    def end(self) -> Position:
        """The position just past the last character."""
        return self.at_offset(len(self.text))
