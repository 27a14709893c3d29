"""A rule pattern that compiles when it is first used, and pickles as its source.

Loading rule files validates every pattern by compiling it. A cached rule
pack (:mod:`healthlint.rules.cache`) was validated when it was written, so
its patterns are restored as source text and compiled only if a document
needs them: one file that mentions no claim compiles almost nothing, which
is what keeps a single-file run (the pre-commit and editor case) fast.
"""
from __future__ import annotations

import regex


class Pattern:
    """A ``regex`` pattern compiled on first use; behaves like the compiled pattern for searching."""

    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0, compiled: regex.Pattern | None = None):
        self.pattern = pattern
        self.flags = flags
        self._compiled = compiled

    @classmethod
    def validated(cls, pattern: str, flags: int = 0) -> "Pattern":
        """Compile now, so that a mistake is reported while the rule loads (raises ``regex.error``)."""
        return cls(pattern, flags, regex.compile(pattern, flags))

    @property
    def compiled(self) -> regex.Pattern:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = regex.compile(self.pattern, self.flags)
        return compiled

    def search(self, *args, **kwargs):
        return self.compiled.search(*args, **kwargs)

    def match(self, *args, **kwargs):
        return self.compiled.match(*args, **kwargs)

    def fullmatch(self, *args, **kwargs):
        return self.compiled.fullmatch(*args, **kwargs)

    def finditer(self, *args, **kwargs):
        return self.compiled.finditer(*args, **kwargs)

    def findall(self, *args, **kwargs):
        return self.compiled.findall(*args, **kwargs)

    def sub(self, *args, **kwargs):
        return self.compiled.sub(*args, **kwargs)

    def __getstate__(self):
        return self.pattern, self.flags

    def __setstate__(self, state) -> None:
        self.pattern, self.flags = state
        self._compiled = None

    def __eq__(self, other) -> bool:
        return isinstance(other, Pattern) and (self.pattern, self.flags) == (other.pattern, other.flags)

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __repr__(self) -> str:
        shown = self.pattern if len(self.pattern) <= 60 else self.pattern[:59] + "…"
        return f"Pattern({shown!r})"
