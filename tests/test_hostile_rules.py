"""Hostile or broken rule packs: a backtracking regex cannot hang a run, YAML cannot explode."""
from __future__ import annotations

import textwrap

import pytest

from healthlint import Linter
from healthlint.errors import RuleError
from healthlint.rules.loader import MAX_YAML_DEPTH, load_pack
from tests.helpers import run_cli

HOSTILE_RULE = textwrap.dedent("""\
    id: hostile-backtracking
    kind: sentence
    severity: warning
    message: "Backtracks: {match}"
    description: A pattern that backtracks exponentially on a run of a's not followed by the end.
    patterns:
      - '(a|aa)+$'
    examples:
      fail: ["aaaa"]
    """)
BACKTRACKING_TEXT = "Kratom cures depression.\n\n" + "a" * 60 + "!\n"


@pytest.fixture
def hostile_pack(tmp_path):
    (tmp_path / "hostile.yaml").write_text(HOSTILE_RULE)
    return tmp_path


def test_backtracking_rule_times_out_and_other_rules_still_report(hostile_pack):
    linter = Linter([str(hostile_pack)], rule_timeout=0.5)
    found = linter.lint_text(BACKTRACKING_TEXT, "post.md")
    by_rule = {d.rule: d for d in found}
    assert "unhedged-cure-claim" in by_rule
    timeout = by_rule["hostile-backtracking"]
    assert "timed out after 0.5 s" in timeout.message
    assert str(timeout.severity) == "error" and (timeout.line, timeout.column) == (1, 1)


def test_cli_names_the_rule_and_file_that_timed_out(hostile_pack, tmp_path):
    post = tmp_path / "post.md"
    post.write_text(BACKTRACKING_TEXT)
    result = run_cli("--rules", hostile_pack, "--rule-timeout", "0.5", post)
    out = result.stdout.decode()
    assert result.returncode == 1
    assert f"{post}:1:1: error hostile-backtracking rule hostile-backtracking timed out" in out
    assert f"{post}:1:8: error unhedged-cure-claim" in out


def test_the_budget_is_per_document(hostile_pack):
    linter = Linter([str(hostile_pack)], rule_timeout=0.5, select=["hostile-backtracking"])
    assert linter.lint_text("Nothing to backtrack on.", "calm.md") == []
    assert len(linter.lint_text(BACKTRACKING_TEXT, "a.md")) == 1
    assert len(linter.lint_text(BACKTRACKING_TEXT, "b.md")) == 1


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_billion_laughs_is_refused_at_the_alias(tmp_path):
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    _write(tmp_path, "bomb.yaml", "\n".join(lines) + "\n")
    with pytest.raises(RuleError, match=r"bomb\.yaml:\d+:\d+: YAML alias \*\w makes the file larger"):
        load_pack(tmp_path)


def test_deep_yaml_is_refused_with_its_position(tmp_path):
    # the mapping is level 1, so the 32nd "[" (column 6 + 32) is one too many
    _write(tmp_path, "deep.yaml", "id: x\nkind: " + "[" * 1000 + "]" * 1000 + "\n")
    with pytest.raises(RuleError, match=rf"deep\.yaml:2:{6 + MAX_YAML_DEPTH}: YAML nested more than"):
        load_pack(tmp_path)


def test_python_tags_build_no_objects(tmp_path):
    marker = tmp_path / "pwned"
    _write(tmp_path, "evil.yaml", f"id: !!python/object/apply:os.system ['touch {marker}']\n")
    with pytest.raises(RuleError, match=r"evil\.yaml:1:5: 'id' must be a string"):
        load_pack(tmp_path)
    assert not marker.exists()


def test_a_small_alias_is_fine(tmp_path):
    _write(tmp_path, "ok.yaml", HOSTILE_RULE.replace("patterns:\n  - '(a|aa)+$'",
                                                    "patterns: &p\n  - 'cures'").replace(
        "examples:", "unless: []\nexamples:"))
    assert list(load_pack(tmp_path).rules) == ["hostile-backtracking"]


def test_cli_reports_a_bad_rule_file_without_a_traceback(tmp_path):
    _write(tmp_path, "deep.yaml", "x: " + "[" * 100 + "]" * 100)
    post = _write(tmp_path, "post.md", "Hello.")
    result = run_cli("--rules", tmp_path, post)
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err
    assert f"{tmp_path / 'deep.yaml'}:1:" in err and ": error: YAML nested more than" in err
