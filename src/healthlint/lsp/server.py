"""The language server: documents in, diagnostics, hovers and code actions out.

Built on pygls. Documents are synchronised in full (the client sends the whole
text on each change), which keeps line and column arithmetic exact whatever
line breaks the text uses. Linting runs on one worker thread, so the server
keeps answering hovers while a long document is checked; a document over the
CLI's file limit (16 MiB) is not linted, and says so. Malformed input is
answered or dropped, never fatal (``jsonrpc.py``).
"""
from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from healthlint.config import ConfigError
from healthlint.config import clear_cache as config_clear_cache
from healthlint.config import config_for
from healthlint import __version__
from healthlint.errors import HealthlintError, RuleError
from healthlint.lsp import actions, hover
from healthlint.lsp.convert import file_error_diagnostic, to_lsp, too_large_diagnostic
from healthlint.lsp.incremental import IncrementalLinter
from healthlint.lsp.jsonrpc import SKIPPED_MESSAGE, BoundedInput, HealthlintProtocol
from healthlint.lsp.positions import PositionEncoder
from healthlint.lsp.settings import Settings, parse_settings
from healthlint.lsp.scheduler import Debouncer
from healthlint.sources import MAX_FILE_BYTES
from healthlint.text.document import kind_for_path

log = logging.getLogger(__name__)

# Files whose change reloads the configuration and rules (besides the rule folders' YAML files).
CONFIG_FILES = (".healthlint.yaml", "pyproject.toml")
_KIND_BY_LANGUAGE = {"markdown": "markdown", "plaintext": "text", "text": "text"}
LOGGED_FRAMES = 8  # of the traceback of an unexpected error while reading the configuration
MAX_MESSAGE = 2000  # characters of an error shown to the editor (the log has the rest)


def build_linter(settings: Settings, previous: IncrementalLinter | None, root: str | None = None):
    """The linter ``settings`` describe, and the error that prevented it (then ``previous`` or built-in rules).

    The workspace's configuration (``.healthlint.yaml`` or ``[tool.healthlint]``,
    discovered from the root upward, as the CLI does) comes first; the editor's
    settings are merged on top. The server calls this at start-up and whenever a
    configuration or rule file changes. Whatever goes wrong while reading them
    (a located ``ConfigError`` or ``RuleError``, or any other exception from a
    hostile file) is returned, never raised: the last good rules keep working.
    """
    try:
        config_clear_cache()
        config = config_for(root) if root else None
        return IncrementalLinter(settings.rules, settings.select, settings.ignore, config=config), None
    except Exception as error:  # noqa: BLE001 - any failure of a reload keeps the last good rules
        if not isinstance(error, HealthlintError):  # the last frames only: a RecursionError has thousands
            log.warning("reading the workspace configuration failed:\n%s",
                        "".join(traceback.format_exception(error, limit=-LOGGED_FRAMES)).rstrip())
        return (previous if previous is not None else builtin_linter()), error


def builtin_linter() -> IncrementalLinter | None:
    """The shipped rules alone, with no workspace configuration (None if even they cannot load)."""
    try:
        return IncrementalLinter()
    except Exception:  # noqa: BLE001 - an installation problem: logged, the session goes on without rules
        log.exception("the built-in rules could not be loaded")
        return None


class ReloadTimedOut(Exception):
    """A reload that took longer than the ``reload_timeout_ms`` setting; it was abandoned."""


def describe(error: Exception, root: str | None) -> str:
    """``error`` as one line for the editor: located errors as they are, anything else with the workspace."""
    if isinstance(error, (HealthlintError, ReloadTimedOut)):
        text = str(error)
    else:
        where = root or "the workspace"
        text = f"{where}: error: its configuration could not be read ({type(error).__name__}: {error})"
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"


def in_daemon_thread(function, *args) -> asyncio.Future:
    """``function(*args)`` on a daemon thread of its own; the future gets its result or exception.

    Nothing ever waits for that thread: a caller that stops waiting (a timeout)
    abandons it, and the process exits without joining it. (asyncio's default
    executor and a ThreadPoolExecutor are both joined at exit, so a reload that
    hangs there would hang the editor's shutdown.)
    """
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result, error) -> None:
        if not future.done():
            future.set_exception(error) if error is not None else future.set_result(result)

    def run() -> None:
        try:
            outcome = (function(*args), None)
        except Exception as e:  # noqa: BLE001 - handed to the awaiting coroutine
            outcome = (None, e)
        try:
            loop.call_soon_threadsafe(settle, *outcome)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            pass

    threading.Thread(target=run, name="healthlint-reload", daemon=True).start()
    return future


