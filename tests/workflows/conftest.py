import sys

import pytest


@pytest.fixture
def run_cli(monkeypatch, capsys):
    """Run ``healthlint ARGS`` in-process; return (status, stdout, stderr)."""
    from healthlint.cli import main
    from healthlint.config import clear_cache

    def run(*args, env=None, stdin=None):
        clear_cache()
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        if stdin is not None:
            import io
            monkeypatch.setattr(sys, "stdin", type("S", (), {"buffer": io.BytesIO(stdin.encode())})())
        status = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return status, out, err

    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return run
