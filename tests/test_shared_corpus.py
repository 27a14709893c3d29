"""Detection quality on the shared annotated corpora, where ../shared exists (skipped otherwise)."""
import json
import subprocess
import sys

import pytest
from tests.conftest import SHARED

SCORE = SHARED / "eval" / "score.py"
pytestmark = pytest.mark.skipif(not SCORE.exists(), reason="../shared/eval is not present")
CMD = f"{sys.executable} -m healthlint --format json"


def score(corpus):
    proc = subprocess.run([sys.executable, str(SCORE), str(SHARED / "corpus" / corpus), "--cmd", CMD, "--json"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_seeds_are_exact():
    assert score("seeds")["f1"] == 1.0


def test_dev_thresholds():
    result = score("dev")
    assert result["precision"] >= 0.95 and result["recall"] >= 0.92
    for rule, row in result["rules"].items():
        assert row["f1"] >= 0.90, rule