class HealthlintServer(LanguageServer):
    def __init__(self):
        super().__init__("healthlint", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Full,
                         protocol_cls=HealthlintProtocol)
        self.settings = Settings()
        self.root: str | None = None
        self.linter: IncrementalLinter | None = None
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.rule_error_uris: set[str] = set()
        self._reloads = 0  # reloads started, so that only the newest one's outcome is applied
        self.lint_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthlint-lint")
        self.debouncer = Debouncer(self.lint_document, self.settings.debounce_ms / 1000)

    # -- configuration ---------------------------------------------------------------

    @property
    def encoding(self) -> str:
        return self.workspace.position_encoding or types.PositionEncodingKind.Utf16

    def apply_settings(self, options) -> None:
        self.settings = parse_settings(options, self.root)
        self.debouncer.delay = self.settings.debounce_ms / 1000
        for problem in self.settings.problems:
            self.show(problem, types.MessageType.Warning)

    async def reload(self) -> None:
        """(Re)build the linter, report a broken rule or configuration file on that file, re-lint open documents.

        Reading the workspace's files runs on a thread of its own, within the
        ``reload_timeout_ms`` setting: a reload that takes longer (a file that
        never ends, a pathological pack) is abandoned with a message, and its
        thread is left to finish unobserved. Whatever fails, the last good
        rules (or else the built-in ones) keep linting, and the error is shown
        (window/showMessage and window/logMessage) and put on its file when it
        has one. Of reloads that overlap, the newest decides.
        """
        self._reloads += 1
        generation, previous = self._reloads, self.linter
        seconds = self.settings.reload_timeout_ms / 1000
        try:
            linter, error = await asyncio.wait_for(
                in_daemon_thread(build_linter, self.settings, previous, self.root), seconds)
        except asyncio.TimeoutError:
            error = ReloadTimedOut(f"{self.root or 'the workspace'}: error: reading its configuration and rules "
                                   f"took longer than {seconds:g} s and was abandoned")
            linter = previous if previous is not None else await in_daemon_thread(builtin_linter)
        if generation != self._reloads:
            return  # a newer reload started meanwhile: its outcome is the one to show
        self.linter = linter
        if error is not None:
            using = ("keeping the rules that last loaded" if linter is not None and linter is previous
                     else "using the built-in rules only" if linter is not None else "no rules are loaded")
            self.show(f"healthlint: {describe(error, self.root)} ({using} until it is fixed)",
                      types.MessageType.Error)
        stale, self.rule_error_uris = self.rule_error_uris, set()
        if isinstance(error, (RuleError, ConfigError)):
            try:
                uri = Path(error.path).resolve().as_uri()
            except (OSError, RuntimeError, ValueError):  # a link loop, a path that is not absolute
                uri = None
            if uri is not None:
                self.rule_error_uris.add(uri)
                self.publish(uri, [file_error_diagnostic(error, self.encoding)])
        for uri in stale - self.rule_error_uris:
            self.publish(uri, [])
        for uri in list(self.workspace.text_documents):
            self.debouncer.touch(uri)

    def affects_rules(self, uri: str) -> bool:
        path = to_fs_path(uri) or unquote(uri)
        if os.path.basename(path) in CONFIG_FILES:
            return True
        path = os.path.abspath(path)
        return path.endswith(".yaml") and any(
            Path(path).is_relative_to(os.path.abspath(d)) for d in self.settings.rules)

    # -- linting ---------------------------------------------------------------------

    def is_open(self, uri: str) -> bool:
        return unquote(uri) in self.workspace.text_documents

    def kind_of(self, document) -> str:
        return _KIND_BY_LANGUAGE.get(document.language_id or "") or kind_for_path(document.path or document.uri)

    async def lint_document(self, uri: str) -> None:
        if not self.is_open(uri):
            return
        document = self.workspace.get_text_document(uri)
        text, version, kind = document.source, document.version, self.kind_of(document)
        linter = self.linter
        if linter is None:
            return
        if _too_large(text):
            self.publish(uri, [too_large_diagnostic(MAX_FILE_BYTES)], version)
            return
        try:
            found = await asyncio.get_running_loop().run_in_executor(
                self.lint_worker, self._diagnostics, linter, text, document.path or uri, kind)
        except Exception:  # a bug must not end the session: log it, keep serving
            log.exception("linting %s failed", uri)
            return
        if self.is_open(uri):
            self.publish(uri, found, version)

    def _diagnostics(self, linter, text: str, path: str, kind: str) -> list[types.Diagnostic]:
        encoder = PositionEncoder(text, self.encoding)
        rules = linter.pack.rules
        return [to_lsp(d, encoder, rules.get(d.rule), self.settings.docs_url)
                for d in linter.lint_text(text, path, kind)]

    def publish(self, uri: str, diagnostics: list[types.Diagnostic], version: int | None = None) -> None:
        self.published[uri] = diagnostics
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version))

    def show(self, message: str, kind: types.MessageType) -> None:
        """Tell the user: a pop-up, the client's log (window/logMessage), and standard error."""
        log.warning("%s", message)
        self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def report_server_error(self, error: Exception, source) -> None:
        # pygls reports a body that json.loads refused (ValueError, or RecursionError when nested
        # too deep) with the source JsonRpcException: that is the client's mistake, answered as such.
        if source is JsonRpcException and isinstance(error, (ValueError, RecursionError)):
            self.protocol.parse_error(error)
            return
        super().report_server_error(error, source)


