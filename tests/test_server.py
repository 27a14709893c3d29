"""The HTTP service, started for real on a loopback port and called with a real HTTP client."""
import json
import socket
import threading
import time

import pytest

httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from healthlint.server.app import create_app  # noqa: E402

TOKEN = "s3cret-token"
CLAIM = "# Kratom\n\nKratom relieves depression.\n\nTalk to your doctor first.\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Server:
    def __init__(self, app):
        self.port = _free_port()
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def base():
    with _Server(create_app(max_body=64 * 1024)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base):
    with httpx.Client(base_url=base, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def secured():
    with _Server(create_app(token=TOKEN)) as url:
        with httpx.Client(base_url=url, timeout=30) as c:
            yield c


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_rules(client):
    r = client.get("/v1/rules")
    assert r.status_code == 200
    ids = {rule["id"] for rule in r.json()["rules"]}
    assert {"unhedged-cure-claim", "undisclosed-affiliate-link"} <= ids
    assert client.get("/v1/rules", params={"profile": "nope"}).status_code == 422


def test_lint_markdown_blocks(client):
    r = client.post("/v1/lint", json={"content": CLAIM, "filename": "post.md"})
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"verdict", "diagnostics", "summary"}
    assert body["verdict"] == "block"
    (d,) = body["diagnostics"]
    assert (d["path"], d["rule"], d["line"], d["column"]) == ("post.md", "unhedged-cure-claim", 3, 8)
    assert len(d["fingerprint"]) == 16 and d["approved"] is False
    assert body["summary"]["errors"] == 1


def test_a_claim_nested_eight_quote_lists_deep_blocks(client):
    # issue 17 item 1: '> - ' eight times before the claim gave verdict 'pass'
    text = "> - " * 8 + "Kratom cures depression. [Buy kratom](https://amzn.to/x?tag=a)\n"
    body = client.post("/v1/lint", json={"content": text, "filename": "deep.md"}).json()
    assert body["verdict"] == "block"
    assert {"unhedged-cure-claim", "undisclosed-affiliate-link"} <= {d["rule"] for d in body["diagnostics"]}


def test_lint_pass_and_review(client):
    assert client.post("/v1/lint", json={"content": "Warm milk with honey."}).json()["verdict"] == "pass"
    text = "# Ashwagandha for anxiety\n\nAshwagandha may ease anxiety. Take 300 mg twice a day for stress.\n"
    assert client.post("/v1/lint", json={"content": text, "profile": "default"}).json()["verdict"] == "review"


def test_lint_html_positions(client):
    html = '<article>\n  <p class="lede">Honestly, kratom relieves depression.</p>\n</article>'
    r = client.post("/v1/lint", json={"content": html, "kind": "html"})
    assert [d["rule"] for d in r.json()["diagnostics"]] == ["missing-clinician-referral", "unhedged-cure-claim"]
    d = r.json()["diagnostics"][1]
    line = html.splitlines()[1]
    assert (d["line"], d["column"], d["end_column"]) == (2, line.index("relieves") + 1,
                                                          line.index(" depression.") + len(" depression") + 1)
    # the filename's extension picks the kind when none is given
    r = client.post("/v1/lint", json={"content": html, "filename": "post.html"})
    assert r.json()["diagnostics"][1]["column"] == d["column"]


def test_approval_survives_edit_elsewhere(client):
    first = client.post("/v1/lint", json={"content": CLAIM}).json()
    approved = [d["fingerprint"] for d in first["diagnostics"]]
    edited = CLAIM.replace("# Kratom", "# Kratom, a review\n\nAn added intro.")
    again = client.post("/v1/lint", json={"content": edited, "approved": approved}).json()
    assert again["verdict"] == "pass"
    assert [d["approved"] for d in again["diagnostics"]] == [True]


@pytest.mark.parametrize("body, status, words", [
    (b"{not json", 400, "not valid JSON"),
    (b"", 400, "empty body"),
    (b"\xff\xfe{}", 400, "JSON"),
    (b"[1, 2]", 422, "JSON object"),
    (b'{"content": "x", "extra": 1}', 422, "unknown field"),
    (b'{"kind": "markdown"}', 422, "'content' is required"),
    (b'{"content": 5}', 422, "'content' must be a string"),
    (b'{"content": null}', 422, "'content' must be a string"),
    (b'{"content": "x", "kind": "pdf"}', 422, "unknown kind"),
    (b'{"content": "x", "profile": "paranoid"}', 422, "unknown profile"),
    (b'{"content": "x", "filename": ["a"]}', 422, "'filename' must be a string"),
    (b'{"content": "x", "approved": "abc"}', 422, "'approved' must be a list"),
    (b'{"content": "\\ud800"}', 422, "surrogate"),
    (b"[" * 60000, 400, "JSON"),
], ids=lambda v: v[:20].decode("latin-1") if isinstance(v, bytes) else str(v))
def test_bad_requests(client, body, status, words):
    r = client.post("/v1/lint", content=body, headers={"content-type": "application/json"})
    assert r.status_code == status, r.text
    assert words in r.json()["error"]


