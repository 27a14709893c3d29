"""A broken, hostile or hanging workspace configuration in the editor.

Whatever the workspace's ``.healthlint.yaml``, ``pyproject.toml`` or rule folders
hold, the session keeps linting: the error is shown (window/showMessage and
window/logMessage, and a diagnostic on the configuration file when it has a
line), the last good rules (or the built-in ones) stay in use, a reload that
takes longer than ``reload_timeout_ms`` is abandoned with a message, and
shutdown never waits for it. The real server, over raw stdio framing.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.lsp.raw_client import WAIT, RawClient

ERROR = 1  # MessageType.Error
RUNNER = str(Path(__file__).with_name("hanging_reload_runner.py"))
DEEP = "[" * 5_000 + "]" * 5_000  # deeper than Python's recursion limit
ARTICLE = "# Kratom\n\nKratom relieves depression. [Buy kratom](https://amzn.to/x?tag=a)\n"

HOSTILE = {
    "pyproject-tool-is-a-string": ("pyproject.toml", 'tool = "x"\n'),
    "toml-nested-5000-deep": ("pyproject.toml", f"[tool.healthlint]\nselect = {DEEP}\n"),
    "yaml-nested-5000-deep": (".healthlint.yaml", f"select: {DEEP}\n"),
    "yaml-unknown-key": (".healthlint.yaml", "profile: default\nselct: [x]\n"),
}


def shown(client: RawClient) -> str:
    """The next window/showMessage, which must be an error, and its copy in the client's log."""
    message = client.wait_for(lambda m: m.get("method") == "window/showMessage", "an error shown to the user")
    assert message["params"]["type"] == ERROR, message
    text = message["params"]["message"]
    client.wait_for(lambda m: m.get("method") == "window/logMessage" and m["params"]["message"] == text,
                    "the same error in the client's log")
    return text


def codes(client: RawClient, uri: str) -> set:
    return {d.get("code") for d in client.diagnostics(uri)}


def stops_promptly(client: RawClient) -> None:
    """shutdown, then exit: the process ends (WAIT is a hang guard, not a speed requirement)."""
    client.response(client.request("shutdown", None))
    client.notify("exit", None)
    assert client.proc.wait(WAIT) == 0, client.log()


@pytest.fixture
def start(tmp_path):
    clients = []

    def run(options: dict | None = None, command: list[str] | None = None) -> RawClient:
        client = RawClient(tmp_path, command)
        clients.append(client)
        client.initialize(options)
        return client

    yield run
    for client in clients:
        client.close()


@pytest.mark.parametrize("name, content", HOSTILE.values(), ids=HOSTILE)
def test_a_broken_configuration_is_shown_and_the_built_in_rules_keep_linting(tmp_path, start, name, content):
    (tmp_path / name).write_text(content, encoding="utf-8")
    client = start()
    text = shown(client)
    assert "built-in rules" in text and len(text) <= 2100, text
    client.still_serving()  # a document gets its diagnostics from the built-in rules
    stops_promptly(client)


def test_a_configuration_error_is_a_diagnostic_on_the_configuration_file(tmp_path, start):
    config = tmp_path / ".healthlint.yaml"
    config.write_text("profile: default\nselct: [x]\n", encoding="utf-8")
    client = start()
    assert f"{config}:2:" in shown(client)
    (found,) = client.diagnostics(config.as_uri())
    assert found["code"] == "config-error" and found["severity"] == ERROR
    assert found["range"]["start"]["line"] == 1 and "selct" in found["message"]

    config.write_text("profile: default\n", encoding="utf-8")  # fixed: the diagnostic goes
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 2}]})
    assert client.diagnostics(config.as_uri()) == []


def test_a_configuration_broken_later_keeps_the_rules_that_last_loaded(tmp_path, start):
    config = tmp_path / ".healthlint.yaml"
    config.write_text("ignore: [unhedged-cure-claim]\n", encoding="utf-8")
    client = start()
    uri = client.open(ARTICLE)
    # (the cure claim still asks for a referral: ignoring a rule never changes another's findings)
    assert codes(client, uri) == {"undisclosed-affiliate-link", "missing-clinician-referral"}

    config.write_text(f"ignore: {DEEP}\n", encoding="utf-8")
    client.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 2}]})
    assert "keeping the rules that last loaded" in shown(client)
    # the reload re-lints the open document, still without the rule the good configuration turned off
    assert codes(client, uri) == {"undisclosed-affiliate-link", "missing-clinician-referral"}
    stops_promptly(client)


def test_a_reload_that_hangs_is_abandoned_and_shutdown_does_not_wait_for_it(start):
    client = start({"reload_timeout_ms": 200}, command=[sys.executable, RUNNER])
    text = shown(client)
    assert "abandoned" in text and "using the built-in rules only" in text, text
    client.still_serving()
    uri = client.open(ARTICLE)
    assert codes(client, uri) == {"unhedged-cure-claim", "undisclosed-affiliate-link", "missing-clinician-referral"}

    # a new reload (the settings changed) hangs as well: the rules in use stay in use
    client.notify("workspace/didChangeConfiguration", {"settings": {"reload_timeout_ms": 300}})
    text = shown(client)
    assert "abandoned" in text and "keeping the rules that last loaded" in text, text
    client.still_serving()
    stops_promptly(client)  # two reloads still blocked, and the process ends all the same


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_rule_folder_with_a_named_pipe_does_not_stop_the_session(tmp_path, start):
    pack = tmp_path / "pack"
    pack.mkdir()
    os.mkfifo(pack / "hang.yaml")  # opened for reading, it waits for a writer that never comes
    client = start({"rules": ["pack"], "reload_timeout_ms": 500})
    shown(client)  # abandoned, or refused as not a regular file: either way said, not silent
    client.still_serving()
    stops_promptly(client)


def test_reload_timeout_setting_is_validated():
    from healthlint.lsp.settings import DEFAULT_RELOAD_TIMEOUT_MS, parse_settings

    assert parse_settings({"reload_timeout_ms": 2500}).reload_timeout_ms == 2500
    for wrong in (0, -1, "soon", True, 10**9):
        settings = parse_settings({"reload_timeout_ms": wrong})
        assert settings.reload_timeout_ms == DEFAULT_RELOAD_TIMEOUT_MS
        assert settings.problems == (
            "setting 'reload_timeout_ms' must be a number of milliseconds from 100 to 120000",)
