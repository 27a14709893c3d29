"""Hostile or broken configuration files (an untrusted checkout brings its own): they get the limits
of rule files, and every mistake is ``file:line: error: reason`` with exit 2, never a traceback."""
from __future__ import annotations

import os

import pytest

from healthlint import config
from healthlint.config import ConfigError, read_pyproject
from tests.helpers import run_cli

CLAIM = "Kratom cures depression.\n"


@pytest.fixture(autouse=True)
def fresh_config_cache():
    config.clear_cache()
    yield
    config.clear_cache()


def _project(tmp_path, name: str | None = None, text: str | None = None):
    if text is not None:
        (tmp_path / name).write_text(text, encoding="utf-8")
    post = tmp_path / "post.md"
    post.write_text(CLAIM)
    return post


def _fails(tmp_path, post, expected: str, **kwargs):
    result = run_cli(post, timeout=120, memory=2 * 1024 ** 3, **kwargs)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err and "RecursionError" not in err
    assert expected in err, err
    return err


def test_an_alias_bomb_in_healthlint_yaml_is_refused_at_the_alias(tmp_path):
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    post = _project(tmp_path, ".healthlint.yaml", "\n".join(lines) + "\n")
    _fails(tmp_path, post, f"{tmp_path / '.healthlint.yaml'}:5: error: YAML alias *d makes the file larger than")


def test_yaml_nested_100000_deep_is_refused_with_its_line(tmp_path):
    post = _project(tmp_path, ".healthlint.yaml", "select:\n  " + "[" * 100_000 + "]" * 100_000 + "\n")
    _fails(tmp_path, post, f"{tmp_path / '.healthlint.yaml'}:2: error: YAML nested more than 32 levels deep")


def test_toml_nested_100000_deep_is_refused_with_its_line(tmp_path):
    post = _project(tmp_path, "pyproject.toml", "[project]\nname = 'x'\nlists = " + "[" * 100_000 + "]" * 100_000 + "\n")
    _fails(tmp_path, post, f"{tmp_path / 'pyproject.toml'}:3: error: TOML nested more than 32 levels deep")


def test_toml_inline_tables_nested_deep_are_refused(tmp_path):
    post = _project(tmp_path, "pyproject.toml", "[tool.healthlint]\n\nfix = " + "{a = " * 50_000 + "1" + "}" * 50_000)
    _fails(tmp_path, post, f"{tmp_path / 'pyproject.toml'}:3: error: TOML nested more than 32 levels deep")


@pytest.mark.parametrize("text, line, message", [
    ('tool = "x"\n', 1, "'tool' must be a table ([tool.healthlint] holds healthlint's settings), not a string"),
    ('[project]\nname = "x"\n\n[tool]\nhealthlint = 3\n', 5, "'tool.healthlint' must be a table of settings, not an integer"),
    ('tool.healthlint = ["a"]\n', 1, "'tool.healthlint' must be a table of settings, not an array"),
])
def test_tool_tables_of_the_wrong_type_are_errors(tmp_path, text, line, message):
    post = _project(tmp_path, "pyproject.toml", text)
    _fails(tmp_path, post, f"{tmp_path / 'pyproject.toml'}:{line}: error: {message}")


def test_brackets_in_toml_strings_and_comments_are_not_nesting(tmp_path):
    deep = "[" * 40
    text = (f'# {deep}\n[tool.healthlint]\nprofile = "{deep}"  # {deep}\n'
            f"select = ['{deep}x']\ndisclosure-fields = [\"\"\"\n{deep}\"\"\"\"]\n"
            f"[tool.other]\nnote = '''{deep}\n'''\nescaped = \"\\\"{deep}\"\n")
    (tmp_path / "pyproject.toml").write_text(text)
    found = read_pyproject(str(tmp_path / "pyproject.toml"))
    assert found.profile == deep and found.disclosure_fields == (deep + '"',)  # TOML drops the first newline


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("name", [".healthlint.yaml", "pyproject.toml"])
def test_a_config_file_that_is_a_pipe_is_an_error_not_a_hang(tmp_path, name):
    os.mkfifo(tmp_path / name)
    post = _project(tmp_path, name)
    _fails(tmp_path, post, f"{tmp_path / name}:1: error: cannot read: not a regular file")


@pytest.mark.parametrize("name", [".healthlint.yaml", "pyproject.toml"])
def test_a_config_file_linked_to_dev_zero_is_an_error(tmp_path, name):
    os.symlink(os.devnull.replace("null", "zero"), tmp_path / name)
    post = _project(tmp_path, name)
    _fails(tmp_path, post, f"{tmp_path / name}:1: error: cannot read: not a regular file")


@pytest.mark.parametrize("name", [".healthlint.yaml", "pyproject.toml"])
def test_a_config_file_over_the_rule_file_limit_is_refused_unread(tmp_path, name):
    from healthlint.rules.loader import MAX_RULE_FILE_BYTES

    with open(tmp_path / name, "wb") as f:
        f.truncate(MAX_RULE_FILE_BYTES + 1)
    reader = config.read_yaml_config if name.endswith(".yaml") else read_pyproject
    with pytest.raises(ConfigError, match="1: cannot read: larger than the 1 MB limit"):
        reader(str(tmp_path / name))


def test_config_named_with_config_flag_is_read_by_the_same_policy(tmp_path):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "custom.yaml")
    post = _project(tmp_path)
    result = run_cli("--config", tmp_path / "custom.yaml", post, timeout=60)
    assert result.returncode == 2
    assert f"{tmp_path / 'custom.yaml'}:1: error: cannot read: not a regular file" in result.stderr.decode()


# --- a baseline is read by the same policy ---------------------------------------------------

@pytest.mark.parametrize("make, reason", [
    (lambda p: os.mkfifo(p), "cannot read baseline: not a regular file"),
    (lambda p: p.write_text("[" * 100_000), "invalid baseline JSON: nested too deeply"),
    (lambda p: p.write_bytes(b'{"healthlint-baseline": 1, "findings": ["caf\xe9"]}'), "cannot read baseline: not valid UTF-8"),
], ids=["fifo", "deep", "latin1"])
def test_a_bad_baseline_is_path_error_reason(tmp_path, make, reason):
    baseline = tmp_path / "baseline.json"
    make(baseline)
    post = _project(tmp_path)
    result = run_cli("--baseline", baseline, post, timeout=60)
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err
    assert f"{baseline}: error: {reason}" in err
