"""Configuration: discovery from each file's folder upward, validation with file:line, merging."""
import json
import textwrap

import pytest

from healthlint.config import Config, ConfigError, clear_cache, config_for, read_pyproject, read_yaml_config
from healthlint.pipeline import Linter

CLAIM = "# Kratom\n\nKratom cures depression.\n"


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def fresh():
    clear_cache()
    yield
    clear_cache()


def test_pyproject_table_is_read(tmp_path):
    write(tmp_path / "pyproject.toml", """
        [project]
        name = "site"

        [tool.healthlint]
        profile = "default"
        ignore = ["missing-clinician-referral"]
        exclude = ["drafts/*"]

        [tool.healthlint.severity]
        unhedged-cure-claim = "warning"

        [tool.healthlint.per-file-ignores]
        "legacy/*.md" = ["unqualified-safety-claim"]
    """)
    config = config_for(str(tmp_path / "a" / "b.md"))
    assert config.path == str(tmp_path / "pyproject.toml")
    assert config.ignore == ("missing-clinician-referral",)
    assert dict(config.severity) == {"unhedged-cure-claim": "warning"}
    assert config.per_file_ignores == (("legacy/*.md", ("unqualified-safety-claim",)),)


def test_nearest_config_wins_and_yaml_beats_pyproject(tmp_path):
    write(tmp_path / "pyproject.toml", "[tool.healthlint]\nignore = ['unhedged-cure-claim']\n")
    write(tmp_path / "sub" / ".healthlint.yaml", "select: [unqualified-safety-claim]\n")
    write(tmp_path / "sub" / "pyproject.toml", "[tool.healthlint]\nprofile = 'strict'\n")
    assert config_for(str(tmp_path / "x.md")).ignore == ("unhedged-cure-claim",)
    assert config_for(str(tmp_path / "sub" / "deeper" / "x.md")).select == ("unqualified-safety-claim",)


