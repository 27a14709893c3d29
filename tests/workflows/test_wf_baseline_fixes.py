"""Baseline (only new findings) and safe fixes (idempotent, atomic, only when changed)."""
import errno
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


# --- --fix never clobbers: mode, owner, read-only files, symlinks, hard links, edits made meanwhile, failed writes --

def _fix_site(tmp_path, names=("a.md", "b.md")):
    site = tmp_path / "site"
    site.mkdir()
    for name in names:
        (site / name).write_text(AFFILIATE, encoding="utf-8")
    return site


def _assert_fixed(path):
    text = path.read_text(encoding="utf-8")
    assert text != AFFILIATE and "Disclosure:" in text


def _no_traceback(err):
    assert "Traceback" not in err


needs_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="giving a file to another owner needs root")


@needs_root
def test_fix_keeps_the_files_mode_and_owner(tmp_path, run_cli):
    site = _fix_site(tmp_path, ["a.md"])
    path = site / "a.md"
    os.chown(path, 12345, 23456)
    os.chmod(path, 0o664)
    status, _, err = run_cli("--fix", site)
    _assert_fixed(path)
    info = os.stat(path)
    assert (info.st_uid, info.st_gid, info.st_mode & 0o7777) == (12345, 23456, 0o664), err
    assert sorted(os.listdir(site)) == ["a.md"]


@needs_root
def test_fix_refuses_a_file_whose_owner_it_cannot_keep(tmp_path, run_cli, monkeypatch):
    site = _fix_site(tmp_path)
    os.chown(site / "a.md", 12345, 12345)

    def chown(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", chown)  # as a user who may not give files away
    status, _, err = run_cli("--fix", site)
    assert status == 2, err
    assert f"{site / 'a.md'}: error: owned by uid 12345, gid 12345" in err
    assert (site / "a.md").read_text(encoding="utf-8") == AFFILIATE and os.stat(site / "a.md").st_uid == 12345
    _assert_fixed(site / "b.md")
    assert sorted(os.listdir(site)) == ["a.md", "b.md"]
    _no_traceback(err)


def test_fix_refuses_a_read_only_file(tmp_path, run_cli):
    site = _fix_site(tmp_path)
    os.chmod(site / "a.md", 0o444)
    status, _, err = run_cli("--fix", site)
    assert status == 2, err
    assert f"{site / 'a.md'}: error: read-only file" in err
    assert (site / "a.md").read_text(encoding="utf-8") == AFFILIATE
    assert os.stat(site / "a.md").st_mode & 0o777 == 0o444
    _assert_fixed(site / "b.md")
    assert "Fixed 1 file." in err
    _no_traceback(err)


def test_fix_follows_a_symlink_and_keeps_it(tmp_path, run_cli):
    real = tmp_path / "real"
    real.mkdir()
    (real / "target.md").write_text(AFFILIATE, encoding="utf-8")
    site = tmp_path / "site"
    site.mkdir()
    os.symlink(os.path.join("..", "real", "target.md"), site / "a.md")
    status, _, err = run_cli("--fix", site)
    assert status == 0, err
    assert os.path.islink(site / "a.md") and os.readlink(site / "a.md") == os.path.join("..", "real", "target.md")
    _assert_fixed(real / "target.md")
    assert os.listdir(site) == ["a.md"] and os.listdir(real) == ["target.md"]  # no temporary file anywhere


def test_fix_does_not_split_hard_links(tmp_path, run_cli):
    site = _fix_site(tmp_path, ["a.md"])
    os.link(site / "a.md", tmp_path / "other-name.md")
    status, _, err = run_cli("--fix", site)
    assert status == 2 and f"{site / 'a.md'}: error: has 2 hard links" in err
    assert (site / "a.md").read_text(encoding="utf-8") == AFFILIATE
    assert os.stat(site / "a.md").st_ino == os.stat(tmp_path / "other-name.md").st_ino


def _append(path):
    with open(path, "a", encoding="utf-8") as f:
        f.write("An edit made while --fix ran.\n")


def _same_size_and_time(path):
    info = os.stat(path)
    path.write_text(AFFILIATE.replace("Magnesium helps", "Magnesium aids!"), encoding="utf-8")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # only the text tells


def _touched(path):
    info = os.stat(path)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))


def _replaced(path):
    info = os.stat(path)
    fresh = path.with_name("fresh")
    fresh.write_text(AFFILIATE, encoding="utf-8")
    os.utime(fresh, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(fresh, path)  # as an editor saves: another file, same text, size and time


@pytest.mark.parametrize("edit", [_append, _same_size_and_time, _touched, _replaced],
                         ids=["appended", "same-size-and-time", "touched", "replaced"])
def test_fix_skips_a_file_edited_while_it_runs(tmp_path, run_cli, monkeypatch, edit):
    from healthlint import workflows

    site = _fix_site(tmp_path)
    edited = site / "a.md"
    real_fix_text = workflows.fix_text

    def fix_then_edit(text, path, linter):  # between reading the file and writing it
        fixed = real_fix_text(text, path, linter)
        if path == str(edited):
            edit(edited)
        return fixed

    monkeypatch.setattr(workflows, "fix_text", fix_then_edit)
    status, _, err = run_cli("--fix", site)
    assert status == 2, err
    assert f"{edited}: error: changed while fixing, not written" in err.splitlines()
    assert b"Disclosure:" not in edited.read_bytes()  # the edit is kept, the fix not written over it
    _assert_fixed(site / "b.md")
    assert sorted(os.listdir(site)) == ["a.md", "b.md"]
    _no_traceback(err)


class _FullDisk:
    """A file whose writes fail as on a full disk."""

    def __init__(self, f):
        self.f = f

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.f.close()

    def write(self, text):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("failure", ["full disk", "read-only folder"])
def test_a_failed_write_is_an_error_and_the_other_files_are_fixed(tmp_path, run_cli, monkeypatch, failure):
    import tempfile

    site = _fix_site(tmp_path)
    real_mkstemp, real_fdopen = tempfile.mkstemp, os.fdopen
    made = []

    def mkstemp(*args, **kwargs):
        made.append(1)
        if failure == "read-only folder" and len(made) == 1:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_mkstemp(*args, **kwargs)

    def fdopen(*args, **kwargs):
        f = real_fdopen(*args, **kwargs)
        return _FullDisk(f) if failure == "full disk" and len(made) == 1 else f

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "fdopen", fdopen)
    status, _, err = run_cli("--fix", site)
    reason = os.strerror(errno.ENOSPC if failure == "full disk" else errno.EROFS)
    assert status == 2, err
    assert f"{site / 'a.md'}: error: could not write the fix ({reason}); the file is as it was" in err.splitlines()
    assert (site / "a.md").read_text(encoding="utf-8") == AFFILIATE
    _assert_fixed(site / "b.md")
    assert sorted(os.listdir(site)) == ["a.md", "b.md"]
    _no_traceback(err)
