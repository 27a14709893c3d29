"""Slow, stalled and malformed HTTP clients, on raw sockets, against a real ``healthlint serve``.

The server runs as ``healthlint serve --read-timeout 1`` on a loopback port, in
its own process, exactly as an operator starts it. A client that stalls in its
headers is disconnected, one that stalls or trickles its body gets 408 and is
disconnected, and meanwhile everyone else is answered.
"""
from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import sys
import time

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from tests.helpers import SRC  # noqa: E402

READ_TIMEOUT = 1  # seconds: what the server is started with
WAIT = 15  # seconds a test waits for something that should happen after READ_TIMEOUT: a generous margin
CLAIM = "# Kratom\n\nKratom relieves depression.\n\nTalk to your doctor first.\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """(port, log path) of a running ``healthlint serve --read-timeout 1``."""
    port = _free_port()
    log = tmp_path_factory.mktemp("serve") / "server.log"
    env = {**os.environ, "PYTHONPATH": SRC}
    env.pop("HEALTHLINT_TOKEN", None)
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "healthlint", "serve", "--port", str(port),
                                 "--read-timeout", str(READ_TIMEOUT), "--max-body", "65536"],
                                stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"healthlint serve did not start:\n{log.read_text()}")
            time.sleep(0.1)
        yield port, log
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    sock.settimeout(WAIT)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a timeout fails the test)."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """One response on a connection that stays open: (status, body)."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "connection closed before a response"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    while len(body) < length:
        body += sock.recv(65536)
    return int(lines[0].split()[1]), body


def status_of(response: bytes) -> int:
    assert response.startswith(b"HTTP/1.1 "), response[:80]
    return int(response.split()[1])


def lint_request(content: str = CLAIM) -> bytes:
    body = json.dumps({"content": content}).encode()
    return (b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body)) + body


def still_answers(port: int) -> None:
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=WAIT) as client:
        assert client.get("/healthz").status_code == 200
        assert client.post("/v1/lint", json={"content": CLAIM}).json()["verdict"] == "block"


def test_stalled_headers_are_disconnected(server):
    port, _ = server
    silent, partial, keep_alive = connect(port), connect(port), connect(port)
    partial.sendall(b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nContent-Le")
    # A keep-alive connection: one full request, answered, then a stalled one.
    keep_alive.sendall(lint_request())
    status, body = read_response(keep_alive)
    assert status == 200 and json.loads(body)["verdict"] == "block"
    keep_alive.sendall(b"GET /heal")
    for sock in (silent, partial, keep_alive):
        assert read_until_closed(sock) == b""  # closed by the server, without an answer
        sock.close()
    still_answers(port)


def test_stalled_body_gets_408_and_is_disconnected(server):
    port, _ = server
    with connect(port) as sock:
        sock.sendall(b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"content\": \"Kratom")
        response = read_until_closed(sock)
    assert status_of(response) == 408
    assert b"connection: close" in response.lower()
    assert f"did not arrive within {READ_TIMEOUT} s".encode() in response
    still_answers(port)


def test_trickled_body_is_cut_off_at_the_deadline(server):
    """The deadline is for the whole body: a byte every 0.1 s does not extend it."""
    port, _ = server
    sock = connect(port)
    sock.sendall(b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 200\r\n\r\n")
    response, ended = b"", False
    try:
        for _ in range(150):  # 15 s of trickling, if the server let it go on
            sock.sendall(b" ")
            if select.select([sock], [], [], 0.1)[0]:
                response = read_until_closed(sock)
                ended = True
                break
    except (ConnectionResetError, BrokenPipeError):
        ended = True  # closed while a byte was on its way: the server reset instead of reading it
    finally:
        sock.close()
    assert ended, "the server let a trickling client go on for 15 s"
    assert response == b"" or status_of(response) == 408
    still_answers(port)


def test_many_stalled_clients_at_once(server):
    port, _ = server
    stalled = [connect(port) for _ in range(40)]
    for i, sock in enumerate(stalled):
        if i % 2:
            sock.sendall(b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nContent-Length: 50\r\n\r\n{")
        else:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHo")
    still_answers(port)
    for sock in stalled:
        response = read_until_closed(sock)
        assert response == b"" or status_of(response) == 408
        sock.close()
    still_answers(port)


def test_oversized_headers_are_refused(server):
    port, _ = server
    with connect(port) as sock:  # still incomplete after 16 KiB
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-Padding: " + b"a" * 17 * 1024)
        assert status_of(read_until_closed(sock)) == 400
    still_answers(port)


@pytest.mark.parametrize("request_bytes", [
    b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nContent-Length: abc\r\n\r\n{}",
    b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nContent-Length: -5\r\n\r\n{}",
    b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
    b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: gzip\r\n\r\n{}",
    b"POST /v1/lint HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
    b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    b"GARBAGE\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\nHost: test\r\nX-\xff: v\r\n\r\n",
    b"GET /healthz HTTP/1.1\r\n\r\n",
], ids=["length-not-a-number", "length-negative", "two-lengths", "unknown-transfer-encoding",
        "broken-chunk", "not-http", "non-ascii-header-name", "no-host"])
def test_malformed_requests_are_400(server, request_bytes):
    port, log = server
    with connect(port) as sock:
        sock.sendall(request_bytes)
        assert status_of(read_until_closed(sock)) == 400
    still_answers(port)
    assert "Traceback" not in log.read_text(errors="replace")
