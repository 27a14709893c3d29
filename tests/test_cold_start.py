"""A one-file run (a pre-commit hook, an editor) imports only what it uses.

Nothing here is timed. A cached run of one file must not import the rule-file
and configuration readers, the worker pool or the formats it does not print,
so that such an import creeping back to the top of a module is caught.
"""
from __future__ import annotations

import os
import subprocess
import sys

from tests.helpers import SRC

# Imported only when a rule file, a configuration file, many files or another format need them.
NOT_IMPORTED = ("ruamel.yaml", "tomllib", "difflib", "multiprocessing", "xml.etree.ElementTree",
                "healthlint.verdict", "healthlint.formatters.json", "healthlint.formatters.sarif",
                "healthlint.formatters.junit", "healthlint.formatters.statistics")

_RUN = """
import sys
from healthlint.cli import main
status = main(sys.argv[2:])
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("\\n".join(sorted(sys.modules)))
sys.exit(status)
"""


def _modules_of_a_run(tmp_path, *args) -> set[str]:
    listing = tmp_path / "modules.txt"
    env = {**os.environ, "PYTHONPATH": SRC, "HEALTHLINT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("HEALTHLINT_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", _RUN, str(listing), *map(str, args)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    return set(listing.read_text(encoding="utf-8").split("\n"))


def test_a_cached_one_file_run_imports_only_what_it_uses(tmp_path):
    article = tmp_path / "one.md"
    article.write_text("---\ntitle: Kratom\n---\nKratom relieves depression.\n", encoding="utf-8")
    first = _modules_of_a_run(tmp_path, article)  # reads the rule files, writes the cache
    assert "ruamel.yaml" in first
    cached = _modules_of_a_run(tmp_path, article)
    assert "healthlint.formatters.text" in cached
    assert sorted(cached.intersection(NOT_IMPORTED)) == []


def test_front_matter_is_read_only_where_there_is_some(tmp_path):
    article = tmp_path / "one.md"
    article.write_text("Kratom relieves depression.\n", encoding="utf-8")
    _modules_of_a_run(tmp_path, article)
    assert "yaml" not in _modules_of_a_run(tmp_path, article)
    article.write_text("---\ntitle: Kratom\nsponsored: true\n---\nKratom relieves depression.\n", encoding="utf-8")
    assert "yaml" in _modules_of_a_run(tmp_path, article)


def test_front_matter_without_a_field_any_rule_asks_for_is_not_read(tmp_path):
    article = tmp_path / "one.md"
    article.write_text("---\ntitle: Kratom\ntags: [herbs]\n---\nKratom relieves depression.\n", encoding="utf-8")
    _modules_of_a_run(tmp_path, article)
    assert "yaml" not in _modules_of_a_run(tmp_path, article)


def test_a_configuration_file_is_still_read(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.healthlint]\nprofile = 'strict'\n", encoding="utf-8")
    article = tmp_path / "one.md"
    article.write_text("Kratom may relieve depression.\n", encoding="utf-8")
    assert "tomllib" in _modules_of_a_run(tmp_path, "--format", "json", article)
