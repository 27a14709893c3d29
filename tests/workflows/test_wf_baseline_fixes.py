"""Baseline (only new findings) and safe fixes (idempotent, atomic, only when changed)."""
import json
import os

import pytest

from healthlint.baseline import Fingerprinter
from healthlint.diagnostics import Diagnostic, Severity
from healthlint.fixes import fix_text, write_atomic
from healthlint.pipeline import Linter

LEGACY = ("# Kratom\n\nKratom cures depression. It is completely safe.\n"
          "Take two grams a day for anxiety and for pain relief.\n")


@pytest.fixture
def site(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "articles").mkdir()
    for i in range(3):
        (tmp_path / "articles" / f"legacy-{i}.md").write_text(LEGACY, encoding="utf-8")
    return tmp_path


def test_baseline_reports_only_new_findings(site, run_cli):
    status, _, err = run_cli("--write-baseline", "baseline.json", "articles")
    assert status == 0 and "Wrote 12 findings" in err
    doc = json.loads((site / "baseline.json").read_text())
    assert {e["rule"] for e in doc["findings"]} >= {"unhedged-cure-claim", "missing-clinician-referral"}
    assert all("fingerprint" in e for e in doc["findings"])

    status, out, _ = run_cli("--baseline", "baseline.json", "articles")
    assert status == 0 and out == ""

    # Edits elsewhere move the findings to other lines: still known.
    path = site / "articles" / "legacy-0.md"
    path.write_text("New intro paragraph.\n\n" + LEGACY.replace("# Kratom", "# Kratom, a review"), encoding="utf-8")
    status, out, _ = run_cli("--baseline", "baseline.json", "articles")
    assert status == 0 and out == ""

    # A new claim, even one repeating known words, is reported.
    path.write_text(path.read_text() + "\nKratom cures depression, we repeat.\n", encoding="utf-8")
    status, out, _ = run_cli("--baseline", "baseline.json", "articles")
    assert status == 1
    assert out.splitlines() == [out.splitlines()[0]] and "legacy-0.md:8:8: error unhedged-cure-claim" in out


def test_fingerprint_ignores_position_and_spacing():
    text_a, text_b = "Kratom cures depression.\n", "Intro.\n\nIt  CURES\ndepression, they say.\n"
    a = Diagnostic("a.md", 1, 8, 1, 24, "unhedged-cure-claim", Severity.ERROR, "m")
    b = Diagnostic("a.md", 3, 4, 4, 11, "unhedged-cure-claim", Severity.ERROR, "m")
    assert Fingerprinter({"a.md": text_a})(a) == Fingerprinter({"a.md": text_b})(b)
    other = Diagnostic("a.md", 1, 8, 1, 24, "unqualified-safety-claim", Severity.ERROR, "m")
    assert Fingerprinter({"a.md": text_a})(a) != Fingerprinter({"a.md": text_a})(other)


def test_bad_baseline_is_an_error(site, run_cli):
    (site / "baseline.json").write_text("{}")
    status, _, err = run_cli("--baseline", "baseline.json", "articles")
    assert status == 2 and "not a healthlint baseline" in err


AFFILIATE = ("---\ntitle: Magnesium\n---\n\n# Best magnesium\n\nMagnesium helps muscles.\n"
             "[Get the magnesium I use](https://example.com/recommends/magnesium-glycinate)\n\n"
             "Take 300 mg daily for anxiety and for insomnia. It may ease stress symptoms.\n")


def test_fix_inserts_disclosure_before_first_link_and_appends_referral():
    linter = Linter()
    fixed, rules = fix_text(AFFILIATE, "a.md", linter)
    assert rules == ["undisclosed-affiliate-link", "missing-clinician-referral"]
    lines = fixed.splitlines()
    assert lines[6].startswith("Disclosure: this page contains affiliate links")
    assert lines[8] == "Magnesium helps muscles."
    assert lines[-1].startswith("Talk to your doctor or pharmacist")
    assert not {d.rule for d in linter.lint_text(fixed, "a.md")} & set(rules)
    assert fix_text(fixed, "a.md", linter) == (fixed, [])


def test_fix_uses_configured_texts_and_line_endings():
    from healthlint.config import Config

    config = Config(fix_referral="Ask your pharmacist first.", fix_disclosure="Disclosure: we earn a commission.")
    fixed, _ = fix_text(AFFILIATE.replace("\n", "\r\n"), "a.md", Linter(config=config))
    assert "\r\nDisclosure: we earn a commission.\r\n\r\n" in fixed
    assert fixed.endswith("\r\n\r\nAsk your pharmacist first.\r\n") and "\n" not in fixed.replace("\r\n", "")


def test_cli_diff_then_fix_then_nothing(tmp_path, run_cli):
    path = tmp_path / "a.md"
    path.write_text(AFFILIATE, encoding="utf-8")
    status, out, _ = run_cli("--diff", path)
    assert status == 1 and out.startswith("--- a/") and "+Disclosure:" in out
    assert path.read_text() == AFFILIATE  # --diff writes nothing

    status, out, err = run_cli("--fix", path)
    assert "fixed undisclosed-affiliate-link, missing-clinician-referral" in err
    assert status == 0 and out == ""
    once = path.read_text()
    mtime = os.stat(path).st_mtime_ns

    status, out, err = run_cli("--fix", path)
    assert "Fixed 0 files" in err and path.read_text() == once and os.stat(path).st_mtime_ns == mtime
    status, out, _ = run_cli("--diff", path)
    assert status == 0 and out == ""


def test_write_atomic_keeps_mode_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "a.md"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_atomic(str(path), "new")
    assert path.read_text() == "new" and (os.stat(path).st_mode & 0o777) == 0o640
    assert os.listdir(tmp_path) == ["a.md"]
