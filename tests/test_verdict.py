"""Verdicts and fingerprints: what a CMS acts on, and what survives edits elsewhere."""
import json
import subprocess
import sys
import os

from healthlint import lint_text
from healthlint.diagnostics import Severity
from healthlint.verdict import review, verdict

ARTICLE = """# Kratom notes

Some background on the plant and its history in Southeast Asia.

Kratom relieves depression.

Talk to your doctor before trying it.
"""


def fingerprints(text):
    return [f.fingerprint for f in review(text, lint_text(text)).findings if f.diagnostic.rule == "unhedged-cure-claim"]


def test_verdict_levels():
    assert verdict([]) == "pass"
    assert verdict([Severity.INFO]) == "pass"
    assert verdict([Severity.WARNING, Severity.INFO]) == "review"
    assert verdict([Severity.WARNING, Severity.ERROR]) == "block"


def test_review_blocks_on_error():
    result = review(ARTICLE, lint_text(ARTICLE))
    assert result.verdict == "block"
    assert result.summary()["errors"] == 1


def test_fingerprint_survives_edits_elsewhere():
    before = fingerprints(ARTICLE)
    edited = ARTICLE.replace("Some background", "A new intro paragraph.\n\nSome longer background")
    edited = edited.replace("Southeast Asia.", "Southeast Asia and beyond.")
    edited = edited.replace("Talk to your doctor", "Please talk to your doctor or pharmacist")
    assert fingerprints(edited) == before
    assert lint_text(edited)[0].line != lint_text(ARTICLE)[0].line


def test_fingerprint_changes_with_the_finding():
    assert fingerprints(ARTICLE) != fingerprints(ARTICLE.replace("relieves depression", "relieves anxiety"))


def test_fingerprint_context_stays_in_the_sentence():
    text = "<p>Intro.</p><p>Kratom relieves depression.</p>"
    changed = "<p>A different intro!</p>\n<p class='x'>Kratom relieves depression.</p>"
    assert len(fingerprints_html(text)) == 1 and fingerprints_html(text) == fingerprints_html(changed)


def fingerprints_html(text):
    return [f.fingerprint for f in review(text, lint_text(text, kind="html")).findings
            if f.diagnostic.rule == "unhedged-cure-claim"]


def test_fingerprint_ignores_case_and_white_space():
    assert fingerprints(ARTICLE) == fingerprints(ARTICLE.replace("Kratom relieves", "Kratom   relieves"))


def test_repeated_finding_gets_distinct_fingerprints():
    text = "Kratom relieves depression.\n\nKratom relieves depression.\n"
    fps = fingerprints(text)
    assert len(fps) == 2 and len(set(fps)) == 2


def test_approval_turns_block_into_pass():
    first = review(ARTICLE, lint_text(ARTICLE))
    approved = {f.fingerprint for f in first.findings}
    edited = "New first line.\n\n" + ARTICLE
    second = review(edited, lint_text(edited), approved=approved)
    assert second.verdict == "pass"
    assert all(f.approved for f in second.findings)
    assert second.summary() == {"problems": 0, "errors": 0, "warnings": 0, "info": 0, "approved": 1}


def test_warning_only_document_is_review():
    text = "# Ashwagandha for anxiety\n\nAshwagandha may ease anxiety. Take 300 mg twice a day for stress.\n"
    diags = lint_text(text)
    assert {d.severity for d in diags} == {Severity.WARNING}
    assert review(text, diags, document_rules={"missing-clinician-referral"}).verdict == "review"


def test_json_output_has_verdict(tmp_path):
    post = tmp_path / "p.md"
    post.write_text(ARTICLE)
    src = os.path.join(os.path.dirname(__file__), "..", "src")
    out = subprocess.run([sys.executable, "-m", "healthlint", "--format", "json", str(post)],
                         capture_output=True, text=True, env={**os.environ, "PYTHONPATH": src})
    assert json.loads(out.stdout)["verdict"] == "block"
