"""Coverage-guided fuzz target (atheris) over the readers and the rule engine.

Each input is decoded by the file encoding policy (as the CLI reads files) and
linted as Markdown and as plain text with the built-in rules. A crash is any
exception other than UnreadableFile, or a diagnostic whose range lies outside
the document.

    pip install atheris
    PYTHONPATH=src python fuzz/fuzz_lint.py -max_total_time=600 -max_len=4096 fuzz/corpus

Save a crashing input under tests/fuzz_regressions/ (it is linted by the test
suite) once it is fixed.
"""
from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from healthlint.pipeline import Linter
    from healthlint.sources import UnreadableFile, decode
    from healthlint.text.positions import LineIndex

LINTER = Linter(rule_timeout=None)


def check(text: str, kind: str) -> None:
    lines = LineIndex(text)
    last_line = lines.line_count
    for d in LINTER.lint_text(text, "fuzz.md", kind):
        assert 1 <= d.line <= d.end_line <= last_line, d
        start = lines.line_start(d.line) + d.column - 1
        end = lines.line_start(d.end_line) + d.end_column - 1
        assert 0 <= start <= end <= len(text), d


def test_one_input(data: bytes) -> None:
    try:
        text = decode(data)
    except UnreadableFile:
        text = data.decode("utf-8", "replace")
    check(text, "markdown")
    check(text, "text")


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
