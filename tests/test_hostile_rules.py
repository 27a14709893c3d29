"""Hostile or broken rule packs: a backtracking regex cannot hang a run, YAML cannot explode."""
from __future__ import annotations

import os

import pytest

from healthlint import Linter
from healthlint.errors import RuleError
from healthlint.rules.loader import MAX_YAML_DEPTH, load_pack
from tests.helpers import BACKTRACKING_RULE, run_cli

HOSTILE_RULE = BACKTRACKING_RULE
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


# --- files in a rule pack are read by the one reading policy ---------------------------------

def _pack_with(tmp_path, relative: str, make) -> tuple:
    pack = tmp_path / "pack"
    (pack / relative).parent.mkdir(parents=True, exist_ok=True)
    make(pack / relative)
    post = _write(tmp_path, "post.md", "Hello.\n")
    return pack, post


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("relative", ["pipe.yaml", "vocabularies/pipe.yaml", "profiles/pipe.yaml"])
def test_a_fifo_in_a_rule_pack_is_refused_not_waited_on(tmp_path, relative):
    pack, post = _pack_with(tmp_path, relative, os.mkfifo)
    args = ("--profile", "pipe") if relative.startswith("profiles/") else ()
    result = run_cli("--rules", pack, *args, post, timeout=60)  # the timeout is only a hang guard
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err
    assert f"{pack / relative}:1:1: error: cannot read: not a regular file" in err


def test_a_rule_file_linked_to_dev_zero_is_refused(tmp_path):
    pack, post = _pack_with(tmp_path, "zero.yaml", lambda p: os.symlink(os.devnull.replace("null", "zero"), p))
    result = run_cli("--rules", pack, post, timeout=60, memory=2 * 1024 ** 3)
    assert result.returncode == 2
    assert f"{pack / 'zero.yaml'}:1:1: error: cannot read: not a regular file" in result.stderr.decode()


def test_a_rule_file_over_the_size_limit_is_refused_unread(tmp_path):
    from healthlint.rules.loader import MAX_RULE_FILE_BYTES

    def big(path):
        with open(path, "wb") as f:
            f.truncate(MAX_RULE_FILE_BYTES + 1)

    pack, _ = _pack_with(tmp_path, "big.yaml", big)
    with pytest.raises(RuleError, match=r"big\.yaml:1:1: cannot read: larger than the 1 MB limit"):
        load_pack(pack)


# --- a pattern's compiled size is bounded --------------------------------------------------

def _rule_with_pattern(pattern: str) -> str:
    return HOSTILE_RULE.replace("'(a|aa)+$'", repr(pattern))


def test_a_pattern_that_would_exhaust_memory_compiling_is_refused(tmp_path):
    _write(tmp_path, "huge.yaml", _rule_with_pattern("(?:(?:a{1000}){1000}){20}"))
    post = _write(tmp_path, "post.md", "Hello.\n")
    result = run_cli("--rules", tmp_path, post, timeout=120, memory=2 * 1024 ** 3)
    err = result.stderr.decode()
    assert result.returncode == 2 and "MemoryError" not in err and "Traceback" not in err
    assert f"{tmp_path / 'huge.yaml'}:7:5: error: pattern too large: its repetitions make 20,000,000 parts" in err


@pytest.mark.parametrize("pattern, parts", [
    ("(?:a{500}){500}", 250_000),
    ("(?:ab|c){100000}", 300_000),
    ("a{250000,}", 250_000),
    ("(?:(?:ab|c){0,600}){0,600}", 1_080_000),
])
def test_repetition_counts_multiply_through_nesting(tmp_path, pattern, parts):
    _write(tmp_path, "big.yaml", _rule_with_pattern(pattern))
    with pytest.raises(RuleError, match=rf"big\.yaml:7:5: pattern too large: its repetitions make {parts:,} parts"):
        load_pack(tmp_path)

    from healthlint.rules.schema import MAX_PATTERN_SIZE, pattern_size

    assert pattern_size(pattern) == parts > MAX_PATTERN_SIZE


def test_the_pattern_is_sized_as_the_engine_reads_it():
    from healthlint.rules.schema import pattern_size

    # verbose mode: the bracket is in a comment, and the counts still multiply
    assert pattern_size("(?x)(?:(?: a # a [ in a comment\n){1000}){300}") == 300_000
    assert pattern_size("[(]{1000}(?:a{1000}[)]){300}") == 1000 + 300 * 1001
    assert pattern_size(r"\{1000000}") == 9  # an escaped brace: nine characters, no repetition


def test_patterns_within_the_bound_load(tmp_path):
    from healthlint.rules.schema import MAX_PATTERN_SIZE, pattern_size

    assert pattern_size("(?:a{1000}){200}") == MAX_PATTERN_SIZE
    _write(tmp_path, "ok.yaml", _rule_with_pattern("(?:a{1000}){199}|cures"))
    assert list(load_pack(tmp_path).rules) == ["hostile-backtracking"]


def test_the_built_in_pack_is_well_within_the_pattern_bound():
    from healthlint.rules.loader import RulePack, builtin_pack_dir
    from healthlint.rules.schema import MAX_PATTERN_SIZE, pattern_size

    pack = RulePack()
    pack.add_dir(builtin_pack_dir())
    sizes = [pattern_size(pattern, flags) for pattern, flags in pack._cache]
    assert sizes and max(sizes) <= MAX_PATTERN_SIZE // 2


@pytest.mark.parametrize("closed", ["", "vocabularies"])
def test_a_rule_pack_folder_that_cannot_be_listed_is_an_error_not_an_empty_pack(tmp_path, closed):
    """Path.glob answered an unreadable folder with nothing: the pack loaded without its rules."""
    from tests.helpers import permissions_bind

    if not permissions_bind(tmp_path):
        pytest.skip("cannot run a process for which file permissions apply")
    pack = tmp_path / "pack"
    (pack / "vocabularies").mkdir(parents=True)
    _write(pack, "hostile.yaml", HOSTILE_RULE)
    post = _write(tmp_path, "post.md", "Hello.\n")
    folder = pack / closed if closed else pack
    folder.chmod(0o300)  # may be entered, not listed
    try:
        result = run_cli("--rules", pack, post, unprivileged=True)
    finally:
        folder.chmod(0o700)
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err
    assert f"{folder}: error: cannot read folder: Permission denied" in err


def test_yaml_files_lists_what_glob_did_and_refuses_an_unlistable_folder(tmp_path, monkeypatch):
    from pathlib import Path

    from healthlint.rules import loader

    for name in (".hidden.yaml", "a.yaml", "b.yml", "c.YAML"):
        (tmp_path / name).write_text("")
    assert loader.yaml_files(tmp_path) == sorted(Path(tmp_path).glob("*.yaml"))

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(loader.os, "listdir", denied)
    with pytest.raises(RuleError, match="cannot read folder: Permission denied"):
        loader.yaml_files(tmp_path)


def test_a_rule_pack_behind_a_closed_folder_is_an_error_not_a_traceback(tmp_path):
    from tests.helpers import permissions_bind

    if not permissions_bind(tmp_path):
        pytest.skip("cannot run a process for which file permissions apply")
    closed = tmp_path / "closed"
    (closed / "pack").mkdir(parents=True)
    post = _write(tmp_path, "post.md", "Hello.\n")
    closed.chmod(0)
    try:
        result = run_cli("--rules", closed / "pack", post, unprivileged=True)
    finally:
        closed.chmod(0o700)
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err
    assert f"{closed / 'pack'}: error: cannot read folder: Permission denied" in err
