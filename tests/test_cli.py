"""The command line: formats, exit codes, standard input, selection, subcommands."""
import json
import subprocess
import sys

import pytest

from healthlint import __version__
from healthlint.cli import main

CLAIM = "Kratom relieves depression. Talk to your doctor.\n"
CLEAN = "Kratom may relieve depression. Talk to your doctor.\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "claim.md").write_text(CLAIM, encoding="utf-8")
    (tmp_path / "clean.txt").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "ignored.rst").write_text(CLAIM, encoding="utf-8")
    return tmp_path


def test_text_format_and_exit_1(files, capsys):
    assert main([str(files)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{files / 'claim.md'}:1:8: error unhedged-cure-claim Unhedged cure claim: “relieves depression” states as fact that something treats a disease or symptom\n"
    assert "Found 1 problem (1 error) in 2 files." in err


def test_json_format(files, capsys):
    assert main(["--format", "json", str(files / "claim.md")]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["diagnostics"] == [{
        "path": str(files / "claim.md"), "line": 1, "column": 8, "end_line": 1, "end_column": 27,
        "rule": "unhedged-cure-claim", "severity": "error",
        "message": "Unhedged cure claim: “relieves depression” states as fact that something treats a disease or symptom"}]
    assert data["summary"]["errors"] == 1 and data["summary"]["files"] == 1


def test_clean_exit_0(files, capsys):
    assert main([str(files / "clean.txt")]) == 0
    assert "No problems found in 1 file." in capsys.readouterr().err


def test_fail_on_warning(tmp_path):
    article = tmp_path / "a.md"
    article.write_text("Valerian may ease insomnia. It may help with anxiety too.\n")
    assert main([str(article)]) == 0  # only the referral warning
    assert main(["--fail-on", "warning", str(article)]) == 1


def test_select_and_ignore(files, capsys):
    assert main(["--ignore", "unhedged-cure-claim", str(files / "claim.md")]) == 0
    assert main(["--select", "unqualified-safety-claim", str(files / "claim.md")]) == 0
    assert main(["--select", "no-such-rule", str(files)]) == 2
    assert "unknown rule 'no-such-rule'" in capsys.readouterr().err


def test_missing_path_is_reported_and_others_still_linted(files, capsys):
    assert main([str(files / "nope.md"), str(files / "claim.md")]) == 2
    out, err = capsys.readouterr()
    assert f"{files / 'nope.md'}: error: no such file or directory" in err
    assert "claim.md:1:8" in out


def test_invalid_utf8_is_reported(tmp_path, capsys):
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"caf\xe9 relieves pain\n")
    assert main([str(bad)]) == 2
    assert "not valid UTF-8" in capsys.readouterr().err


def test_stdin_with_filename():
    proc = subprocess.run([sys.executable, "-m", "healthlint", "-", "--stdin-filename", "post.txt"],
                          input=CLAIM.encode(), capture_output=True)
    assert proc.returncode == 1
    assert proc.stdout.decode().startswith("post.txt:1:8: error unhedged-cure-claim")


def test_no_paths_is_a_usage_error(capsys):
    assert main([]) == 2


def test_unknown_option_is_a_usage_error():
    with pytest.raises(SystemExit) as info:
        main(["--frobnicate"])
    assert info.value.code == 2


def test_version(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"healthlint {__version__}"


def test_rules_and_explain_and_test_rules(capsys):
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    for rule in ("unhedged-cure-claim", "unqualified-safety-claim", "undisclosed-affiliate-link",
                 "missing-clinician-referral"):
        assert rule in listing
    assert main(["explain", "unqualified-safety-claim"]) == 0
    text = capsys.readouterr().out
    assert "FTC" in text and "What to write instead" in text and "Not reported" in text
    assert main(["explain", "nope"]) == 2
    assert main(["explain", "unhedged-cure-claim"]) == 0
    text = capsys.readouterr().out
    # what it looks for, as claim shapes written in its files: its checks, then the shapes of the vocabularies they name
    assert "What it looks for" in text and "\n  - {disease_claims}\n" in text
    assert "only after a topic that starts with: {conditions} | {grounded_conditions}" in text
    assert "{disease_claims} is one of these shapes" in text and "    - {efficacy_verbs} ... {conditions}\n" in text
    assert main(["test-rules"]) == 0
    assert " passed, 0 failed" in capsys.readouterr().out


def test_help_mentions_exit_codes():
    proc = subprocess.run([sys.executable, "-m", "healthlint", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "exit status" in proc.stdout and "--fail-on" in proc.stdout
