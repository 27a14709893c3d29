"""Inline suppressions, read like the spec: text in, (line, rule) out."""
from healthlint.config import Config
from healthlint.pipeline import Linter

LINTER = Linter(ignore=["missing-clinician-referral"])


def found(text, name="a.md", linter=LINTER):
    return [(d.line, d.rule) for d in linter.lint_text(text, name)]


def test_disable_next_line_with_reason():
    text = ("Kratom cures depression.\n\n"
            "<!-- healthlint-disable-next-line unhedged-cure-claim -- quoting the 1998 vendor ad -->\n"
            "Kratom cures anxiety.\n")
    assert found(text) == [(1, "unhedged-cure-claim")]


def test_disable_enable_range():
    text = ("<!-- healthlint-disable unqualified-safety-claim -->\n"
            "It is completely safe.\n\n"
            "It is harmless.\n"
            "<!-- healthlint-enable unqualified-safety-claim -->\n\n"
            "It is 100% safe.\n")
    assert found(text) == [(7, "unqualified-safety-claim")]


def test_disable_without_rule_covers_all_and_bare_enable_ends_it():
    text = ("<!-- healthlint-disable -->\nKratom cures depression. It is completely safe.\n<!-- healthlint-enable -->\n\n"
            "Kratom cures anxiety.\n")
    assert found(text) == [(5, "unhedged-cure-claim")]


def test_disable_file():
    text = "Kratom cures depression.\n\nIt is 100% safe.\n\n<!-- healthlint-disable-file unhedged-cure-claim -->\n"
    assert found(text) == [(3, "unqualified-safety-claim")]


def test_unused_suppression_is_reported():
    text = "<!-- healthlint-disable-next-line unhedged-cure-claim -- old -->\nA recipe for soup.\n"
    assert found(text) == [(1, "unused-suppression")]


def test_unknown_rule_in_directive_is_reported():
    text = "<!-- healthlint-disable-next-line cure-claim -->\nKratom cures depression.\n"
    assert ("1", "invalid-suppression") in [(str(l), r) for l, r in found(text)]


def test_suppression_of_an_inactive_rule_is_not_unused():
    linter = Linter(select=["unqualified-safety-claim"])
    text = "<!-- healthlint-disable-next-line unhedged-cure-claim -->\nKratom cures depression.\n"
    assert found(text, linter=linter) == []


def test_require_reason():
    linter = Linter(config=Config(require_reason=True, ignore=("missing-clinician-referral",)))
    text = ("<!-- healthlint-disable-next-line unhedged-cure-claim -->\nKratom cures depression.\n\n"
            "<!-- healthlint-disable-next-line unhedged-cure-claim -- a quote we rebut below -->\nKratom cures anxiety.\n")
    assert found(text, linter=linter) == [(1, "suppression-without-reason")]


def test_directive_inside_code_block_does_not_count():
    text = "```\n<!-- healthlint-disable-file -->\n```\n\nKratom cures depression.\n"
    assert found(text) == [(5, "unhedged-cure-claim")]


def test_plain_text_line_form():
    text = ("# healthlint-disable-next-line unhedged-cure-claim -- quoted\nKratom cures depression.\n\n"
            "healthlint-disable-file unqualified-safety-claim\n\nIt is 100% safe. Kratom cures anxiety.\n")
    assert found(text, "a.txt") == [(6, "unhedged-cure-claim")]


def test_cli_require_reason_flag(tmp_path, run_cli):
    path = tmp_path / "a.md"
    path.write_text("<!-- healthlint-disable-next-line unhedged-cure-claim -->\nKratom cures depression.\n")
    status, out, _ = run_cli(path, "--ignore", "missing-clinician-referral")
    assert status == 0 and out == ""
    status, out, _ = run_cli(path, "--ignore", "missing-clinician-referral", "--require-reason")
    assert status == 1 and "suppression-without-reason" in out
