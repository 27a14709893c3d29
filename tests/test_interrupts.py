"""Nothing lost: linting never writes to a linted file; SIGINT and SIGTERM end a run cleanly."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from tests.helpers import SRC, run_cli


def test_linting_never_writes_to_the_linted_files(tmp_path):
    files = {"a.md": b"Kratom cures depression.\r\n", "b.txt": b"\xef\xbb\xbfBuy now!\n", "c.md": b"\xff"}
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
    before = {name: os.stat(tmp_path / name).st_mtime_ns for name in files}
    run_cli(tmp_path)
    for name, raw in files.items():
        assert (tmp_path / name).read_bytes() == raw
        assert os.stat(tmp_path / name).st_mtime_ns == before[name]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum, status, message", [
    (signal.SIGINT, 130, "healthlint: interrupted"),
    (signal.SIGTERM, 143, "healthlint: terminated"),
])
def test_signal_ends_the_run_with_a_status_and_no_traceback(signum, status, message):
    env = {**os.environ, "PYTHONPATH": SRC}
    # Reading standard input that never ends: the run waits until the signal comes.
    proc = subprocess.Popen([sys.executable, "-m", "healthlint", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        time.sleep(2)  # past the imports: the handlers are installed in main()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            proc.send_signal(signum)
            try:
                out, err = proc.communicate(timeout=2)
                break
            except subprocess.TimeoutExpired:
                continue
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == status, err
    assert message in err.decode() and "Traceback" not in err.decode()
