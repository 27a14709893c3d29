"""Rule files are validated on load: every mistake is reported as file:line:column, never a traceback."""
import textwrap

import pytest

from healthlint.cli import main
from healthlint.errors import RuleError
from healthlint.rules.loader import load_packs

VALID = """\
id: test-rule
kind: sentence
severity: warning
message: "Found {match}"
description: A test rule.
patterns:
  - 'miracle cure'
examples:
  fail: ["A miracle cure."]
"""


def write_rule(tmp_path, text, name="test-rule.yaml"):
    (tmp_path / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def load_error(tmp_path, text) -> RuleError:
    write_rule(tmp_path, text)
    with pytest.raises(RuleError) as info:
        load_packs([tmp_path])
    return info.value


def test_valid_extra_pack_loads_with_builtin_vocabularies(tmp_path):
    write_rule(tmp_path, VALID.replace("'miracle cure'", "'miracle {remedy_nouns}'"))
    pack = load_packs([tmp_path])
    assert "test-rule" in pack.rules and "unhedged-cure-claim" in pack.rules


def test_unknown_key(tmp_path):
    err = load_error(tmp_path, VALID + "sevrity: error\n")
    assert (err.line, err.column) == (10, 1)
    assert "unknown key 'sevrity'" in str(err) and "severity" in str(err)


def test_missing_required_field(tmp_path):
    err = load_error(tmp_path, VALID.replace("message: \"Found {match}\"\n", ""))
    assert "missing the required key 'message'" in str(err)
    assert str(err).startswith(str(tmp_path / "test-rule.yaml") + ":1:1:")


def test_wrong_type(tmp_path):
    err = load_error(tmp_path, VALID.replace("description: A test rule.", "description: [a, b]"))
    assert (err.line, err.column) == (5, 14)
    assert "must be a string" in str(err)


def test_invalid_regex(tmp_path):
    err = load_error(tmp_path, VALID.replace("'miracle cure'", "'miracle (cure'"))
    assert (err.line, err.column) == (7, 5)
    assert "invalid regular expression" in str(err)


def test_unknown_vocabulary_suggests_a_name(tmp_path):
    err = load_error(tmp_path, VALID.replace("'miracle cure'", "'{condition}'"))
    assert "unknown vocabulary {condition}" in str(err) and "{conditions}" in str(err)


def test_unknown_kind_and_bad_severity(tmp_path):
    assert "unknown rule kind 'sentense'" in str(load_error(tmp_path, VALID.replace("kind: sentence", "kind: sentense")))
    assert "severity" in str(load_error(tmp_path, VALID.replace("severity: warning", "severity: fatal")))


def test_unknown_scope(tmp_path):
    err = load_error(tmp_path, VALID + "scopes: [paragraf]\n")
    assert "unknown scope 'paragraf'" in str(err) and "paragraph" in str(err)


def test_yaml_syntax_error_has_position(tmp_path):
    err = load_error(tmp_path, VALID + "patterns: [unclosed\n")
    assert err.line >= 10 and "invalid YAML" in str(err)


def test_duplicate_rule_id(tmp_path):
    write_rule(tmp_path, VALID.replace("test-rule", "unhedged-cure-claim"))
    with pytest.raises(RuleError, match="already defined"):
        load_packs([tmp_path])


def test_rule_without_examples_is_rejected(tmp_path):
    err = load_error(tmp_path, VALID.replace('examples:\n  fail: ["A miracle cure."]\n', "examples: {}\n"))
    assert "at least one example" in str(err)


def test_cli_reports_rule_errors_with_exit_2(tmp_path, capsys):
    write_rule(tmp_path, VALID + "bogus: 1\n")
    article = tmp_path / "a.md"
    article.write_text("Hello.\n")
    assert main(["--rules", str(tmp_path), str(article)]) == 2
    err = capsys.readouterr().err
    assert f"{tmp_path / 'test-rule.yaml'}:10:1: error: unknown key 'bogus'" in err
    assert "Traceback" not in err


def test_patterns_are_compiled_once_per_pack(tmp_path):
    write_rule(tmp_path, VALID)
    write_rule(tmp_path, VALID.replace("test-rule", "other-rule"), "other-rule.yaml")
    pack = load_packs([tmp_path], builtin=False)
    a = pack.rules["test-rule"].check.matcher.checks[0].pattern
    b = pack.rules["other-rule"].check.matcher.checks[0].pattern
    assert a is b
