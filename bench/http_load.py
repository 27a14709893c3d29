"""Load test for ``healthlint serve``: requests per second and latency for ~5 KB Markdown articles.

A benchmark, not a test. It starts ``healthlint serve`` on a free loopback
port (``--workers`` processes), then drives it from this process with a small
asyncio HTTP/1.1 client over keep-alive connections (raw sockets, so the load
generator itself costs little CPU), and reports requests/s and latency
percentiles. Every request carries a distinct article (paragraphs of the
sample articles shuffled, plus a unique line), so nothing can be served from a
cache.

    PYTHONPATH=src python bench/http_load.py --workers 2 --connections 16 --duration 20
    PYTHONPATH=src python bench/http_load.py --url http://127.0.0.1:8080   # an already running server
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "src")

PARAGRAPHS = [
    "Ashwagandha is an herb used in Ayurvedic practice for centuries. In two small trials, it may have "
    "reduced self-reported stress, but larger studies are needed before firm conclusions can be drawn.",
    "Magnesium glycinate is a common form of the mineral. Some people take it in the evening; the evidence "
    "for sleep is mixed, and doses above 350 mg a day from supplements can cause diarrhoea.",
    "Kratom relieves depression and works better than prescription antidepressants, according to the "
    "seller's website, which also claims the product is completely safe.",
    "Turmeric contains curcumin, which is poorly absorbed on its own. Black pepper extract increases "
    "absorption, which also means interactions with blood thinners deserve attention.",
    "## What the research says\n\nMost studies are short, small and funded by manufacturers. Reviews by "
    "independent groups rate the overall certainty of evidence as low.",
    "- Start with a low dose\n- Keep a diary of symptoms\n- Stop if you notice stomach upset\n"
    "- Check labels for third-party testing",
    "Our favourite brand is available here: [Shop now](https://example.com/recommends/magnesium) and you "
    "can use code HEAL20 for 20% off your first order.",
    "Talk to your doctor or pharmacist before starting any supplement, especially if you are pregnant, "
    "breastfeeding or take prescription medicines.",
    "Valerian root has been studied for insomnia. Preliminary studies suggest it could ease the time it "
    "takes to fall asleep, though results are inconsistent.",
    "| Supplement | Typical dose |\n|---|---|\n| Magnesium | 200-400 mg |\n| Melatonin | 0.5-3 mg |",
    "> Readers often ask whether natural means safe. It does not: many plant extracts have real effects, "
    "and real effects come with real side effects.",
    "Chamomile tea is a pleasant evening ritual. It is unlikely to cause harm for most adults, although "
    "people with ragweed allergies occasionally react to it.",
]


def article(n: int, size: int = 5000) -> str:
    rng = random.Random(n)
    parts = [f"# Supplement notes, issue {n}", ""]
    while sum(len(p) + 2 for p in parts) < size:
        parts.append(rng.choice(PARAGRAPHS))
        parts.append("")
    parts.append(f"Article reference {n}-{rng.randrange(10**9)}.")
    return "\n".join(parts)[: size + 400] + "\n"


def request_bytes(host: str, port: int, body: bytes, token: str | None) -> bytes:
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    head = (f"POST /v1/lint HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"{auth}Content-Length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


async def read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def worker(host, port, bodies, deadline, latencies, statuses, token):
    reader, writer = await asyncio.open_connection(host, port)
    try:
        i = 0
        while time.perf_counter() < deadline:
            payload = request_bytes(host, port, bodies[i % len(bodies)], token)
            i += 1
            start = time.perf_counter()
            writer.write(payload)
            status = await read_response(reader)
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
    finally:
        writer.close()


async def run_load(host, port, connections, duration, warmup, bodies, token):
    # warm-up: rules loaded, code paths hot, connections opened
    await asyncio.gather(*(worker(host, port, bodies[k::connections], time.perf_counter() + warmup, [], {}, token)
                           for k in range(connections)))
    latencies, statuses = [], {}
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(worker(host, port, bodies[k::connections], deadline, latencies, statuses, token)
                           for k in range(connections)))
    elapsed = time.perf_counter() - started
    return latencies, statuses, elapsed


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server at {url} did not become ready")


def percentile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", help="an already running server (default: start one)")
    p.add_argument("--workers", type=int, default=2, help="server worker processes when starting one")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--warmup", type=float, default=3.0)
    p.add_argument("--size", type=int, default=5000, help="article size in characters (default 5000)")
    p.add_argument("--articles", type=int, default=2000, help="distinct articles to cycle through")
    p.add_argument("--token", default=os.environ.get("HEALTHLINT_TOKEN"))
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    args = p.parse_args(argv)

    server = None
    if args.url:
        url = args.url.rstrip("/")
    else:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [SRC, os.environ.get("PYTHONPATH")]))}
        server = subprocess.Popen([sys.executable, "-m", "healthlint", "serve", "--host", "127.0.0.1",
                                   "--port", str(port), "--workers", str(args.workers), "--log-level", "warning"],
                                  env=env)
    try:
        wait_ready(url)
        host, _, port_text = url.split("://", 1)[1].partition(":")
        port = int(port_text or 80)
        bodies = [json.dumps({"content": article(n, args.size), "filename": f"post-{n}.md"}).encode()
                  for n in range(args.articles)]
        latencies, statuses, elapsed = asyncio.run(
            run_load(host, port, args.connections, args.duration, args.warmup, bodies, args.token))
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
    latencies.sort()
    result = {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": {q: round(percentile(latencies, q) * 1000, 1) for q in (50, 90, 99)} |
                      {"mean": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
                       "max": round(latencies[-1] * 1000, 1) if latencies else None},
        "statuses": statuses,
        "article_chars": args.size,
        "connections": args.connections,
        "server_workers": None if args.url else args.workers,
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        lat = result["latency_ms"]
        print(f"{result['requests']} requests in {result['seconds']} s: {result['requests_per_second']} req/s; "
              f"latency p50 {lat[50]} ms, p90 {lat[90]} ms, p99 {lat[99]} ms, max {lat['max']} ms; "
              f"statuses {statuses}; {args.connections} connections, {result['cpus']} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
