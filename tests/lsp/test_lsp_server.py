"""End to end: the real server over stdio, a real LSP client."""
from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types

from tests.lsp.conftest import diagnostics_for, start

pytestmark = pytest.mark.asyncio

CLAIM = "# Turmeric\n\n😀 Turmeric cures arthritis.\n"


def open_doc(client, path, text, language="markdown", version=1):
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))
    return uri


def change_doc(client, uri, text, version):
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


def apply(text: str, edits) -> str:
    """Apply TextEdits (UTF-16 positions) to ``text``."""
    lines = text.splitlines(keepends=True) + [""]

    def offset(pos):
        line = lines[pos.line]
        units, i = 0, 0
        while units < pos.character:
            units += 2 if ord(line[i]) > 0xFFFF else 1
            i += 1
        return sum(len(x) for x in lines[:pos.line]) + i

    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


async def test_open_publishes_diagnostics_with_utf16_ranges(client):
    await start(client, client.root)
    uri = open_doc(client, client.root / "post.md", CLAIM)
    found = await diagnostics_for(client, uri)
    claim = [d for d in found if d.code == "unhedged-cure-claim"]
    assert len(claim) == 1
    d = claim[0]
    # "😀 Turmeric " is 11 code points but 12 UTF-16 units; "cures arthritis" is 15.
    assert d.range == types.Range(types.Position(2, 12), types.Position(2, 27))
    assert d.source == "healthlint"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.code_description.href.endswith("unhedged-cure-claim.yaml")


async def test_change_publishes_an_update(client):
    await start(client, client.root)
    uri = open_doc(client, client.root / "post.md", CLAIM)
    assert any(d.code == "unhedged-cure-claim" for d in await diagnostics_for(client, uri))
    change_doc(client, uri, "# Turmeric\n\nTurmeric may ease arthritis pain in some people.\n", 2)
    found = await diagnostics_for(client, uri)
    assert not any(d.code == "unhedged-cure-claim" for d in found)
    change_doc(client, uri, "ü 😀😀 Turmeric cures arthritis.\n", 3)
    found = await diagnostics_for(client, uri)
    claim = [d for d in found if d.code == "unhedged-cure-claim"]
    assert claim[0].range.start == types.Position(0, 16)


async def test_hover_explains_the_rule(client):
    await start(client, client.root)
    uri = open_doc(client, client.root / "post.md", CLAIM)
    await diagnostics_for(client, uri)
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(2, 14)))
    assert result is not None
    text = result.contents.value
    assert "**unhedged-cure-claim**" in text
    assert "What to write instead" in text
    assert "FTC" in text  # why: the regulation
    referral = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 2)))
    assert "**missing-clinician-referral**" in referral.contents.value  # the claim asks for one, on line 1
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(1, 0)))
    assert nothing is None


async def code_actions(client, uri, diagnostics):
    return await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=diagnostics[0].range,
        context=types.CodeActionContext(diagnostics=list(diagnostics))))


async def test_code_action_suppresses_the_line(client):
    await start(client, client.root)
    uri = open_doc(client, client.root / "post.md", CLAIM)
    claim = [d for d in await diagnostics_for(client, uri) if d.code == "unhedged-cure-claim"]
    result = await code_actions(client, uri, claim)
    titles = [a.title for a in result]
    assert titles == ["Suppress unhedged-cure-claim for this line"]
    edited = apply(CLAIM, result[0].edit.changes[uri])
    assert edited == ("# Turmeric\n\n<!-- healthlint-disable-next-line unhedged-cure-claim -- reason -->\n"
                      "😀 Turmeric cures arthritis.\n")


async def test_code_action_suppress_comment_in_plain_text(client):
    await start(client, client.root)
    text = "Notes\n  Turmeric cures arthritis.\n"
    uri = open_doc(client, client.root / "notes.txt", text, language="plaintext")
    claim = [d for d in await diagnostics_for(client, uri) if d.code == "unhedged-cure-claim"]
    result = await code_actions(client, uri, claim)
    assert apply(text, result[0].edit.changes[uri]) == (
        "Notes\n  # healthlint: disable-next-line unhedged-cure-claim -- reason\n  Turmeric cures arthritis.\n")


