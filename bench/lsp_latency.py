"""Benchmark: time from a didChange of a 20 KB article to its publishDiagnostics.

Starts the real server (``python -m healthlint lsp``) over stdio with its
default settings, opens a ~20 KB Markdown article, then makes isolated edits
(a word inserted at a random place, one edit after each quiet spell, as when
a writer pauses) and measures each change → diagnostics round trip on the
client's clock: JSON-RPC, the full-text sync, linting and the conversion to
UTF-16 ranges included.

    PYTHONPATH=src python bench/lsp_latency.py [--file ARTICLE.md] [--edits 60]

The article is FILE, else the Markdown of /work/shared/corpus/dev (when
present) cut to 20 KB, else the rule pack's own examples repeated to 20 KB.
Not a test: nothing is asserted. BENCH_SERVER replaces the server's arguments after the
Python executable (default: -m healthlint lsp), e.g. to run it under a profiler.
"""
from __future__ import annotations

import argparse
import asyncio
import glob
import os
import random
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
SIZE = 20_000


def article(path: str | None) -> tuple[str, str]:
    if path:
        return Path(path).read_text(encoding="utf-8"), path
    corpus = sorted(glob.glob("/work/shared/corpus/dev/*.md"))
    if corpus:
        text = "\n\n".join(Path(p).read_text(encoding="utf-8") for p in corpus)
        source = "corpus/dev/*.md"
    else:
        sys.path.insert(0, str(ROOT / "src"))
        from healthlint.pipeline import Linter

        examples = [e for r in Linter().rules for e in (*r.examples.fail, *r.examples.pass_)]
        text = "\n\n".join(examples * (SIZE // sum(map(len, examples)) + 1))
        source = "rule examples"
    return text[:SIZE], source


async def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--file")
    p.add_argument("--edits", type=int, default=60)
    p.add_argument("--pause", type=float, default=0.3, help="seconds between edits (longer than the debounce)")
    args = p.parse_args()
    text, source = article(args.file)

    client = LanguageClient("bench", "1")
    waiting: dict[int, asyncio.Future] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams):
        future = waiting.pop(params.version, None)
        if future and not future.done():
            future.set_result(len(params.diagnostics))

    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    await client.start_io(sys.executable, *(os.environ.get("BENCH_SERVER", "-m healthlint lsp").split()), env=env)
    await client.initialize_async(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                         root_uri=ROOT.as_uri()))
    client.initialized(types.InitializedParams())
    uri = (ROOT / "bench-article.md").as_uri()

    async def send(version: int, change: bool) -> tuple[float, int]:
        future = waiting[version] = asyncio.get_running_loop().create_future()
        start = time.perf_counter()
        if change:
            client.text_document_did_change(types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=current)]))
        else:
            client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
                uri=uri, language_id="markdown", version=version, text=current)))
        count = await asyncio.wait_for(future, 30)
        return (time.perf_counter() - start) * 1000, count

    current = text
    open_ms, count = await send(0, change=False)
    rng = random.Random(0)
    latencies = []
    for version in range(1, args.edits + 1):
        await asyncio.sleep(args.pause)
        at = rng.randrange(len(current))
        current = current[:at] + rng.choice(["cures ", "may ", "x", "\n"]) + current[at:]
        ms, count = await send(version, change=True)
        latencies.append(ms)

    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()

    latencies.sort()
    print(f"article: {len(current.encode('utf-8'))} bytes ({source}), {count} diagnostics")
    print(f"didOpen -> publishDiagnostics (cold): {open_ms:.1f} ms")
    print(f"didChange -> publishDiagnostics over {len(latencies)} edits: "
          f"median {statistics.median(latencies):.1f} ms, "
          f"p90 {latencies[int(len(latencies) * 0.9) - 1]:.1f} ms, max {latencies[-1]:.1f} ms")


if __name__ == "__main__":
    asyncio.run(main())
