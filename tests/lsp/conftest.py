"""A real healthlint language server, started over stdio, driven by pytest-lsp's client."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

SRC = str(Path(__file__).resolve().parents[2] / "src")
SERVER = ClientServerConfig(
    server_command=[sys.executable, "-m", "healthlint", "lsp"],
    server_env={**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")},
)


def capabilities() -> types.ClientCapabilities:
    return types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
    )


async def start(client: LanguageClient, root: Path, options: dict | None = None) -> None:
    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities(), root_uri=root.as_uri(),
        initialization_options={"debounce_ms": 0, **(options or {})}))


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient, tmp_path):
    lsp_client.root = tmp_path
    yield
    await lsp_client.shutdown_session()


async def diagnostics_for(client: LanguageClient, uri: str, timeout: float = 10.0):
    """Wait for the next publishDiagnostics for ``uri``."""
    async def wait():
        while True:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            if uri in client.diagnostics:
                return client.diagnostics[uri]
    client.diagnostics.pop(uri, None)
    return await asyncio.wait_for(wait(), timeout)
