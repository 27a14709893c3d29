"""--jobs: worker processes change how fast a run is, never what it reports."""
from __future__ import annotations

import os

import pytest

from tests.helpers import run_cli

CLAIM = "Kratom relieves depression.\n\nBuy kratom online now!\n"
CLEAN = "Kratom may relieve depression. Talk to your doctor.\n"


@pytest.fixture
def tree(tmp_path):
    for i in range(40):
        folder = tmp_path / f"s{i % 3}"
        folder.mkdir(exist_ok=True)
        (folder / f"a{i:02}.md").write_text(CLAIM if i % 2 else CLEAN, encoding="utf-8")
    return tmp_path


def test_same_report_with_any_number_of_jobs(tree):
    one = run_cli("--jobs", "1", "--format", "json", tree)
    two = run_cli("--jobs", "2", "--format", "json", tree)
    default = run_cli("--format", "json", tree)
    assert one.returncode == two.returncode == default.returncode == 1
    assert one.stdout == two.stdout == default.stdout
    assert one.stdout.count(b'"rule"') == 60  # 20 claims + 20 calls to action + 20 missing referrals


def test_an_unreadable_file_is_reported_and_the_rest_still_linted(tree):
    broken = tree / "s2" / "broken.md"
    broken.write_bytes(b"\xff\xfe\x00\x00" + os.urandom(64) + b"\x00" * 64)
    result = run_cli("--jobs", "2", tree)
    assert result.returncode == 2
    assert b"broken.md: error:" in result.stderr
    assert result.stdout.count(b"unhedged-cure-claim") == 20


def test_missing_paths_are_errors_with_jobs(tree):
    result = run_cli("--jobs", "2", tree, tree / "nope.md")
    assert result.returncode == 2
    assert b"nope.md: error:" in result.stderr


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_whole_number(value):
    result = run_cli("--jobs", value, ".")
    assert result.returncode == 2
    assert b"--jobs" in result.stderr
