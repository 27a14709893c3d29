"""Shared test helpers: run the CLI in a subprocess, and map a diagnostic back to source offsets."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from healthlint.text.positions import LineIndex

SRC = str(Path(__file__).resolve().parents[1] / "src")


def run_cli(*args, input: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": SRC, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "healthlint", *map(str, args)], input=input,
                          capture_output=True, env=env, timeout=timeout)


def offsets(text: str, d) -> tuple[int, int]:
    """The source offsets of a diagnostic's start and end."""
    lines = LineIndex(text)
    return (lines.line_start(d.line) + d.column - 1, lines.line_start(d.end_line) + d.end_column - 1)
