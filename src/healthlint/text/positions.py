"""Offsets to (line, column): bisect over the list of line starts."""
from __future__ import annotations

import bisect
from itertools import accumulate

import regex

_LINE_BREAK = regex.compile(r"\r\n|\r|\n")
_PLUS_ONE = (1).__add__  # a line's length with its "\n", without a Python-level call


class LineIndex:
    """Maps a character offset to a 1-based (line, column) in code points.

    ``\\r\\n``, a lone ``\\r`` and ``\\n`` each end a line, so positions are exact
    whatever the file's line-ending style.
    """

    __slots__ = ("starts",)

    def __init__(self, text: str):
        if "\r" in text:
            self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
        else:  # each line starts one past the end of the one before
            self.starts = list(accumulate(map(_PLUS_ONE, map(len, text.split("\n")[:-1])), initial=0))

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1

    def line_start(self, line: int) -> int:
        """The offset where the 1-based ``line`` begins."""
        return self.starts[line - 1]

    @property
    def line_count(self) -> int:
        return len(self.starts)