def test_pyproject_without_table_is_skipped(tmp_path):
    write(tmp_path / ".healthlint.yaml", "ignore: [unhedged-cure-claim]\n")
    write(tmp_path / "sub" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert config_for(str(tmp_path / "sub" / "x.md")).ignore == ("unhedged-cure-claim",)


def test_unknown_key_is_an_error_with_its_line_toml(tmp_path):
    path = write(tmp_path / "pyproject.toml", "[tool.healthlint]\nprofile = 'default'\nignroe = ['x']\n")
    with pytest.raises(ConfigError) as e:
        read_pyproject(str(path))
    assert str(e.value).startswith(f"{path}:3: unknown key 'ignroe'")
    assert "did you mean 'ignore'" in str(e.value)


def test_bad_value_is_an_error_with_its_line_yaml(tmp_path):
    path = write(tmp_path / ".healthlint.yaml", "profile: default\nseverity:\n  unhedged-cure-claim: loud\n")
    with pytest.raises(ConfigError) as e:
        read_yaml_config(str(path))
    assert str(e.value).startswith(f"{path}:3: severity of 'unhedged-cure-claim' must be one of")


def test_unknown_rule_in_config_is_located(tmp_path):
    path = write(tmp_path / ".healthlint.yaml", "profile: default\n\nignore: [unhedged-cure-claims]\n")
    with pytest.raises(ConfigError) as e:
        Linter(config=read_yaml_config(str(path)))
    assert str(e.value).startswith(f"{path}:3: unknown rule 'unhedged-cure-claims'")


def test_severity_override_and_ignore_apply():
    linter = Linter(config=Config(severity=(("unhedged-cure-claim", "info"),), ignore=("missing-clinician-referral",)))
    found = linter.lint_text(CLAIM, "a.md")
    assert [(d.rule, str(d.severity)) for d in found] == [("unhedged-cure-claim", "info")]


def test_front_matter_fields_count_as_disclosure_and_referral():
    text = ("---\nwe_earn: yes, commission\ndoctor_note: see your GP\n---\n\n# Ashwagandha for anxiety\n\n"
            "Ashwagandha may ease anxiety. Take 300 mg twice a day for stress.\n"
            "[Buy it](https://amzn.to/3xYz)\n")
    plain = {d.rule for d in Linter().lint_text(text, "a.md")}
    assert {"undisclosed-affiliate-link", "missing-clinician-referral"} <= plain
    config = Config(disclosure_fields=("we_earn",), referral_fields=("doctor_note",))
    assert Linter(config=config).lint_text(text, "a.md") == []


def test_per_file_ignores(tmp_path):
    config = Config(root=str(tmp_path), per_file_ignores=(("legacy/*", ("unhedged-cure-claim",)),),
                    ignore=("missing-clinician-referral",))
    linter = Linter(config=config)
    assert linter.lint_text(CLAIM, str(tmp_path / "legacy" / "old.md")) == []
    assert linter.lint_text(CLAIM, str(tmp_path / "new.md"))


def test_profiles_default_and_strict_exist_and_unknown_fails():
    assert {r.id for r in Linter(config=Config(profile="strict")).rules} >= {r.id for r in Linter().rules}
    from healthlint.errors import HealthlintError
    with pytest.raises(HealthlintError, match="unknown profile 'lenient'"):
        Linter(config=Config(profile="lenient"))


def test_cli_include_exclude_and_config_command(tmp_path, run_cli):
    write(tmp_path / ".healthlint.yaml", """
        exclude: [drafts/]
        include: ["*.mdx"]
        ignore: [missing-clinician-referral]
    """)
    write(tmp_path / "drafts" / "a.mdx", CLAIM)
    write(tmp_path / "posts" / "b.mdx", CLAIM)
    write(tmp_path / "posts" / "c.md", CLAIM)
    status, out, err = run_cli(tmp_path)
    assert status == 1
    assert "b.mdx:3:8" in out and "a.mdx" not in out and "c.md" not in out
    status, out, _ = run_cli("config", tmp_path / "posts")
    doc = json.loads(out)
    assert doc["config-file"] == str(tmp_path / ".healthlint.yaml")
    assert "missing-clinician-referral" not in doc["rules"]


def test_cli_config_error_exits_2(tmp_path, run_cli):
    write(tmp_path / ".healthlint.yaml", "select: 3\n")
    write(tmp_path / "a.md", CLAIM)
    status, out, err = run_cli(tmp_path / "a.md")
    assert status == 2
    assert f"{tmp_path / '.healthlint.yaml'}:1: error: 'select' must be a list of strings" in err


def test_cli_profile_flag(tmp_path, run_cli):
    write(tmp_path / "a.md", CLAIM)
    status, out, _ = run_cli("config", tmp_path, "--profile", "strict")
    assert json.loads(out)["profile"] == "strict"


def test_extra_pack_rules_run_whatever_the_profile(tmp_path):
    from healthlint.rules.loader import builtin_pack_dir

    source = (builtin_pack_dir() / "unqualified-safety-claim.yaml").read_text(encoding="utf-8")
    write(tmp_path / "pack" / "house-safety.yaml", source.replace("id: unqualified-safety-claim", "id: house-safety"))
    write(tmp_path / ".healthlint.yaml", "rule-packs: [pack]\nignore: [missing-clinician-referral]\n")
    linter = Linter(config=config_for(str(tmp_path / "a.md")))
    assert "house-safety" in {r.id for r in linter.rules}
    assert {d.rule for d in linter.lint_text("It is 100% safe.\n", "a.md")} == {"house-safety",
                                                                                 "unqualified-safety-claim"}


def test_disable_line_form():
    text = "Kratom cures depression. <!-- healthlint-disable-line unhedged-cure-claim -- quoted -->\n"
    assert Linter(ignore=["missing-clinician-referral"]).lint_text(text, "a.md") == []


def test_configured_disclosure_fields_satisfy_every_disclosure_rule():
    """disclosure-fields reach each rule that names front_matter_setting: disclosure, not one rule id."""
    import dataclasses

    from healthlint.config import Config
    from healthlint.pipeline import Linter

    config = dataclasses.replace(Config(), disclosure_fields=("partner_note",))
    text = "---\npartner_note: We earn commissions.\n---\n\n[Buy](https://amzn.to/x)\n\nWe may earn a commission.\n"
    rules = {d.rule for d in Linter(config=config).lint_text(text, "a.md")}
    assert not rules & {"undisclosed-affiliate-link", "disclosure-after-link"}
