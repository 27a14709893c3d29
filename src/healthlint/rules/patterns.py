"""A rule pattern that compiles when it is first used, and pickles as its source.

Loading rule files validates every pattern by compiling it. A cached rule
pack (:mod:`healthlint.rules.cache`) was validated when it was written, so
its patterns are restored without compiling, and only those a document
needs are made ready: one file that mentions no claim prepares almost
nothing, which is what keeps a single-file run (the pre-commit and editor
case) fast.

``regex`` compiles in Python (a parser and a code generator, a few
milliseconds for a vocabulary-sized pattern) and ends in one C call with the
finished program; pickling a compiled pattern stores that program, and
unpickling it makes that one C call again. The pack cache keeps such a
:class:`Program` beside each pattern, so a cached pattern is ready in tens
of microseconds. A program is used only by the ``regex`` version that wrote
it and only for the pattern and flags it was made from; anything else, or
a program that does not load, and the pattern compiles from its source as
usual.
"""
from __future__ import annotations

import copyreg
import pickle

import regex


class Program:
    """``regex``'s own pickle of one compiled pattern, with what it was compiled from and by."""

    __slots__ = ("version", "pattern", "flags", "data")

    def __init__(self, version: str, pattern: str, flags: int, data: bytes):
        self.version = version
        self.pattern = pattern
        self.flags = flags
        self.data = data

    @classmethod
    def of(cls, pattern: str, flags: int, compiled: regex.Pattern) -> "Program":
        return cls(regex.__version__, pattern, flags, pickle.dumps(compiled, protocol=pickle.HIGHEST_PROTOCOL))

    def load(self, pattern: str, flags: int) -> regex.Pattern | None:
        """The compiled pattern, or ``None`` when this program is not for ``pattern`` and this ``regex``."""
        if self.version != regex.__version__ or self.pattern != pattern or self.flags != flags:
            return None
        try:
            compiled = pickle.loads(self.data)  # noqa: S301 - written by this user's healthlint (see cache.py)
        except Exception:  # a damaged program: compile from the source instead
            return None
        if not isinstance(compiled, regex.Pattern) or compiled.pattern != pattern or (compiled.flags & flags) != flags:
            return None
        return compiled

    def __getstate__(self):
        return self.version, self.pattern, self.flags, self.data

    def __setstate__(self, state) -> None:
        self.version, self.pattern, self.flags, self.data = state


class Pattern:
    """A ``regex`` pattern compiled on first use; behaves like the compiled pattern for searching."""

    __slots__ = ("pattern", "flags", "_compiled", "_program")

    def __init__(self, pattern: str, flags: int = 0, compiled: regex.Pattern | None = None,
                 program: Program | None = None):
        self.pattern = pattern
        self.flags = flags
        self._compiled = compiled
        self._program = program

    @classmethod
    def validated(cls, pattern: str, flags: int = 0) -> "Pattern":
        """Compile now, so that a mistake is reported while the rule loads (raises ``regex.error``)."""
        return cls(pattern, flags, regex.compile(pattern, flags))

    @property
    def compiled(self) -> regex.Pattern:
        compiled = self._compiled
        if compiled is None:
            program = self._program
            if program is not None:
                compiled = program.load(self.pattern, self.flags)
            if compiled is None:
                compiled = regex.compile(self.pattern, self.flags)
            self._compiled = compiled  # threads racing here store equal patterns
            self._program = None
        return compiled

    def program(self) -> Program | None:
        """This pattern's compiled program, compiling it now if need be; ``None`` if it does not compile."""
        try:
            return Program.of(self.pattern, self.flags, self.compiled)
        except Exception:  # not compilable (it would fail at its first use too) or not picklable
            return None

    def reduce_with(self, program: Program | None):
        """A pickle reduction that restores this pattern uncompiled, with ``program`` to load on first use."""
        return copyreg.__newobj__, (Pattern,), (self.pattern, self.flags, program)

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
        self.pattern, self.flags = state[:2]
        self._compiled = None
        self._program = state[2] if len(state) > 2 else None

    def __eq__(self, other) -> bool:
        return isinstance(other, Pattern) and (self.pattern, self.flags) == (other.pattern, other.flags)

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __repr__(self) -> str:
        shown = self.pattern if len(self.pattern) <= 60 else self.pattern[:59] + "…"
        return f"Pattern({shown!r})"


def as_rule_pattern(pattern: Pattern | regex.Pattern) -> Pattern:
    """A rule :class:`Pattern` for a compiled one (as tests and callers of the API may pass), else itself."""
    return pattern if isinstance(pattern, Pattern) else Pattern(pattern.pattern, pattern.flags, pattern)
