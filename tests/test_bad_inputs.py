"""The bad-input corpus: each file either lints with exact positions or is reported as
``path: error: reason``; the other files are still linted; the exit status is 2 when any
file could not be read. Large inputs are generated here, in tmp_path, never committed."""
from __future__ import annotations

import codecs
import os
import threading

import pytest

from healthlint import Linter
from healthlint.sources import MAX_FILE_BYTES, UnreadableFile, read_text
from tests.helpers import offsets, run_cli

CLAIM = "Kratom cures depression."
CLAIM_AT = 7  # "cures depression" starts at offset 7 of CLAIM
RULE = "unhedged-cure-claim"


@pytest.fixture(scope="module")
def linter():
    return Linter()


def claims(linter, text, name="x.md"):
    return [(d.line, d.column, d.end_line, d.end_column) for d in linter.lint_text(text, name) if d.rule == RULE]


# --- files that lint, with exact positions ------------------------------------------------

READABLE = {
    "utf8.md": (f"# T\n\n{CLAIM}\n".encode(), (3, 8, 3, 24)),
    "utf8-bom.md": (codecs.BOM_UTF8 + f"{CLAIM}\n".encode(), (1, 8, 1, 24)),
    "utf16-bom.md": (f"x\n\n{CLAIM}\n".encode("utf-16"), (3, 8, 3, 24)),
    "utf16be-bom.md": (codecs.BOM_UTF16_BE + f"{CLAIM}\n".encode("utf-16-be"), (1, 8, 1, 24)),
    "utf32-bom.md": (f"{CLAIM}\n".encode("utf-32"), (1, 8, 1, 24)),
    "crlf.md": (f"# T\r\n\r\nIntro.\r\n{CLAIM}\r\n".encode(), (4, 8, 4, 24)),
    "lone-cr.md": (f"# T\r\rIntro.\r{CLAIM}\r".encode(), (4, 8, 4, 24)),
    "lone-cr.txt": (f"Title\r\rIntro line here.\r\r{CLAIM}\r".encode(), (5, 8, 5, 24)),
    "mixed-endings.md": (f"a\r\nb\rc\n\n{CLAIM}".encode(), (5, 8, 5, 24)),
    "accents.md": (f"Café — {CLAIM}\n".encode(), (1, 15, 1, 31)),
}


@pytest.mark.parametrize("name", sorted(READABLE))
def test_readable_files_lint_with_exact_positions(tmp_path, linter, name):
    raw, expected = READABLE[name]
    path = tmp_path / name
    path.write_bytes(raw)
    text = read_text(str(path))
    found = [d for d in linter.lint_text(text, name) if d.rule == RULE]
    assert [(d.line, d.column, d.end_line, d.end_column) for d in found] == [expected]
    start, end = offsets(text, found[0])
    assert text[start:end] == "cures depression"


def test_empty_file_lints_to_nothing(tmp_path, linter):
    (tmp_path / "empty.md").write_bytes(b"")
    assert linter.lint_paths([str(tmp_path / "empty.md")]).diagnostics == []
    assert linter.lint_text("", "empty.txt") == []


# --- files that are reported, not linted --------------------------------------------------

