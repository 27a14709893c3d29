"""The HTTP gate under load: a CPU deadline per lint, a bounded queue, capped answers, an honest /healthz.

The slow input is real: a rule pack holding a pattern that backtracks
exponentially (``(a|aa)+$``) on a run of a's, which keeps the regex engine busy
in C until something stops it. The limits are small (a deadline of a fraction
of a second to two seconds, a queue of one), so nothing here waits long; the
timeouts below are hang guards, never assertions about speed.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import subprocess
import sys
import time

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("uvicorn")
pytest.importorskip("starlette")

from healthlint.errors import HealthlintError  # noqa: E402
from healthlint.server.app import create_app  # noqa: E402
from healthlint.server.request import LintRequest  # noqa: E402
from healthlint.server.response import MIN_RESPONSE, lint_response  # noqa: E402
from healthlint.server.turns import Turns, rank  # noqa: E402
from tests.helpers import BACKTRACKING_RULE, SRC  # noqa: E402
from tests.test_server import _free_port, _Server  # noqa: E402

WAIT = 60  # seconds: a hang guard for anything that should happen, not a speed requirement
CLAIM = "# Kratom\n\nKratom relieves depression.\n\nTalk to your doctor first.\n"
SLOW = "A note.\n\n" + "a" * 60 + "!\n"  # the backtracking rule needs far more than any deadline here
WIDGETS = "".join(f"Widget number {i} is here.\n\n" for i in range(12))  # 12 warnings, nothing else
RULES = {
    "hostile.yaml": BACKTRACKING_RULE,
    "widget.yaml": """\
id: widget-mention
kind: sentence
severity: warning
message: "Mentions a widget: {match}"
description: Mentions a widget (a rule for these tests, independent of the shipped pack).
patterns:
  - 'widget'
examples:
  fail: ["A widget."]
  pass: ["A gadget."]
