"""The pre-commit hook, installed from this checkout by the real ``pre-commit try-repo``.

pre-commit builds a virtualenv and pip-installs this repository into it, so this
test needs PyPI (for the build backend and dependencies); it shares one
PRE_COMMIT_HOME between its cases so the environment is built once.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install 'healthlint[test]')")

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 900

VIOLATING = "# Kratom\n\nKratom cures depression and is completely safe.\n"
CLEAN = "# Golden milk\n\nWarm the milk with turmeric and ginger, then whisk in honey.\n"


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return tmp_path_factory.mktemp("pre-commit-home")


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q")
    git(tmp_path, "config", "user.email", "test@example.com")
    git(tmp_path, "config", "user.name", "Test")
    git(tmp_path, "config", "commit.gpgsign", "false")
    return tmp_path


def try_repo(repo, home):
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    env.pop("PYTHONPATH", None)  # the hook must run the installed package, not this source tree
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "healthlint",
                           "--color", "never"], cwd=repo, env=env, capture_output=True, text=True, timeout=TIMEOUT)


def test_hook_fails_a_commit_with_a_violating_article(repo, pre_commit_home):
    (repo / "article.md").write_text(VIOLATING, encoding="utf-8")
    (repo / "notes.txt").write_text("Kratom is 100% safe.\n", encoding="utf-8")
    git(repo, "add", "article.md", "notes.txt")
    result = try_repo(repo, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "healthlint" in output and "Failed" in output
    assert "article.md:3:8: error unhedged-cure-claim" in output
    assert "notes.txt:1:11: error unqualified-safety-claim" in output


def test_hook_passes_a_clean_commit(repo, pre_commit_home):
    (repo / "recipe.md").write_text(CLEAN, encoding="utf-8")
    (repo / "script.py").write_text("print('Kratom cures depression')\n", encoding="utf-8")  # not linted
    git(repo, "add", "recipe.md", "script.py")
    result = try_repo(repo, pre_commit_home)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Passed" in output
