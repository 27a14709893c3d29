"""Every rule documents itself with examples, and the examples are tests (proselint's practice)."""
import pytest

from healthlint.examples import run_examples
from healthlint.pipeline import Linter

LINTER = Linter(profile="strict")


def test_every_rule_has_examples_and_documentation():
    for rule in LINTER.rules:
        assert rule.examples.fail, f"{rule.id} has no failing example"
        assert rule.examples.pass_, f"{rule.id} has no passing example"
        assert len(rule.description) > 100 and rule.instead and rule.references, rule.id


@pytest.mark.parametrize("rule_id", sorted(r.id for r in LINTER.rules))
def test_rule_examples(rule_id):
    count, failures = run_examples(LINTER, {rule_id})
    assert count
    assert not failures, "\n".join(f.describe() for f in failures)


def test_the_four_policy_rules_exist_with_their_severities():
    severities = {r.id: str(r.severity) for r in LINTER.rules}
    assert severities["unhedged-cure-claim"] == "error"
    assert severities["unqualified-safety-claim"] == "error"
    assert severities["undisclosed-affiliate-link"] == "error"
    assert severities["missing-clinician-referral"] == "warning"
