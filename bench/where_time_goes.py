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

    def seconds(self, names=None) -> float:
        return sum(v[1] for k, v in self.by_name.items() if names is None or k in names)


class _TimedPattern:
    """A compiled pattern whose searches are timed; matches are counted."""

    __slots__ = ("compiled", "name", "timings")

    def __init__(self, compiled, name: str, timings: _Timings):
        self.compiled, self.name, self.timings = compiled, name, timings

    def search(self, *args, **kwargs):
        started = _CLOCK()
        found = self.compiled.search(*args, **kwargs)
        self.timings.add(self.name, started, found is not None)
        return found

    def match(self, *args, **kwargs):
        started = _CLOCK()
        found = self.compiled.match(*args, **kwargs)
        self.timings.add(self.name, started, found is not None)
        return found

    def finditer(self, *args, **kwargs):
        started = _CLOCK()
        found = list(self.compiled.finditer(*args, **kwargs))
        self.timings.add(self.name, started, len(found))
        return iter(found)

    def __getattr__(self, name):
        return getattr(self.compiled, name)


class _TimedAutomaton:
    __slots__ = ("automaton", "timings")

    def __init__(self, automaton, timings: _Timings):
        self.automaton, self.timings = automaton, timings

    def iter(self, text):
        started = _CLOCK()
        found = list(self.automaton.iter(text))
        self.timings.add("clause automaton", started, len(found))
        return iter(found)

    def __len__(self):
        return len(self.automaton)


class _TimedParser:
    __slots__ = ("parser", "timings")

    def __init__(self, parser, timings: _Timings):
        self.parser, self.timings = parser, timings

    def events_with_range(self, text):
        started = _CLOCK()
        events = self.parser.events_with_range(text)
        self.timings.add("markdown parser", started, len(events))
        return events


def _lint_all(linter: Linter, texts) -> float:
    started = _CLOCK()
    for path, text in texts:
        linter.lint_text(text, path)
    return _CLOCK() - started


def _wrap_everything(timings: _Timings) -> int:
    """Put timers around every compiled rule pattern, the clause automaton and the parser; how many patterns."""
    patterns = 0
    for obj in gc.get_objects():
        if type(obj) is Pattern and obj._compiled is not None:
            obj._compiled = _TimedPattern(obj._compiled, obj.pattern, timings)
            patterns += 1
    index = prefilter.INDEX
    index._automaton = _TimedAutomaton(index._current(), timings)
    markdown._PARSER = _TimedParser(markdown._PARSER, timings)
    return patterns


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
    timings = _Timings()
    wrapped_patterns = _wrap_everything(timings)
    wrapped = _lint_all(linter, texts)

    def ms(seconds: float) -> str:
        return f"{seconds / n * 1e3:7.3f} ms"

    libraries = {"clause automaton", "markdown parser"}
    regex_seconds = timings.seconds(set(timings.by_name) - libraries)
    regex_calls = sum(v[0] for k, v in timings.by_name.items() if k not in libraries)
    print(f"{n} articles, {sum(len(t) for _, t in texts) / n:,.0f} characters each; {wrapped_patterns} patterns timed")
    print(f"plain run:    {ms(plain)} per article")
    print(f"timed run:    {ms(wrapped)} per article, of which")
    print(f"  regex:      {ms(regex_seconds)}  {regex_calls / n:6.1f} calls")
    for name in sorted(libraries):
        calls, seconds, _ = timings.by_name.get(name, (0, 0.0, 0))
        print(f"  {name[:10]:10s}  {ms(seconds)}  {calls / n:6.1f} calls  ({name})")
    in_libraries = timings.seconds()
    print(f"  the rest:   {ms(wrapped - in_libraries)}  (Python, and the timers' own cost)")
    print(f"floor of this design (time inside the libraries): {ms(in_libraries)} per article")
    print(f"\nThe {args.top} costliest patterns (per article: time, calls, matches; µs per call):")
    costliest = sorted(((v, k) for k, v in timings.by_name.items() if k not in libraries), key=lambda e: -e[0][1])
    for (calls, seconds, found), pattern in costliest[: args.top]:
        print(f"{ms(seconds)} {calls / n:6.1f} calls {found / n:5.1f} matches {seconds / calls * 1e6:7.1f} µs"
              f"  ({len(pattern):,} chars) {pattern[:70]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
