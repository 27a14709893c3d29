"""Where linting time goes: the share spent inside each compiled library, and each rule pattern's cost.

    python3 ../shared/bench/make_corpus.py /tmp/c1k 1000 42
    python3 bench/where_time_goes.py /tmp/c1k [--articles 300] [--top 15]

Lints the first ``--articles`` Markdown files of the folder in this process
with the built-in pack, twice: once as it is (the time per article), then with
every compiled rule pattern, the clause automaton (pyahocorasick) and the
Markdown parser (pulldown-cmark, through pyromark) wrapped in timers. It prints
the time per article spent in each, what remains for Python, and the
``--top`` costliest patterns with their calls and matches per article.

The time inside the three libraries is a floor for this design: no change to
the Python around them can make linting cheaper than that. Each timer adds
about a microsecond to its call, so the wrapped run is slower than the plain
one; the shares come from the wrapped run, the total from the plain one.
Not a test: nothing is asserted.
"""
from __future__ import annotations

import argparse
import gc
import sys
import time
from collections import defaultdict
from pathlib import Path

from healthlint.kinds import prefilter
from healthlint.pipeline import Linter
from healthlint.rules.patterns import Pattern
from healthlint.text import markdown

_CLOCK = time.perf_counter


class _Timings:
    """Calls, seconds and results (matches, events) by what was called."""

    def __init__(self):
        self.by_name: dict[str, list] = defaultdict(lambda: [0, 0.0, 0])

    def add(self, name: str, started: float, results: int) -> None:
        entry = self.by_name[name]
        entry[0] += 1
        entry[1] += _CLOCK() - started
        entry[2] += results

    def calls(self) -> int:
        return sum(v[0] for v in self.by_name.values())

    def seconds(self) -> float:
        return sum(v[1] for v in self.by_name.values())


def _one(found):
    return found, found is not None


def _every(found):
    found = list(found)  # an iterator does its work when read: read it inside the timer
    return iter(found), len(found)


def _sized(found):
    return found, len(found)


class _Timed:
    """``target`` with its ``methods`` timed under ``name``; each method's function tells what it found."""

    __slots__ = ("target", "name", "timings", "methods")

    def __init__(self, target, name: str, timings: _Timings, methods: dict):
        self.target, self.name, self.timings, self.methods = target, name, timings, methods

    def __getattr__(self, attribute):
        value = getattr(self.target, attribute)
        found_in = self.methods.get(attribute)
        if found_in is None:
            return value

        def timed(*args, **kwargs):
            started = _CLOCK()
            result, found = found_in(value(*args, **kwargs))
            self.timings.add(self.name, started, found)
            return result

        return timed

    def __len__(self):
        return len(self.target)


_PATTERN_METHODS = {"search": _one, "match": _one, "finditer": _every}


def _lint_all(linter: Linter, texts) -> float:
    started = _CLOCK()
    for path, text in texts:
        linter.lint_text(text, path)
    return _CLOCK() - started


def _wrap_everything(patterns: _Timings, libraries: _Timings) -> int:
    """Put timers around every compiled rule pattern, the clause automaton and the parser; how many patterns."""
    wrapped = 0
    for obj in gc.get_objects():
        if type(obj) is Pattern and obj._compiled is not None:
            obj._compiled = _Timed(obj._compiled, obj.pattern, patterns, _PATTERN_METHODS)
            wrapped += 1
    index = prefilter.INDEX
    index._automaton = _Timed(index._current(), "clause automaton", libraries, {"iter": _every})
    markdown._PARSER = _Timed(markdown._PARSER, "markdown parser", libraries, {"events_with_range": _sized})
    return wrapped


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path, help="a folder of Markdown articles (make_corpus.py OUT N 42)")
    parser.add_argument("--articles", type=int, default=300, help="how many to lint (default 300)")
    parser.add_argument("--top", type=int, default=15, help="costliest patterns to list (default 15)")
    args = parser.parse_args(argv)
    paths = sorted(args.corpus.rglob("*.md"))[: args.articles]
    if not paths:
        parser.error(f"no .md files under {args.corpus}")
    texts = [(str(p), p.read_text(encoding="utf-8")) for p in paths]
    n = len(texts)
    linter = Linter()
    _lint_all(linter, texts)  # compile every pattern the corpus needs
    plain = _lint_all(linter, texts)
    patterns, libraries = _Timings(), _Timings()
    wrapped_patterns = _wrap_everything(patterns, libraries)
    wrapped = _lint_all(linter, texts)

    def ms(seconds: float) -> str:
        return f"{seconds / n * 1e3:7.3f} ms"

    print(f"{n} articles, {sum(len(t) for _, t in texts) / n:,.0f} characters each; {wrapped_patterns} patterns timed")
    print(f"plain run:    {ms(plain)} per article")
    print(f"timed run:    {ms(wrapped)} per article, of which")
    print(f"  regex:      {ms(patterns.seconds())}  {patterns.calls() / n:6.1f} calls")
    for label, name in (("automaton:", "clause automaton"), ("parser:", "markdown parser")):
        calls, seconds, _ = libraries.by_name.get(name, (0, 0.0, 0))
        print(f"  {label:10s}  {ms(seconds)}  {calls / n:6.1f} calls  ({name})")
    in_libraries = patterns.seconds() + libraries.seconds()
    print(f"  the rest:   {ms(wrapped - in_libraries)}  (Python, and the timers' own cost)")
    print(f"floor of this design (time inside the libraries): {ms(in_libraries)} per article")
    print(f"\nThe {args.top} costliest patterns (per article: time, calls, matches; µs per call):")
    costliest = sorted(((v, k) for k, v in patterns.by_name.items()), key=lambda e: -e[0][1])
    for (calls, seconds, found), pattern in costliest[: args.top]:
        print(f"{ms(seconds)} {calls / n:6.1f} calls {found / n:5.1f} matches {seconds / calls * 1e6:7.1f} µs"
              f"  ({len(pattern):,} chars) {pattern[:70]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