""",
}


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("load-pack")
    for name, text in RULES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return str(folder)


def _post(url: str, content: str, **fields) -> httpx.Response:
    with httpx.Client(base_url=url, timeout=WAIT) as c:
        return c.post("/v1/lint", json={"content": content, **fields})


def _wait_for(predicate, what: str):
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    pytest.fail(f"no {what} within {WAIT} s")


# -- the CPU deadline ------------------------------------------------------------------

def test_a_lint_over_its_cpu_deadline_is_stopped_and_its_answer_blocks(pack):
    with _Server(create_app(rule_dirs=[pack], cpu_deadline=0.5)) as url:
        r = _post(url, SLOW, filename="slow.md")
        assert r.status_code == 200
        body = r.json()
        assert body["verdict"] == "block" and body["truncated"] is True
        assert "0.5 s of CPU time" in body["reason"] and "not fully checked" in body["reason"]
        # the next request is linted as usual (by a new linting process), and the gate is healthy
        for _ in range(2):
            body = _post(url, CLAIM).json()
            assert body["verdict"] == "block" and "truncated" not in body
            assert "unhedged-cure-claim" in {d["rule"] for d in body["diagnostics"]}
        assert httpx.get(f"{url}/healthz", timeout=WAIT).json()["status"] == "ok"


# -- the queue and /healthz ------------------------------------------------------------

def test_beyond_the_queue_a_lint_gets_503_and_healthz_reports_saturation(pack):
    with _Server(create_app(rule_dirs=[pack], cpu_deadline=2, max_queue=1)) as url:
        health = httpx.get(f"{url}/healthz", timeout=WAIT)
        assert health.status_code == 200
        assert health.json()["queue"] == {"running": 0, "waiting": 0, "limit": 1}
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            slow = [pool.submit(_post, url, SLOW) for _ in range(2)]  # one lints, one waits: the queue is full

            def saturated():
                r = httpx.get(f"{url}/healthz", timeout=WAIT)
                return r if r.status_code == 503 else None

            health = _wait_for(saturated, "saturated /healthz")
            assert health.json()["status"] == "saturated"
            assert health.json()["queue"] == {"running": 1, "waiting": 1, "limit": 1}
            assert health.headers["retry-after"] == "2"
            refused = _post(url, CLAIM)
            assert refused.status_code == 503 and refused.headers["retry-after"] == "2"
            assert "saturated" in refused.json()["error"]
            for future in slow:  # the two admitted were answered, and they block
                answer = future.result(timeout=WAIT)
                assert answer.status_code == 200 and answer.json()["verdict"] == "block"
        health = httpx.get(f"{url}/healthz", timeout=WAIT)
        assert health.status_code == 200 and health.json()["queue"]["waiting"] == 0
        assert _post(url, CLAIM).json()["verdict"] == "block"


# -- whose turn it is ------------------------------------------------------------------

def test_a_small_article_waiting_behind_large_documents_goes_first():
    """Eight 2 MB documents queued ahead of a 5 KB article used to make it wait for all of them."""
    async def scenario():
        turns, order = Turns(), []
        await turns.take(0.0)  # a lint is running

        async def request(name, arrived, characters):
            await turns.take(rank(arrived, characters, 5.0))
            order.append(name)
            turns.give_back()

        waiting = [asyncio.create_task(request(f"large-{i}", i / 10, 2_000_000)) for i in range(8)]
        waiting += [asyncio.create_task(request("small", 1.0, 5_000)),
                    asyncio.create_task(request("small-much-later", 60.0, 5_000))]
        await asyncio.sleep(0)  # every request is waiting now
        assert len(turns) == 10
        turns.give_back()
        await asyncio.gather(*waiting)
        return order

    order = asyncio.run(scenario())
    assert order == ["small"] + [f"large-{i}" for i in range(8)] + ["small-much-later"]


def test_a_cancelled_wait_passes_the_turn_on():
    async def scenario():
        turns, order = Turns(), []
        await turns.take(0.0)

        async def request(name, position):
            await turns.take(position)
            order.append(name)
            turns.give_back()

        gone = asyncio.create_task(request("gone", 1.0))
        kept = asyncio.create_task(request("kept", 2.0))
        await asyncio.sleep(0)
        gone.cancel()
        await asyncio.sleep(0)
        assert len(turns) == 1
        turns.give_back()
        await kept
        assert not turns.busy
        return order

    assert asyncio.run(scenario()) == ["kept"]


# -- capped answers --------------------------------------------------------------------

def test_findings_beyond_the_limit_are_cut_and_the_verdict_blocks(linter_with_pack):
    whole = json.loads(lint_response(linter_with_pack, LintRequest(WIDGETS, "markdown")))
    assert whole["verdict"] == "review" and len(whole["diagnostics"]) == 12 and "truncated" not in whole
    cut = json.loads(lint_response(linter_with_pack, LintRequest(WIDGETS, "markdown"), max_findings=5))
    assert cut["verdict"] == "block" and cut["truncated"] is True
    assert cut["diagnostics"] == whole["diagnostics"][:5]
    assert cut["summary"] == whole["summary"]  # the summary still counts every finding
    assert "12 findings, of which the first 5 are listed" in cut["reason"]
    # all findings approved: still blocks while the answer is cut short
    approved = frozenset(d["fingerprint"] for d in whole["diagnostics"])
    assert json.loads(lint_response(linter_with_pack, LintRequest(WIDGETS, "markdown", approved=approved)))[
        "verdict"] == "pass"
    assert json.loads(lint_response(linter_with_pack, LintRequest(WIDGETS, "markdown", approved=approved),
                                    max_findings=5))["verdict"] == "block"


def test_an_answer_over_the_size_limit_is_cut_and_the_verdict_blocks(linter_with_pack):
    request = LintRequest(WIDGETS, "markdown", filename="x" * 1000 + ".md")  # ~1.3 KB per finding
    body = lint_response(linter_with_pack, request, max_bytes=MIN_RESPONSE)
    assert len(body) <= MIN_RESPONSE
    answer = json.loads(body)
    assert answer["verdict"] == "block" and answer["truncated"] is True
    assert 0 < len(answer["diagnostics"]) < 12 and f"at most {MIN_RESPONSE} bytes" in answer["reason"]


@pytest.fixture(scope="module")
def linter_with_pack(pack):
    from healthlint.pipeline import Linter

    return Linter([pack])


def test_the_limits_are_checked_when_the_app_is_built():
    for wrong in ({"cpu_deadline": 0}, {"max_queue": -1}, {"max_findings": 0}, {"max_response": MIN_RESPONSE - 1}):
        with pytest.raises(HealthlintError):
            create_app(**wrong)


# -- healthlint serve: the options, end to end -------------------------------------------

def test_serve_options_set_the_limits(pack, tmp_path):
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": SRC}
    for name in ("HEALTHLINT_TOKEN", "HEALTHLINT_CPU_DEADLINE", "HEALTHLINT_MAX_QUEUE", "HEALTHLINT_MAX_FINDINGS",
                 "HEALTHLINT_MAX_RESPONSE"):
        env.pop(name, None)
    log = tmp_path / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "healthlint", "serve", "--port", str(port), "--rules", pack,
                                 "--cpu-deadline", "0.5", "--max-queue", "3", "--max-findings", "4",
                                 "--max-response", "65536"], stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        def healthy():
            try:
                return httpx.get(f"{url}/healthz", timeout=5)
            except httpx.TransportError:
                assert proc.poll() is None, log.read_text()
                return None

        assert _wait_for(healthy, "healthy server").json()["queue"] == {"running": 0, "waiting": 0, "limit": 3}
        slow = _post(url, SLOW).json()
        assert slow["verdict"] == "block" and "0.5 s of CPU time" in slow["reason"]
        many = _post(url, WIDGETS).json()
        assert many["verdict"] == "block" and many["truncated"] is True and len(many["diagnostics"]) == 4
    finally:
        proc.terminate()
        try:
            proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_serve_refuses_wrong_limits_and_documents_them(capsys):
    from healthlint.server.serve import _parser

    for flag, wrong in (("--cpu-deadline", "0"), ("--cpu-deadline", "soon"), ("--max-queue", "-1"),
                        ("--max-findings", "0"), ("--max-response", "100")):
        with pytest.raises(SystemExit):
            _parser().parse_args([flag, wrong])
        assert flag in capsys.readouterr().err
    text = _parser().format_help()
    for flag in ("--cpu-deadline", "--max-queue", "--max-findings", "--max-response", "Retry-After", "saturated",
                 "truncated"):
        assert flag in text