def _too_large(text: str) -> bool:
    return len(text) > MAX_FILE_BYTES // 4 and len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES


server = HealthlintServer()


@server.feature(types.INITIALIZE)
def initialize(ls: HealthlintServer, params: types.InitializeParams) -> None:
    if params.root_uri:
        ls.root = to_fs_path(params.root_uri)
    elif params.workspace_folders:
        ls.root = to_fs_path(params.workspace_folders[0].uri)
    ls.apply_settings(params.initialization_options)


@server.feature(types.INITIALIZED)
async def initialized(ls: HealthlintServer, params: types.InitializedParams) -> None:
    # The first load may take a while (a cold cache compiles the pack): watch the files meanwhile.
    loading = asyncio.get_running_loop().create_task(ls.reload())
    watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
    if watched and watched.dynamic_registration:
        globs: list = ["**/.healthlint.yaml", "**/pyproject.toml"]
        if watched.relative_pattern_support:
            globs += [types.RelativePattern(base_uri=Path(d).as_uri(), pattern="**/*.yaml") for d in ls.settings.rules]
        elif ls.settings.rules:
            globs.append("**/*.yaml")  # affects_rules() keeps those under the rule folders
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=g) for g in globs])
        try:
            await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                types.Registration(id="healthlint-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                   register_options=options)]))
        except Exception as e:  # the client may refuse; then it only reloads on configuration changes
            log.warning("could not register file watchers: %s", e)
    await loading


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: HealthlintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.debouncer.touch(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: HealthlintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.debouncer.touch(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: HealthlintServer, params: types.DidSaveTextDocumentParams) -> None:
    ls.debouncer.touch(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: HealthlintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    ls.debouncer.cancel(uri)
    ls.publish(uri, [])
    ls.published.pop(uri, None)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: HealthlintServer, params: types.DidChangeConfigurationParams) -> None:
    previous = ls.settings
    ls.apply_settings(params.settings)
    if ls.settings != previous:
        await ls.reload()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
async def did_change_watched_files(ls: HealthlintServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(ls.affects_rules(change.uri) for change in params.changes):
        await ls.reload()


@server.feature(SKIPPED_MESSAGE)
def skipped_message(ls: HealthlintServer, params) -> None:
    """Standard input stood this in for a message over the size limit (see jsonrpc.BoundedInput)."""
    size, limit = (params.get(key) if isinstance(params, dict) else getattr(params, key, None)
                   for key in ("bytes", "limit"))
    ls.show(f"healthlint: ignored a message of {size} bytes from the editor (the limit is {limit} bytes)",
            types.MessageType.Warning)


@server.feature(types.TEXT_DOCUMENT_HOVER)
def on_hover(ls: HealthlintServer, params: types.HoverParams) -> types.Hover | None:
    if ls.linter is None:
        return None
    rules = ls.linter.pack.rules
    texts, seen = [], set()
    for diagnostic in ls.published.get(params.text_document.uri, []):
        rule = rules.get(diagnostic.code) if isinstance(diagnostic.code, str) else None
        if rule is not None and rule.id not in seen and hover.contains(diagnostic.range, params.position):
            seen.add(rule.id)
            texts.append(hover.rule_markdown(rule, ls.settings.docs_url))
    if not texts:
        return None
    return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                    value="\n\n---\n\n".join(texts)))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def on_code_action(ls: HealthlintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    if not ls.is_open(uri):
        return None
    document = ls.workspace.get_text_document(uri)
    text = document.source
    encoder = PositionEncoder(text, ls.encoding)
    return actions.code_actions(uri, text, ls.kind_of(document), params.context.diagnostics,
                                encoder, ls.settings) or None


def serve() -> None:
    """Serve over standard input and output until the client says exit."""
    logging.basicConfig(level=logging.WARNING, format="healthlint-lsp: %(levelname)s: %(message)s")
    server.start_io(BoundedInput(sys.stdin.buffer), sys.stdout.buffer)
