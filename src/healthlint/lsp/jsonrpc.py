"""Input that is not a well-formed LSP message: answered when it can be, never fatal.

pygls reads ``Content-Length``-framed JSON from standard input and hands each
message to its protocol. Around that, two guards:

``BoundedInput`` wraps standard input. A header line is read at most
``MAX_HEADER_LINE`` bytes at a time, and a body longer than
``MAX_MESSAGE_BYTES`` is read in chunks and thrown away (an absurd
``Content-Length`` cannot exhaust memory, and the stream stays in step) and
replaced by a ``$/healthlint/skippedMessage`` notification, which the server
turns into a message to the user. A request that large gets no answer: its id
went with the rest of it.

``HealthlintProtocol`` answers what JSON-RPC 2.0 says to answer, so a client
never waits forever on a request the server could not take:

======================================================  ============================================
the message                                             the answer
======================================================  ============================================
a body that is not JSON (or not UTF-8)                  ParseError (-32700), id null (``parse_error``)
JSON that is not a JSON-RPC 2.0 request or notification InvalidRequest (-32600), with its id if it has a usable one
a request whose params have the wrong shape             InvalidParams (-32602), with its id
an unknown request method                               MethodNotFound (-32601), from pygls
a notification with wrong params, or an unknown one     none (notifications get none): logged on stderr
a change to a document that was never opened            none: logged on stderr
======================================================  ============================================
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from urllib.parse import unquote

from cattrs import ClassValidationError, transform_error
from lsprotocol import types
from pygls.exceptions import (JsonRpcException, JsonRpcInvalidParams, JsonRpcInvalidRequest,
                              JsonRpcParseError)
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024 * 1024  # room for a document at the linting limit (16 MiB), escaped as JSON
MAX_HEADER_LINE = 64 * 1024
SKIPPED_MESSAGE = "$/healthlint/skippedMessage"
_CHUNK = 1024 * 1024


class BoundedInput:
    """Standard input as pygls reads it (``readline``, ``read``), with a limit on each message."""

    def __init__(self, stream, max_message: int = MAX_MESSAGE_BYTES, max_line: int = MAX_HEADER_LINE):
        self.stream = stream
        self.max_message = max_message
        self.max_line = max_line

    def readline(self, size: int = -1) -> bytes:
        return self.stream.readline(self.max_line if size < 0 else min(size, self.max_line))

    def read(self, size: int) -> bytes:
        if size <= self.max_message:
            return self.stream.read(size)
        left = size
        while left:
            chunk = self.stream.read(min(left, _CHUNK))
            if not chunk:
                return b""  # the input ended inside the message
            left -= len(chunk)
        log.warning("skipped a message of %d bytes (the limit is %d)", size, self.max_message)
        return json.dumps({"jsonrpc": "2.0", "method": SKIPPED_MESSAGE,
                           "params": {"bytes": size, "limit": self.max_message}}).encode()


@dataclass(frozen=True)
class _Refused:
    """A request or notification that cannot be handled, and the error a request is answered with."""

    method: object
    id: int | str | None
    is_request: bool
    error: JsonRpcException


def _usable_id(value) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def _why(error: Exception) -> str:
    cause = error.__cause__
    if isinstance(cause, ClassValidationError):
        return "; ".join(transform_error(cause, path="$"))
    return str(cause or error)


class HealthlintProtocol(LanguageServerProtocol):
    def structure_message(self, data: dict):
        if "jsonrpc" not in data or "method" not in data:
            return super().structure_message(data)  # plain objects inside a message, and responses to ours
        is_request = "id" in data
        request_id = data["id"] if is_request and _usable_id(data["id"]) else None
        method = data["method"]
        if data["jsonrpc"] != "2.0" or not isinstance(method, str) or (is_request and request_id is None):
            return _Refused(method, request_id, is_request, JsonRpcInvalidRequest(
                "Invalid Request: a request needs \"jsonrpc\": \"2.0\", a string \"method\" "
                "and an integer or string \"id\""))
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            return _Refused(method, request_id, is_request,
                            JsonRpcInvalidParams(f"Invalid Params for {method}: {_why(error)}"))

    def handle_message(self, message) -> None:
        if isinstance(message, _Refused):
            log.warning("refused %s %r: %s", "request" if message.is_request else "notification",
                        message.method, message.error.message)
            if message.is_request:
                self.answer_error(message.id, message.error)
            return
        if not hasattr(message, "jsonrpc"):  # an array, a number, an object without "jsonrpc"...
            log.warning("refused a message that is not JSON-RPC: %.200r", message)
            request_id = message.get("id") if isinstance(message, dict) and "method" in message else None
            self.answer_error(request_id if _usable_id(request_id) else None, JsonRpcInvalidRequest(
                "Invalid Request: not a JSON-RPC 2.0 message (an object with \"jsonrpc\": \"2.0\")"))
            return
        super().handle_message(message)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        # pygls's own handler would raise KeyError (shown to the user as a server error).
        if unquote(params.text_document.uri) not in self.workspace.text_documents:
            log.warning("ignored a change to %s, which is not open", params.text_document.uri)
            return
        yield from super().lsp_text_document__did_change(params)

    def parse_error(self, error: Exception) -> None:
        """A body that was not JSON: answer it as JSON-RPC says (its id, if any, was lost)."""
        log.warning("refused a message that is not JSON: %s", error)
        self.answer_error(None, JsonRpcParseError(f"Parse Error: {error}"))

    def answer_error(self, request_id: int | str | None, error: JsonRpcException) -> None:
        if request_id is not None:
            self._send_response(request_id, None, error.to_response_error())
        else:  # pygls's message types would leave the id out; JSON-RPC wants it, as null
            self._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": error.code, "message": error.message}})
