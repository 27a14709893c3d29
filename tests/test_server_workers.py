"""``healthlint serve --workers 2``: every worker serves, a dead worker is replaced, SIGTERM stops them all."""
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from healthlint.server.workers import balanced_workers_supported  # noqa: E402

pytestmark = pytest.mark.skipif(not balanced_workers_supported(), reason="needs SO_REUSEPORT")

ARTICLE = "# Kratom\n\nKratom relieves depression.\n\nTalk to your doctor first.\n"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    found = set()
    for task in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{task}/children") as f:
            found.update(int(p) for p in f.read().split())
    return found


def _wait_for(predicate, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _worker_pids(pid: int) -> set[int]:
    """The server's worker processes (multiprocessing's resource tracker is a child too, but runs no server)."""
    workers = set()
    for child in _children(pid):
        try:
            with open(f"/proc/{child}/cmdline", "rb") as f:
                if b"resource_tracker" not in f.read():
                    workers.add(child)
        except FileNotFoundError:
            pass
    return workers


@pytest.fixture
def server():
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "healthlint", "serve", "--workers", "2", "--port", str(port),
                                "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        assert _wait_for(lambda: _healthy(url) and len(_worker_pids(process.pid)) == 2), \
            process.stderr.read1().decode() if process.poll() is not None else "not ready"
        yield process, url
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)


def test_workers_answer_replace_a_dead_worker_and_stop_on_sigterm(server):
    process, url = server
    clients = [httpx.Client(base_url=url, timeout=30) for _ in range(4)]
    try:
        for _ in range(3):
            for client in clients:
                response = client.post("/v1/lint", json={"content": ARTICLE})
                assert response.status_code == 200
                assert response.json()["verdict"] == "block"
    finally:
        for client in clients:
            client.close()

    dead = min(_worker_pids(process.pid))
    os.kill(dead, signal.SIGKILL)
    assert _wait_for(lambda: dead not in _worker_pids(process.pid) and len(_worker_pids(process.pid)) == 2)
    assert _wait_for(lambda: _healthy(url))

    workers = _worker_pids(process.pid)
    process.send_signal(signal.SIGTERM)
    assert process.wait(20) == 0
    assert _wait_for(lambda: not any(os.path.exists(f"/proc/{pid}") and _alive(pid) for pid in workers), 10)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_port_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "healthlint", "serve", "--workers", "2", "--port", str(port)],
                                capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_a_second_server_does_not_join_a_running_one(server):
    process, url = server
    port = url.rsplit(":", 1)[1]
    result = subprocess.run([sys.executable, "-m", "healthlint", "serve", "--workers", "2", "--port", port],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr


def test_workers_that_cannot_start_are_not_restarted_forever():
    # An app the workers cannot import: each dies as it starts.
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-c",
                                "import sys; from healthlint.server.workers import run_workers; "
                                f"sys.exit(run_workers('127.0.0.1', {port}, 2, dict(app='no_such_module:app')))"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.wait(60) == 1
    finally:
        if process.poll() is None:
            process.kill()
    assert b"keep exiting" in process.stderr.read()
