"""A real ``healthlint lsp`` process driven over raw ``Content-Length`` framing, no LSP client library.

``RawClient`` writes ``Content-Length: N\r\n\r\n`` and a body to the server's
standard input, and reads framed messages back on a thread, so what reaches the
server is exactly the bytes each test chooses.
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

from tests.helpers import SRC

WAIT = 20  # seconds to wait for an expected message: a generous margin, not a speed requirement
CLAIM = "# Turmeric\n\nTurmeric cures arthritis.\n"


class RawClient:
    def __init__(self, root: Path, command: list[str] | None = None):
        """Start ``command`` (default: ``python -m healthlint lsp``) with its standard error in ``root``."""
        self.root = root
        self.stderr = root / "server-stderr.txt"
        with open(self.stderr, "wb") as err:
            self.proc = subprocess.Popen(command or [sys.executable, "-m", "healthlint", "lsp"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                                         env={**os.environ, "PYTHONPATH": SRC})
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

    def initialize(self, options: dict | None = None) -> None:
        self.response(self.request("initialize", {
            "processId": None, "rootUri": self.root.as_uri(), "capabilities": {},
            "initializationOptions": {"debounce_ms": 0, **(options or {})}}))
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
