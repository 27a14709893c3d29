"""The language server fed malformed JSON-RPC over raw stdio framing, then asked to work as usual.

No LSP client library here: ``RawClient`` writes ``Content-Length: N\\r\\n\\r\\n`` and
a body to the server's standard input, and reads framed messages back on a thread,
so what reaches the server is exactly the bytes each test chooses. After every
malformed input the server must still be running and still publish diagnostics.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from healthlint.lsp.jsonrpc import MAX_MESSAGE_BYTES
from healthlint.sources import MAX_FILE_BYTES
from tests.helpers import SRC

WAIT = 20  # seconds to wait for an expected message: a generous margin, not a speed requirement
CLAIM = "# Turmeric\n\nTurmeric cures arthritis.\n"
PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602


class RawClient:
    def __init__(self, root: Path):
        self.root = root
        self.stderr = root / "server-stderr.txt"
        with open(self.stderr, "wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "healthlint", "lsp"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=err, env={**os.environ, "PYTHONPATH": SRC})
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        self.opened = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = None
            while (line := out.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if not line or length is None:
                self.messages.put(None)  # the server closed its output
                return
            self.messages.put(json.loads(out.read(length)))

    # -- sending ----------------------------------------------------------------------

    def send_bytes(self, body: bytes, length: int | None = None) -> None:
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % (len(body) if length is None else length) + body)
        self.proc.stdin.flush()

    def send(self, message) -> None:
        self.send_bytes(json.dumps(message).encode())

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    # -- receiving --------------------------------------------------------------------

    def wait_for(self, matches, what: str) -> dict:
        """The first message ``matches``; the ones before it are returned by ``skipped``."""
        self.skipped = []
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=0.2)
            except queue.Empty:
                continue
            if message is None:
                pytest.fail(f"the server closed its output waiting for {what}; stderr:\n{self.log()}")
            if matches(message):
                return message
            self.skipped.append(message)
        pytest.fail(f"no {what} within {WAIT} s; stderr:\n{self.log()}")

    def response(self, request_id) -> dict:
        return self.wait_for(lambda m: "method" not in m and m.get("id") == request_id,
                             f"response to request {request_id!r}")

    def diagnostics(self, uri: str) -> list[dict]:
        message = self.wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                and m["params"]["uri"] == uri, f"diagnostics for {uri}")
        return message["params"]["diagnostics"]

    def log(self) -> str:
        return self.stderr.read_text(errors="replace")[-4000:]

    # -- the usual conversation -------------------------------------------------------

    def initialize(self) -> None:
        self.response(self.request("initialize", {"processId": None, "rootUri": self.root.as_uri(),
                                                  "capabilities": {}, "initializationOptions": {"debounce_ms": 0}}))
        self.notify("initialized", {})

    def open(self, text: str, name: str | None = None) -> str:
        self.opened += 1
        uri = (self.root / (name or f"doc-{self.opened}.md")).as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown",
                                                              "version": 1, "text": text}})
        return uri

    def still_serving(self) -> None:
        """A normal didOpen still gets its diagnostics, and the process is alive."""
        uri = self.open(CLAIM)
        assert "unhedged-cure-claim" in {d.get("code") for d in self.diagnostics(uri)}
        assert self.proc.poll() is None

    def sync(self) -> list[dict]:
        """Everything the server sent before answering a harmless request sent now (requests are
        answered in order, so an answer to anything sent earlier would be among these)."""
        request_id = self.request("textDocument/hover", {"textDocument": {"uri": "file:///nowhere.md"},
                                                         "position": {"line": 0, "character": 0}})
        assert self.response(request_id)["result"] is None
        return self.skipped

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.response(self.request("shutdown", None))
                self.notify("exit", None)
                self.proc.wait(10)
            except Exception:
                pass
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()


@pytest.fixture(scope="module")
def lsp(tmp_path_factory):
    """One server for the whole module: every malformed input below arrives at the same process."""
    client = RawClient(tmp_path_factory.mktemp("lsp"))
    client.initialize()
    client.still_serving()
    yield client
    client.close()


@pytest.fixture
def fresh(tmp_path):
    client = RawClient(tmp_path)
    client.initialize()
    yield client
    client.close()


def errors(messages) -> list[tuple]:
    return [(m.get("id"), m["error"]["code"]) for m in messages if "error" in m]


@pytest.mark.parametrize("body, code", [
    (b"{not json", PARSE_ERROR),
    (b'{"jsonrpc": "2.0", "method": "initialized", "params": {', PARSE_ERROR),
    (b'{"jsonrpc": "2.0", "id": 1, "method": "x\xff"}', PARSE_ERROR),  # not UTF-8
    (b"[" * 100_000, PARSE_ERROR),  # nested deeper than the parser goes
    (b'{"hello": "world"}', INVALID_REQUEST),
    (b"[1, 2]", INVALID_REQUEST),
    (b"42", INVALID_REQUEST),
    (b"null", INVALID_REQUEST),
    (b'{"jsonrpc": "2.0", "id": {"x": 1}, "method": "textDocument/hover", "params": {}}', INVALID_REQUEST),
    (b'{"jsonrpc": "2.0", "id": true, "method": "textDocument/hover", "params": {}}', INVALID_REQUEST),
], ids=["not-json", "cut-short", "not-utf8", "too-deep", "object", "array", "number", "null", "object-id",
        "boolean-id"])
def test_unusable_message_is_answered_with_id_null(lsp, body, code):
    lsp.send_bytes(body)
    assert errors(lsp.sync()) == [(None, code)]
    lsp.still_serving()


# Ids from 9001: RawClient numbers its own requests from 1.
@pytest.mark.parametrize("message, code", [
    ({"id": 9001, "method": "textDocument/hover"}, INVALID_REQUEST),  # no "jsonrpc"
    ({"jsonrpc": "1.0", "id": 9002, "method": "shutdown"}, INVALID_REQUEST),  # and the server does not shut down
    ({"jsonrpc": "2.0", "id": 9003, "method": 5}, INVALID_REQUEST),
    ({"jsonrpc": "2.0", "id": 9004, "method": "textDocument/hover",
      "params": {"textDocument": {"uri": 5}, "position": "top"}}, INVALID_PARAMS),
    ({"jsonrpc": "2.0", "id": 9005, "method": "textDocument/hover"}, INVALID_PARAMS),  # no params at all
    ({"jsonrpc": "2.0", "id": "9006", "method": "textDocument/codeAction", "params": []}, INVALID_PARAMS),
    ({"jsonrpc": "2.0", "id": 9007, "method": "healthlint/noSuchMethod", "params": {}}, METHOD_NOT_FOUND),
], ids=["no-jsonrpc", "jsonrpc-1.0", "method-not-a-string", "wrong-param-types", "no-params", "params-an-array",
        "unknown-method"])
def test_bad_request_is_answered_with_its_id(lsp, message, code):
    lsp.send(message)
    answer = lsp.response(message["id"])
    assert answer["error"]["code"] == code and "result" not in answer
    lsp.still_serving()


def test_invalid_params_names_what_is_wrong(lsp):
    request_id = lsp.request("textDocument/hover", {"textDocument": {"uri": "file:///a.md"},
                                                    "position": {"line": "one", "character": 0}})
    error = lsp.response(request_id)["error"]
    assert error["code"] == INVALID_PARAMS
    assert "textDocument/hover" in error["message"] and "position.line" in error["message"]


@pytest.mark.parametrize("message", [
    {"jsonrpc": "2.0", "method": "textDocument/didOpen",
     "params": {"textDocument": {"languageId": "markdown", "version": 1, "text": 42}}},  # text a number, no uri
    {"jsonrpc": "2.0", "method": "textDocument/didOpen"},
    {"jsonrpc": "2.0", "method": "textDocument/didChange",
     "params": {"textDocument": {"uri": "file:///never-opened.md", "version": 2},
                "contentChanges": [{"text": "Turmeric cures arthritis."}]}},
    {"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": "file:///never.md"}}},
    {"jsonrpc": "2.0", "method": "healthlint/noSuchNotification", "params": {"x": 1}},
    {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 999_999}},
], ids=["didOpen-wrong-types", "didOpen-no-params", "didChange-unknown-document", "didClose-unknown-document",
        "unknown-notification", "cancel-unknown-request"])
def test_bad_notification_gets_no_answer_and_changes_nothing(lsp, message):
    lsp.send(message)
    sent = lsp.sync()
    assert errors(sent) == []
    assert not [m for m in sent if m.get("method") == "window/showMessage"]  # client mistakes go to the log
    lsp.still_serving()


def test_document_over_the_size_limit_is_not_linted(lsp):
    text = CLAIM + "Plain words here. " * (MAX_FILE_BYTES // 18 + 1)  # a message over 16 MiB
    uri = lsp.open(text, "huge.md")
    (only,) = lsp.diagnostics(uri)
    assert "Not linted" in only["message"] and "16 MiB" in only["message"] and "code" not in only
    lsp.still_serving()


def test_message_over_the_message_limit_is_skipped(lsp):
    body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": (lsp.root / "enormous.md").as_uri(), "languageId": "markdown", "version": 1,
        "text": "x" * MAX_MESSAGE_BYTES}}}).encode()
    lsp.send_bytes(body)
    shown = lsp.wait_for(lambda m: m.get("method") == "window/showMessage", "a message about the skipped input")
    assert f"ignored a message of {len(body)} bytes" in shown["params"]["message"]
    lsp.still_serving()


def test_absurd_content_length_does_not_crash(fresh):
    """A length no client will ever send: the server waits for it instead of allocating it, and ends
    cleanly when its input does."""
    fresh.send_bytes(b'{"jsonrpc": "2.0"}', length=10**12)
    time.sleep(0.5)
    assert fresh.proc.poll() is None
    fresh.proc.stdin.close()
    assert fresh.proc.wait(WAIT) == 0, fresh.log()
    assert "MemoryError" not in fresh.log()


def test_bounded_input_limits_lines_and_skips_long_bodies():
    import io

    from healthlint.lsp.jsonrpc import SKIPPED_MESSAGE, BoundedInput

    stream = BoundedInput(io.BytesIO(b"a" * 100 + b"\r\n" + b"b" * 50 + b"tail"), max_message=20, max_line=64)
    assert stream.readline() == b"a" * 64  # a long line comes in pieces
    assert stream.readline() == b"a" * 36 + b"\r\n"
    stand_in = json.loads(stream.read(50))  # over the limit: read, dropped, replaced
    assert stand_in["method"] == SKIPPED_MESSAGE and stand_in["params"] == {"bytes": 50, "limit": 20}
    assert stream.read(4) == b"tail"  # still in step
    assert BoundedInput(io.BytesIO(b"short"), max_message=2).read(10) == b""  # input ended inside the message
