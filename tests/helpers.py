"""Shared test helpers: run the CLI in a subprocess, and map a diagnostic back to source offsets."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from healthlint.text.positions import LineIndex

SRC = str(Path(__file__).resolve().parents[1] / "src")


def run_cli(*args, input: bytes | None = None, timeout: float = 120, unprivileged: bool = False,
            memory: int | None = None) -> subprocess.CompletedProcess:
    """Run ``python -m healthlint ARGS``.

    ``unprivileged``: without root's power to read any file (see :func:`drop_file_privileges`);
    ``memory``: the most address space, in bytes, the process may take (a guard for tests of
    inputs that would exhaust memory: past it the process fails instead of the machine).
    """
    env = {**os.environ, "PYTHONPATH": SRC, "NO_COLOR": "1"}

    def prepare():
        if unprivileged:
            drop_file_privileges()
        if memory is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run([sys.executable, "-m", "healthlint", *map(str, args)], input=input,
                          capture_output=True, env=env, timeout=timeout,
                          preexec_fn=prepare if unprivileged or memory is not None else None)


def drop_file_privileges() -> None:
    """In a child about to exec: give up root's override of file permissions (CAP_DAC_OVERRIDE and
    CAP_DAC_READ_SEARCH leave the bounding set, so the program it runs has neither), so that a
    mode-000 file or folder is as unreadable as it is for anyone else. Nothing to do for other users."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
        if libc.prctl(pr_capbset_drop, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def permissions_bind(tmp_path) -> bool:
    """Whether a program started with ``unprivileged=True`` is refused a mode-000 file."""
    probe = tmp_path / "probe-000"
    probe.write_text("x")
    probe.chmod(0)
    try:
        result = subprocess.run([sys.executable, "-c", f"open({str(probe)!r}).read()"], capture_output=True,
                                preexec_fn=drop_file_privileges, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    finally:
        probe.chmod(0o600)
        probe.unlink()
    return result.returncode != 0 and b"PermissionError" in result.stderr


def offsets(text: str, d) -> tuple[int, int]:
    """The source offsets of a diagnostic's start and end."""
    lines = LineIndex(text)
    return (lines.line_start(d.line) + d.column - 1, lines.line_start(d.end_line) + d.end_column - 1)


# A rule whose pattern backtracks exponentially: what a hostile rule pack or a slow request looks like.
BACKTRACKING_RULE = textwrap.dedent("""\
    id: hostile-backtracking
    kind: sentence
    severity: warning
    message: "Backtracks: {match}"
    description: A pattern that backtracks exponentially on a run of a's not followed by the end.
    patterns:
      - '(a|aa)+$'
    examples:
      fail: ["aaaa"]
    """)