UNREADABLE = {
    "binary.md": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    "nul.md": (f"Kratom\x00 {CLAIM}".encode(), "binary file"),
    "invalid-utf8.md": (b"Kratom cures \xff\xfe depression.", "not valid UTF-8"),
    "latin1.md": (f"Café: {CLAIM}".encode("latin-1"), "not valid UTF-8"),
    "truncated-utf16.md": (codecs.BOM_UTF16_LE + "abc".encode("utf-16-le")[:-1], "invalid UTF-16"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_undecodable_files_are_reported(tmp_path, name):
    raw, reason = UNREADABLE[name]
    (tmp_path / name).write_bytes(raw)
    with pytest.raises(UnreadableFile, match=reason):
        read_text(str(tmp_path / name))


def _corpus(tmp_path):
    """Every bad input beside one good file, in one folder."""
    for name, (raw, _) in {**READABLE, **UNREADABLE}.items():
        (tmp_path / name).write_bytes(raw)
    (tmp_path / "empty.md").write_bytes(b"")
    loop = tmp_path / "loop" / "inner"
    loop.mkdir(parents=True)
    os.symlink("..", loop / "up")  # a directory symlink loop
    (loop / "deep.md").write_text(CLAIM + "\n")
    os.symlink("self-b.md", tmp_path / "self-a.md")  # a file symlink loop
    os.symlink("self-a.md", tmp_path / "self-b.md")
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.md")  # opening it would block forever
    return tmp_path


def test_cli_reports_each_bad_file_and_lints_the_rest(tmp_path):
    folder = _corpus(tmp_path)
    result = run_cli(folder, tmp_path / "does-not-exist.md", timeout=60)
    err = result.stderr.decode()
    assert result.returncode == 2
    assert "Traceback" not in err
    for name, (_, reason) in UNREADABLE.items():
        assert f"{folder / name}: error: {reason}" in err
    assert f"{tmp_path / 'does-not-exist.md'}: error: no such file or directory" in err
    assert f"{tmp_path / 'self-a.md'}: error: " in err
    if hasattr(os, "mkfifo"):
        assert f"{tmp_path / 'pipe.md'}: error: not a regular file" in err
    out = result.stdout.decode()
    for name, (_, (line, col, _, _)) in READABLE.items():
        assert f"{folder / name}:{line}:{col}: error {RULE}" in out
    # found once, through the real folder only: the loop is not followed
    assert out.count(f"{RULE}") == len(READABLE) + 1
    assert f"{folder / 'loop' / 'inner' / 'deep.md'}:1:8:" in out


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_reported(tmp_path):
    path = tmp_path / "secret.md"
    path.write_text(CLAIM)
    path.chmod(0)
    result = run_cli(path, tmp_path / "ok.md")
    assert result.returncode == 2
    assert f"{path}: error: Permission denied" in result.stderr.decode()


def test_permission_error_is_reported_not_raised(tmp_path, linter, monkeypatch):
    """The same path as an unreadable file, for a test run as root."""
    (tmp_path / "a.md").write_text(CLAIM)
    (tmp_path / "b.md").write_text(CLAIM)
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith("a.md"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    result = linter.lint_paths([str(tmp_path)])
    assert [(e.path, e.reason) for e in result.errors] == [(str(tmp_path / "a.md"), "Permission denied")]
    assert [d.path for d in result.diagnostics if d.rule == RULE] == [str(tmp_path / "b.md")]


def test_directory_named_explicitly_with_no_files_is_fine(tmp_path):
    result = run_cli(tmp_path)
    assert result.returncode == 0, result.stderr


# --- big inputs ---------------------------------------------------------------------------

def test_100_mb_file_is_reported_not_read(tmp_path):
    big = tmp_path / "big.md"
    line = (CLAIM + " " + "word " * 15 + "\n").encode()
    with open(big, "wb") as f:
        f.write(line * (100 * 1024 * 1024 // len(line) + 1))
    (tmp_path / "small.md").write_text(CLAIM + "\n")
    result = run_cli(big, tmp_path / "small.md")
    assert result.returncode == 2
    assert f"{big}: error: larger than the 16 MiB limit" in result.stderr.decode()
    assert f"{tmp_path / 'small.md'}:1:8:" in result.stdout.decode()


@pytest.mark.parametrize("actual", [0, 99, 100, 101, 5000])
def test_a_file_is_read_whole_whatever_size_stat_gave(actual):
    # a file that grew or shrank between stat and read is still read whole, up to the limit
    from io import BytesIO

    from healthlint.sources import read_limited

    data = b"x" * actual
    assert read_limited(BytesIO(data), limit=4096 * 2, expected=100) == data
    with pytest.raises(UnreadableFile, match="larger than"):
        read_limited(BytesIO(b"x" * (3 * 1024 * 1024)), limit=2 * 1024 * 1024, expected=actual)


def test_stdin_over_the_limit_is_reported(tmp_path):
    result = run_cli("-", input=b"a" * (MAX_FILE_BYTES + 1))
    assert result.returncode == 2
    assert "<stdin>: error: larger than the 16 MiB limit" in result.stderr.decode()


def test_ten_megabyte_line_lints_with_exact_positions(tmp_path):
    path = tmp_path / "long.md"
    path.write_text("x " * 5_000_000 + CLAIM + "\n")
    result = run_cli(path, timeout=600)  # all rules, default time budget
    out = result.stdout.decode()
    assert result.returncode == 1, result.stderr
    assert f"{path}:1:{10_000_000 + CLAIM_AT + 1}: error {RULE}" in out
    assert "timed out" not in out


@pytest.mark.slow
def test_ten_megabyte_word_lints_with_exact_positions(tmp_path):
    """The slowest shape for the rule patterns: one 10 MB word, every position a candidate (~20 s)."""
    path = tmp_path / "word.md"
    path.write_text("a" * 10_000_000 + " " + CLAIM + "\n")
    result = run_cli(path, timeout=600)
    out = result.stdout.decode()
    assert result.returncode == 1, result.stderr
    assert f"{path}:1:{10_000_001 + CLAIM_AT + 1}: error {RULE}" in out
    assert "timed out" not in out


@pytest.mark.parametrize("opener", ["> ", "- ", "1. ", "* > "])
def test_markdown_nested_10000_levels_deep_is_still_linted(linter, opener):
    text = "Intro.\n\n" + opener * 10_000 + CLAIM + "\n"
    column = len(opener) * 10_000 + CLAIM_AT + 1
    assert claims(linter, text) == [(3, column, 3, column + 16)]


def test_deep_nesting_by_indentation_is_still_linted(linter):
    text = "".join("  " * i + "- item\n" for i in range(40)) + "  " * 40 + "- " + CLAIM + "\n"
    assert claims(linter, text) == [(41, 83 + CLAIM_AT, 41, 83 + CLAIM_AT + 16)]


@pytest.mark.parametrize("text", [
    "[" * 10_000 + CLAIM + "]" * 10_000,
    "*" * 10_000 + CLAIM + "*" * 10_000,
    "[a](" + "(" * 10_000 + ")" * 10_000 + ") " + CLAIM,
    "<" * 10_000 + CLAIM,
    "`" * 10_000 + CLAIM,
    "---\nx: " + "[" * 10_000 + "\n---\n\n" + CLAIM,  # front matter too deep for YAML
], ids=["brackets", "emphasis", "parens", "angles", "backticks", "front-matter"])
def test_pathological_markdown_lints_without_raising(linter, text):
    found = claims(linter, text)
    assert len(found) <= 1
    for d in linter.lint_text(text, "x.md"):
        start, end = offsets(text, d)
        assert 0 <= start <= end <= len(text)


# --- an input that could not be read is never a pass --------------------------------------

def _verdict(result):
    import json

    return json.loads(result.stdout)["verdict"]


@pytest.mark.parametrize("name", ["latin1.md", "nul.md", "binary.md"])
def test_json_verdict_blocks_when_a_file_could_not_be_read(tmp_path, name):
    raw, reason = UNREADABLE[name]
    (tmp_path / name).write_bytes(raw)
    (tmp_path / "clean.md").write_text("Nothing to see here.\n")
    result = run_cli("--format", "json", tmp_path / name, tmp_path / "clean.md")
    assert result.returncode == 2
    assert f"{tmp_path / name}: error: {reason}" in result.stderr.decode()
    assert _verdict(result) == "block"


def test_json_verdict_blocks_for_a_file_over_the_size_limit(tmp_path):
    big = tmp_path / "big.md"
    with open(big, "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # refused from its size: never read
    result = run_cli("--format", "json", big)
    assert result.returncode == 2 and _verdict(result) == "block"
    assert f"{big}: error: larger than the 16 MiB limit" in result.stderr.decode()


def test_verdict_blocks_for_unreadable_input_whatever_was_found():
    from healthlint.diagnostics import Severity
    from healthlint.verdict import verdict

    assert verdict([], unreadable=1) == "block"
    assert verdict([Severity.INFO, Severity.WARNING], unreadable=2) == "block"
    assert verdict([Severity.WARNING]) == "review" and verdict([]) == "pass"


@pytest.fixture
def unprivileged(tmp_path):
    from tests.helpers import permissions_bind

    if not permissions_bind(tmp_path):
        pytest.skip("cannot run a process for which file permissions apply")


def test_mode_000_file_blocks_the_json_verdict(tmp_path, unprivileged):
    secret = tmp_path / "secret.md"
    secret.write_text(CLAIM)
    secret.chmod(0)
    try:
        result = run_cli("--format", "json", secret, unprivileged=True)
    finally:
        secret.chmod(0o600)
    assert result.returncode == 2
    assert f"{secret}: error: Permission denied" in result.stderr.decode()
    assert _verdict(result) == "block"


def test_unreadable_sub_folder_is_named_and_blocks(tmp_path, unprivileged):
    (tmp_path / "ok.md").write_text(CLAIM + "\n")
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "hidden.md").write_text(CLAIM + "\n")
    closed.chmod(0)
    try:
        text = run_cli(tmp_path, unprivileged=True)
        as_json = run_cli("--format", "json", tmp_path, unprivileged=True)
    finally:
        closed.chmod(0o700)
    for result in (text, as_json):
        assert result.returncode == 2
        err = result.stderr.decode()
        assert f"{closed}: error: cannot read folder: Permission denied" in err and "Traceback" not in err
    assert f"{tmp_path / 'ok.md'}:1:8: error {RULE}" in text.stdout.decode()
    assert _verdict(as_json) == "block"


def test_file_inside_an_unreadable_folder_is_reported_not_raised(tmp_path, unprivileged):
    closed = tmp_path / "closed"
    closed.mkdir()
    (closed / "x.md").write_text(CLAIM + "\n")
    closed.chmod(0)
    try:
        result = run_cli("--format", "json", closed / "x.md", unprivileged=True)
    finally:
        closed.chmod(0o700)
    err = result.stderr.decode()
    assert result.returncode == 2 and "Traceback" not in err
    assert f"{closed / 'x.md'}: error: Permission denied" in err
    assert _verdict(result) == "block"


def test_a_folder_the_walk_cannot_list_is_an_error_not_skipped(tmp_path, monkeypatch):
    """The walk's own logic, for any user: listing the folder fails, the folder is named."""
    from healthlint.sources import PathError, discover

    (tmp_path / "a.md").write_text(CLAIM)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text(CLAIM)
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert list(discover([str(tmp_path)])) == [
        str(tmp_path / "a.md"), PathError(str(tmp_path / "sub"), "cannot read folder: Permission denied")]
    result = Linter().lint_paths([str(tmp_path)])
    assert [(e.path, e.reason) for e in result.errors] == [(str(tmp_path / "sub"), "cannot read folder: Permission denied")]


# --- the reading policy: regular, bounded files only, whoever reads -------------------------

def test_a_file_symlinked_to_dev_zero_is_refused(tmp_path):
    link = tmp_path / "zero.md"
    os.symlink(os.devnull.replace("null", "zero"), link)
    result = run_cli(link, memory=2 * 1024 ** 3, timeout=60)
    assert result.returncode == 2
    assert f"{link}: error: not a regular file" in result.stderr.decode()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_pipe_swapped_in_after_the_check_does_not_block_the_open(tmp_path, monkeypatch):
    """The check is made again on what was opened, and the open does not wait for a writer."""
    from healthlint import sources

    regular = os.stat(__file__)
    fifo = tmp_path / "swapped.md"
    os.mkfifo(fifo)
    monkeypatch.setattr(sources.os, "stat", lambda path, *a, **k: regular)  # the check saw a file
    outcome = []

    def read():
        try:
            sources.read_text(str(fifo))
            outcome.append("read")
        except UnreadableFile as e:
            outcome.append(str(e))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(60)  # a hang guard only
    if reader.is_alive():  # blocked in open(): a writer end lets it go on
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(60)
        pytest.fail("opening the pipe blocked")
    assert outcome and outcome[0].startswith("not a regular file")


# --- --fix and --diff read by the same policy ------------------------------------------------

AFFILIATE_POST = ("# Best magnesium\n\nMagnesium helps muscles.\n"
                  "[Get the magnesium I use](https://example.com/recommends/magnesium-glycinate)\n")


def _diff_fix_inputs(tmp_path):
    inputs = {}
    for name in ("latin1.md", "binary.md"):
        raw, reason = UNREADABLE[name]
        (tmp_path / name).write_bytes(raw + AFFILIATE_POST.encode("latin-1"))
        inputs[name] = reason
    os.symlink(os.devnull.replace("null", "zero"), tmp_path / "zero.md")
    inputs["zero.md"] = "not a regular file"
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.md")
        inputs["pipe.md"] = "not a regular file"
    inputs["missing.md"] = "no such file or directory"
    return inputs


@pytest.mark.parametrize("mode", ["--diff", "--fix"])
def test_fix_and_diff_report_what_they_cannot_read(tmp_path, mode):
    inputs = _diff_fix_inputs(tmp_path)
    good = tmp_path / "good.md"
    good.write_text(AFFILIATE_POST)
    result = run_cli(mode, *(tmp_path / name for name in inputs), good, memory=2 * 1024 ** 3, timeout=120)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    assert "Traceback" not in err
    for name, reason in inputs.items():
        assert f"{tmp_path / name}: error: {reason}" in err
        assert err.count(f"{tmp_path / name}: error:") == 1
    if mode == "--diff":
        assert "Disclosure" in result.stdout.decode() and good.read_text() == AFFILIATE_POST
    else:
        assert "Disclosure" in good.read_text()
    assert (tmp_path / "latin1.md").read_bytes() == UNREADABLE["latin1.md"][0] + AFFILIATE_POST.encode("latin-1")


def test_fix_never_rewrites_a_file_over_the_size_limit(tmp_path):
    big = tmp_path / "big.md"
    padding = "Magnesium helps muscles. " * 10 + "\n\n"
    with open(big, "w", encoding="utf-8") as f:
        f.write(AFFILIATE_POST)
        f.write(padding * (MAX_FILE_BYTES // len(padding) + 1))
    before = big.read_bytes()
    result = run_cli("--fix", big, timeout=600)
    assert result.returncode == 2
    assert f"{big}: error: larger than the 16 MiB limit" in result.stderr.decode()
    assert big.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".healthlint-")]


def test_write_baseline_names_the_files_it_could_not_read(tmp_path):
    raw, reason = UNREADABLE["latin1.md"]
    (tmp_path / "latin1.md").write_bytes(raw)
    result = run_cli("--write-baseline", tmp_path / "baseline.json", tmp_path / "latin1.md")
    assert result.returncode == 2
    assert f"{tmp_path / 'latin1.md'}: error: {reason}" in result.stderr.decode()


def test_a_file_name_with_a_nul_is_reported_not_raised(linter):
    result = linter.lint_paths(["a\x00b.md"])
    assert [(e.path, e.reason) for e in result.errors] == [("a\x00b.md", "not a valid file name")]
