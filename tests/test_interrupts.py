"""Nothing lost: linting never writes to a linted file; SIGINT and SIGTERM end a run cleanly,
and an interrupted ``--fix`` leaves each file whole (as it was, or fully fixed) and no temporary file."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from healthlint.fixes import write_atomic
from healthlint.signals import Terminated, signals_held
from tests.helpers import SRC, run_cli


def _as_in_a_terminal():
    """A run started from a terminal takes SIGINT; one started under ``nohup`` or ``&`` inherits it ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


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
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            preexec_fn=_as_in_a_terminal)
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


# --- an interrupted --fix: every file is its old bytes or its fixed bytes, no temporary file is left --

FIXABLE = ("# Magnesium\n\nMagnesium helps muscles.\n"
           "[Get the magnesium I use](https://example.com/recommends/magnesium-glycinate)\n\n"
           "Take 300 mg daily for anxiety and for insomnia. It may ease stress symptoms.\n")
FIX_FILES = {
    "a.md": FIXABLE.encode(),
    "b.md": FIXABLE.replace("\n", "\r\n").encode(),
    "c.md": FIXABLE.encode("utf-16"),
    "d.txt": FIXABLE.replace("# ", "").encode(),
}
RUNNER = str(Path(__file__).with_name("interrupt_runner.py"))


def _write_files(folder: Path) -> None:
    folder.mkdir()
    for name, raw in FIX_FILES.items():
        (folder / name).write_bytes(raw)


@pytest.fixture(scope="module")
def fixed_bytes(tmp_path_factory) -> dict[str, bytes]:
    """What an uninterrupted --fix makes of each file."""
    folder = tmp_path_factory.mktemp("fix") / "site"
    _write_files(folder)
    run_cli("--fix", folder)
    fixed = {name: (folder / name).read_bytes() for name in FIX_FILES}
    assert all(fixed[name] != raw for name, raw in FIX_FILES.items())  # every file has a fix to write
    return fixed


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("moment", ["created", "writing", "renaming", "renamed"])
@pytest.mark.parametrize("signum, status, message", [
    (signal.SIGINT, 130, "healthlint: interrupted"),
    (signal.SIGTERM, 143, "healthlint: terminated"),
], ids=["SIGINT", "SIGTERM"])
def test_interrupted_fix_leaves_no_partial_file(tmp_path, fixed_bytes, moment, signum, status, message):
    folder = tmp_path / "site"
    _write_files(folder)
    env = {**os.environ, "PYTHONPATH": SRC, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, RUNNER, moment, "2", signal.Signals(signum).name, "--fix", str(folder)],
                          capture_output=True, env=env, timeout=60, preexec_fn=_as_in_a_terminal)
    err = proc.stderr.decode()
    assert proc.returncode == status, err
    assert message in err and "Traceback" not in err
    assert sorted(p.name for p in folder.iterdir()) == sorted(FIX_FILES)  # no temporary file left
    states = {name: "old" if (folder / name).read_bytes() == FIX_FILES[name]
              else "fixed" if (folder / name).read_bytes() == fixed_bytes[name] else "partial"
              for name in FIX_FILES}
    # The file being written when the signal came is finished; no later file is started.
    assert sorted(states.values()) == ["fixed", "fixed", "old", "old"], states


def test_a_failed_write_leaves_the_file_and_no_temporary(tmp_path):
    path = tmp_path / "a.md"
    path.write_bytes(b"old")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(str(path), "caf\u00e9", "ascii")  # fails halfway through the temporary file
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["a.md"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_signals_held_delivers_the_signal_after_the_block():
    class Stop(Exception):
        pass

    def stop(signum, frame):
        raise Stop(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        done = []
        with pytest.raises(Stop):
            with signals_held():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)  # a handler that ran now would raise here
                done.append("block finished")
        assert done == ["block finished"]
        assert signal.getsignal(signal.SIGTERM) is stop
        assert signal.getsignal(signal.SIGINT) is not None
    finally:
        signal.signal(signal.SIGTERM, previous)


# --- a signal that lands inside the Markdown parser call ends the run (nothing swallows it) ---

@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("signum, status, message", [
    (signal.SIGINT, 130, "healthlint: interrupted"),
    (signal.SIGTERM, 143, "healthlint: terminated"),
], ids=["SIGINT", "SIGTERM"])
def test_signal_inside_the_markdown_parser_ends_the_run(tmp_path, signum, status, message):
    article = tmp_path / "a.md"
    article.write_text("# Kratom\n\nKratom cures depression.\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": SRC, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, RUNNER, "parsing", "1", signal.Signals(signum).name, str(article)],
                          capture_output=True, env=env, timeout=60, preexec_fn=_as_in_a_terminal)
    err = proc.stderr.decode()
    assert proc.returncode == status, err
    assert message in err and "Traceback" not in err
    assert proc.stdout == b""  # the run ended there: nothing was linted after it


class _Raising:
    def __init__(self, error):
        self.error = error

    def events_with_range(self, text):
        raise self.error


def _panic() -> BaseException:
    """An exception of the type pyo3 raises for a Rust panic (pyo3_runtime.PanicException, a BaseException)."""
    panic = type("PanicException", (BaseException,), {"__module__": "pyo3_runtime"})
    return panic("explicit panic")


@pytest.mark.parametrize("error", [Terminated(signal.SIGTERM), KeyboardInterrupt(), SystemExit(3), MemoryError()],
                         ids=["Terminated", "KeyboardInterrupt", "SystemExit", "MemoryError"])
def test_the_markdown_reader_lets_interruptions_through(monkeypatch, error):
    from healthlint.text import markdown

    monkeypatch.setattr(markdown, "_PARSER", _Raising(error))
    with pytest.raises(type(error)):
        markdown.read_markdown("Kratom cures depression.\n")


@pytest.mark.parametrize("error", [ValueError("refused"), _panic()], ids=["ValueError", "PanicException"])
def test_the_markdown_reader_falls_back_when_the_parser_fails(monkeypatch, error):
    from healthlint.text import markdown

    monkeypatch.setattr(markdown, "_PARSER", _Raising(error))
    document = markdown.read_markdown("Kratom cures depression.\n")
    assert "Kratom cures depression." in document.prose
