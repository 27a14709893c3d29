"""The blind rounds' sets join the tests: each scores at least what ROUNDS.md records after its round."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT, SHARED

SCORE = SHARED / "eval" / "score.py"
FLOORS = {"round-2026-12-a": 0.77, "round-2026-12-b": 0.75}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_a_round_keeps_its_score(name):
    if not SCORE.exists():
        pytest.skip("../shared/eval/score.py is not here (the scorer is a shared instrument)")
    done = subprocess.run([sys.executable, str(SCORE), str(ROOT / "tests" / "generalisation" / name)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    f1 = float(done.stdout.strip().splitlines()[-1].rsplit("f1", 1)[1])
    assert f1 >= FLOORS[name]
