"""Coverage-guided fuzz target (atheris) over the readers and the rule engine, with oracles.

Every healthlint module is instrumented: the package and all its submodules
(the readers the pipeline imports lazily too) are imported inside
``atheris.instrument_imports``. Each input is decoded by the file encoding
policy (as the CLI reads files) and linted as Markdown and as plain text with
the built-in rules. A finding is:

* any exception other than UnreadableFile, or a diagnostic whose range lies
  outside the document;
* a word that a CommonMark renderer shows but the prose handed to the rules
  lacks (``oracles.missing_words``);
* a flagged example sentence that is no longer flagged, on the same words,
  once wrapped in the quotes, lists, tables, headings, emphasis and containers
  of any depth that the input's bytes choose (``oracles.lost_findings``).

    pip install atheris
    PYTHONPATH=src python fuzz/fuzz_lint.py -max_total_time=600 -max_len=4096 fuzz/corpus

Save a crashing input under tests/fuzz_regressions/ (it is linted by the test
suite) once it is fixed.
"""
from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout, for fuzz.oracles

with atheris.instrument_imports(include=["healthlint"]):
    import healthlint

    for module in pkgutil.walk_packages(healthlint.__path__, "healthlint."):
        if not module.name.endswith(".__main__"):  # that one runs the CLI
            importlib.import_module(module.name)
    from healthlint.pipeline import Linter
    from healthlint.sources import UnreadableFile, decode
    from healthlint.text.positions import LineIndex

from fuzz import oracles  # noqa: E402 - the reference is not instrumented: it is what healthlint is judged by

LINTER = Linter(rule_timeout=None)
EXAMPLES = oracles.sentence_examples(LINTER)


def check_ranges(text: str, kind: str) -> None:
    lines = LineIndex(text)
    last_line = lines.line_count
    for d in LINTER.lint_text(text, "fuzz.md", kind):
        assert 1 <= d.line <= d.end_line <= last_line, d
        start = lines.line_start(d.line) + d.column - 1
        end = lines.line_start(d.end_line) + d.end_column - 1
        assert 0 <= start <= end <= len(text), d


def check_words_reach_the_rules(text: str) -> None:
    missing = oracles.missing_words(text)
    assert not missing, f"shown but not linted: {dict(missing)}"


def check_wrapping_keeps_findings(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    rule, sentence = EXAMPLES[fdp.ConsumeIntInRange(0, len(EXAMPLES) - 1)]
    depth = fdp.ConsumeIntInRange(0, 64)
    containers = [oracles.CONTAINERS[fdp.ConsumeIntInRange(0, len(oracles.CONTAINERS) - 1)] for _ in range(depth)]
    inline = oracles.INLINE[fdp.ConsumeIntInRange(0, len(oracles.INLINE) - 1)]
    block = oracles.BLOCKS[fdp.ConsumeIntInRange(0, len(oracles.BLOCKS) - 1)]
    wrapped = oracles.wrap(sentence, containers, inline, block)
    lost = oracles.lost_findings(LINTER, rule, sentence, wrapped)
    assert not lost, f"wrapping hid {lost} in {wrapped!r}"


def test_one_input(data: bytes) -> None:
    try:
        text = decode(data)
    except UnreadableFile:
        text = data.decode("utf-8", "replace")
    check_ranges(text, "markdown")
    check_ranges(text, "text")
    check_words_reach_the_rules(text)
    check_wrapping_keeps_findings(data)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