def test_wrong_content_type(client):
    r = client.post("/v1/lint", content=b'{"content": "x"}', headers={"content-type": "text/plain"})
    assert r.status_code == 415 and "application/json" in r.json()["error"]


def test_body_over_limit_is_413(client):
    big = json.dumps({"content": "a" * (70 * 1024)})
    assert client.post("/v1/lint", content=big, headers={"content-type": "application/json"}).status_code == 413

    def chunks():  # no Content-Length: the limit is enforced while reading
        for _ in range(70):
            yield b" " * 1024
    r = client.post("/v1/lint", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_filename_is_a_label_not_a_path(client, tmp_path):
    secret = tmp_path / "secret.md"
    secret.write_text("Kratom relieves depression.\n")
    r = client.post("/v1/lint", json={"content": "Warm milk.", "filename": str(secret)})
    assert r.json()["verdict"] == "pass"
    r = client.post("/v1/lint", json={"content": "Warm milk.", "filename": "../../etc/passwd"})
    assert r.status_code == 200 and r.json()["diagnostics"] == []


def test_unknown_route_and_method(client):
    assert client.get("/v2/lint").status_code == 404
    r = client.get("/v1/lint")
    assert r.status_code == 405 and "error" in r.json()


def test_hostile_content_does_not_kill_the_worker(client):
    for content in ["<" * 5000, "&#" * 3000, "[" * 5000 + "](", "\x00\r\r\n" * 500, "`" * 4000,
                    "<a href='" + "x" * 5000, "*" * 10000]:
        for kind in ("markdown", "html", "text"):
            r = client.post("/v1/lint", json={"content": content, "kind": kind})
            assert r.status_code == 200, (kind, content[:20])
    assert client.get("/healthz").status_code == 200


def test_concurrent_requests(base):
    import concurrent.futures

    def call(i):
        with httpx.Client(base_url=base, timeout=30) as c:
            return c.post("/v1/lint", json={"content": CLAIM + f"\nNote {i}.\n"}).json()["verdict"]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        assert set(pool.map(call, range(24))) == {"block"}


def test_token_required_when_configured(secured):
    assert secured.get("/healthz").status_code == 200
    r = secured.post("/v1/lint", json={"content": CLAIM})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert secured.get("/v1/rules").status_code == 401
    bad = {"authorization": "Bearer wrong"}
    assert secured.post("/v1/lint", json={"content": CLAIM}, headers=bad).status_code == 401
    good = {"authorization": f"Bearer {TOKEN}"}
    assert secured.post("/v1/lint", json={"content": CLAIM}, headers=good).json()["verdict"] == "block"
    assert secured.get("/v1/rules", headers=good).status_code == 200


def test_stalled_clients_do_not_hold_up_others(base, client):
    """Clients stuck mid-headers or mid-body wait on the event loop, not on a worker: others are answered.

    (The deadline that finally drops them is tested in test_server_slow_clients.py.)
    """
    port = int(base.rsplit(":", 1)[1])
    stalled = []
    try:
        for i in range(20):
            sock = socket.create_connection(("127.0.0.1", port), timeout=30)
            stalled.append(sock)
            sock.sendall(b"POST /v1/lint HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{\"content\": " if i % 2 else b"POST /v1/lint HTTP/1.1\r\nHo")
        for _ in range(3):
            assert client.post("/v1/lint", json={"content": CLAIM}).json()["verdict"] == "block"
        assert client.get("/healthz").status_code == 200
        for sock in stalled:  # still open and unanswered: nobody was dropped to make room
            sock.setblocking(False)
            with pytest.raises(BlockingIOError):
                sock.recv(1)
    finally:
        for sock in stalled:
            sock.close()


def test_read_timeout_option_and_environment(monkeypatch, capsys):
    from healthlint.server.app import READ_TIMEOUT_ENV, read_timeout_from_env
    from healthlint.server.serve import _parser

    assert _parser().parse_args(["--read-timeout", "2.5"]).read_timeout == 2.5
    for bad in ("-1", "nan", "soon"):
        with pytest.raises(SystemExit):
            _parser().parse_args(["--read-timeout", bad])
    assert "--read-timeout" in capsys.readouterr().err
    monkeypatch.delenv(READ_TIMEOUT_ENV, raising=False)
    assert read_timeout_from_env() == 30
    for value, seconds in [("2", 2.0), ("0", None), ("junk", 30), ("-3", 30)]:
        monkeypatch.setenv(READ_TIMEOUT_ENV, value)
        assert read_timeout_from_env() == seconds
