"""Output formats: SARIF read back by a real SARIF consumer, GitHub annotations, JUnit, statistics."""
import json
import xml.etree.ElementTree as ET

import pytest

ARTICLE = ("# Kratom\n\nKratom cures depression. It is completely safe.\n"
           "Take two grams a day for anxiety and for pain relief.\n\n"
           "[Buy kratom](https://example.com/recommends/kratom)\n")


@pytest.fixture
def article(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "post.md").write_text(ARTICLE, encoding="utf-8")
    return "post.md"


def test_sarif_read_by_sarif_tools_and_shaped_for_github(article, run_cli, tmp_path):
    loader = pytest.importorskip("sarif.loader", reason="sarif-tools is not installed (pip install sarif-tools)")
    status, out, _ = run_cli(article, "--format", "sarif")
    assert status == 1
    (tmp_path / "out.sarif").write_text(out, encoding="utf-8")
    sarif_file = loader.load_sarif_file(str(tmp_path / "out.sarif"))
    assert sarif_file.get_distinct_tool_names() == ["healthlint"]
    assert sarif_file.get_result_count() == 5
    records = sarif_file.get_records()
    assert {r["Location"] for r in records} == {"post.md"}
    assert {r["Line"] for r in records} == {1, 3, 4, 6}
    assert sarif_file.get_rules_by_id("unhedged-cure-claim")

    # What GitHub code scanning requires of an upload.
    doc = json.loads(out)
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "healthlint" and driver["version"]
    rules = driver["rules"]
    for rule in rules:
        assert rule["id"] and rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["text"] and rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    for result in run["results"]:
        assert result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "post.md"
        assert location["region"]["startLine"] >= 1 and location["region"]["startColumn"] >= 1
    cure = next(r for r in rules if r["id"] == "unhedged-cure-claim")
    assert "FTC" in cure["fullDescription"]["text"]  # described from the rule's own documentation


def test_github_annotations(article, run_cli):
    status, out, _ = run_cli(article, "--format", "github")
    lines = out.splitlines()
    assert "::error file=post.md,line=3,col=8,endLine=3,endColumn=24,title=healthlint unhedged-cure-claim::" \
           "unhedged-cure-claim: Unhedged cure claim" in out
    assert lines[0].startswith("::warning file=post.md,line=1,")
    assert len(lines) == 5


def test_github_format_is_automatic_under_github_actions(article, run_cli):
    _, out, _ = run_cli(article, env={"GITHUB_ACTIONS": "true"})
    assert out.startswith("::")
    _, out, _ = run_cli(article, "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert out.startswith("post.md:")


def test_junit(article, run_cli):
    status, out, _ = run_cli(article, "--format", "junit")
    root = ET.fromstring(out)
    suite = root.find("testsuite")
    assert suite.get("tests") == "5" and suite.get("failures") == "4"
    assert len(suite.findall("testcase/failure")) == 4


def test_text_colour_respects_no_color(article, run_cli):
    _, out, _ = run_cli(article, "--color", "always")
    assert "\033[" in out
    _, out, _ = run_cli(article, env={"NO_COLOR": "1"})
    assert "\033[" not in out


def test_statistics(article, run_cli):
    _, out, _ = run_cli(article, "--statistics")
    assert out.splitlines()[-4:] == [
        "2  error    unhedged-cure-claim",
        "1  warning  missing-clinician-referral",
        "1  error    undisclosed-affiliate-link",
        "1  error    unqualified-safety-claim",
    ]
    _, out, err = run_cli(article, "--statistics", "--format", "json")
    json.loads(out)  # statistics do not corrupt machine-readable output
    assert "unhedged-cure-claim" in err


def test_formatters_share_one_interface():
    from healthlint.formatters import FORMATTERS, Formatter

    assert {"text", "json", "sarif", "github", "junit"} <= set(FORMATTERS)
    assert all(issubclass(f, Formatter) for f in FORMATTERS.values())