async def test_quick_fixes_insert_disclosure_and_append_referral(client):
    await start(client, client.root)
    text = ("# Magnesium for sleep\n\nMagnesium may ease insomnia. Take 300 mg for anxiety.\n\n"
            "[Get the magnesium I use](https://example.com/recommends/magnesium-glycinate)\n")
    uri = open_doc(client, client.root / "post.md", text)
    found = await diagnostics_for(client, uri)
    assert {d.code for d in found} >= {"undisclosed-affiliate-link", "missing-clinician-referral"}
    for version, rule in enumerate(("undisclosed-affiliate-link", "missing-clinician-referral"), start=2):
        mine = [d for d in found if d.code == rule]
        result = await code_actions(client, uri, mine)
        fix = [a for a in result if a.is_preferred]
        assert len(fix) == 1, [a.title for a in result]
        text = apply(text, fix[0].edit.changes[uri])
        change_doc(client, uri, text, version)
        found = await diagnostics_for(client, uri)
        assert rule not in {d.code for d in found}
    assert text.startswith("# Magnesium for sleep\n\nWe earn a commission")
    assert text.endswith("\n\nTalk to your doctor or pharmacist before starting, stopping or changing a treatment, "
                         "especially if you take other medicines.\n")
    assert list(found) == []


async def test_a_bad_rule_file_is_a_diagnostic_on_that_file_and_the_server_keeps_serving(client):
    pack = client.root / "pack"
    pack.mkdir()
    bad = pack / "broken.yaml"
    bad.write_text("id: broken\nkind: sentence\nseverity: loud\n", encoding="utf-8")
    await start(client, client.root, {"rules": ["pack"]})
    found = await diagnostics_for(client, bad.as_uri())
    assert len(found) == 1 and found[0].code == "rule-error"
    assert found[0].range.start.line == 2
    assert any(m.type == types.MessageType.Error for m in client.messages)
    uri = open_doc(client, client.root / "post.md", CLAIM)
    assert any(d.code == "unhedged-cure-claim" for d in await diagnostics_for(client, uri))

    # Fixed and announced by the client's file watcher: the error goes, the new rule works.
    bad.write_text(
        "id: no-miracle\nkind: sentence\nseverity: warning\nmessage: 'Avoid “{match}”'\n"
        "description: Miracle talk.\npatterns: ['miracle']\nexamples:\n  fail: ['A miracle.']\n",
        encoding="utf-8")
    client.diagnostics.pop(bad.as_uri(), None)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=bad.as_uri(), type=types.FileChangeType.Changed)]))
    change_doc(client, uri, "A miracle for everyone.\n", 2)
    for _ in range(5):
        found = await diagnostics_for(client, uri)
        if any(d.code == "no-miracle" for d in found):
            break
    assert any(d.code == "no-miracle" for d in found)
    assert list(client.diagnostics.get(bad.as_uri(), ["missing"])) == []


async def test_pyproject_change_reloads(client):
    await start(client, client.root)
    uri = open_doc(client, client.root / "post.md", CLAIM)
    await diagnostics_for(client, uri)
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(
        changes=[types.FileEvent(uri=(client.root / "pyproject.toml").as_uri(), type=types.FileChangeType.Changed)]))
    # a reload re-lints every open document
    assert any(d.code == "unhedged-cure-claim" for d in await diagnostics_for(client, uri))


async def test_close_clears_diagnostics(client):
    await start(client, client.root)
    uri = open_doc(client, client.root / "post.md", CLAIM)
    await diagnostics_for(client, uri)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert list(await diagnostics_for(client, uri)) == []
    await asyncio.sleep(0)


async def test_the_server_asks_the_client_to_watch_configuration_files(client):
    registered = asyncio.get_running_loop().create_future()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def on_register(params: types.RegistrationParams):
        if not registered.done():
            registered.set_result(params)

    (client.root / "pack").mkdir()
    capabilities = types.ClientCapabilities(workspace=types.WorkspaceClientCapabilities(
        did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
            dynamic_registration=True, relative_pattern_support=True)))
    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities, root_uri=client.root.as_uri(), initialization_options={"rules": ["pack"]}))
    params = await asyncio.wait_for(registered, 10)
    [registration] = params.registrations
    assert registration.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES
    globs = [w["globPattern"] for w in registration.register_options["watchers"]]
    assert "**/.healthlint.yaml" in globs and "**/pyproject.toml" in globs
    assert {"baseUri": (client.root / "pack").as_uri(), "pattern": "**/*.yaml"} in globs
