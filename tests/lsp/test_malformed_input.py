"""The language server fed malformed JSON-RPC over raw stdio framing, then asked to work as usual.

No LSP client library here (``raw_client.RawClient``): what reaches the server is
exactly the bytes each test chooses. After every malformed input the server must
still be running and still publish diagnostics.
"""
from __future__ import annotations

import json
import time

import pytest

from healthlint.lsp.jsonrpc import MAX_MESSAGE_BYTES
from healthlint.sources import MAX_FILE_BYTES
from tests.lsp.raw_client import CLAIM, WAIT, RawClient

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS = -32700, -32600, -32601, -32602


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
