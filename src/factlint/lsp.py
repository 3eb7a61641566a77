"""`factlint lsp`: a language server on stdio, so that findings appear under the words as
an editor types.

A front end of the public API (``api.inspect_text``, ``api.fix_text``) and of editing.py;
the protocol is pygls's. Each open brief is checked when it opens, a moment after each
change (changes that come while a check runs are folded into one more check of the newest
text), on save, and when a file it depends on changes on disk (its configuration, fact
file, data files, evidence file, the other files of its document).

URLs: typing never reaches the network. Each check reads the URL cache (``urls.json``,
the one ``factlint check`` writes), so a URL it found redirected is FL403 with its quick
fix; with the ``urls`` setting ``check`` the server also checks the brief's URLs in the
background when it opens or is saved, which fills that cache, and publishes again. The
address policy is the CLI's: only ``factlint lsp --allow-private`` / ``--allow-network``
or the environment widen it, never a setting of the editor or the workspace.

Positions: factlint counts code points; LSP counts UTF-16 code units unless the client
and server agree on another encoding. The server takes ``utf-32`` (code points) when the
client offers it, else UTF-16, and converts every position it sends or receives.

Large briefs: publishDiagnostics is written as JSON by the server itself, the bytes pygls
would write for lsprotocol objects (tests/test_lsp_payload.py), and each diagnostic's
JSON is kept for the next publish; an edit updates the buffer's line starts in place.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import re
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.protocol.language_server import lsp_method
from pygls.uris import from_fs_path, to_fs_path

from factlint import __version__, api, editing
from factlint.api import Overrides
from factlint.documents import MARKDOWN
from factlint.messages import chosen, joined, language_of, render, told

BRIEF_SUFFIXES = (".md", ".markdown", ".txt", ".qmd", ".rmd")
CONFIG_NAMES = ("factlint.yaml", "factlint.yml", ".factlint.yaml", ".factlint.yml",
                "pyproject.toml")
DEBOUNCE = 0.015  # seconds a check waits after a change for the changes typed with it
ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # two UTF-16 code units each
LONE_CR = re.compile(r"\r(?!\n)")
SEVERITY = {"error": types.DiagnosticSeverity.Error,
            "warning": types.DiagnosticSeverity.Warning,
            "info": types.DiagnosticSeverity.Information}
SEVERITY_NUMBER = {name: kind.value for name, kind in SEVERITY.items()}  # as sent in JSON
WATCHED = ("**/*.facts.{yaml,yml,json}", "**/*.evidence.yaml",
           "**/{factlint.yaml,factlint.yml,.factlint.yaml,.factlint.yml,pyproject.toml}",
           "**/*.{csv,tsv,json,yaml,yml,xlsx}", "**/*.{md,markdown,txt,qmd,rmd}")
FIX_ALL = "source.fixAll.factlint"
# files that can make briefs one document: notes files and chapters, build files' lists
GROUPING_FILES = MARKDOWN + (".yml", ".yaml", ".toml")
# the `urls` setting: "off" (no URL findings), "cache" (those the URL cache knows: the
# default, no network), "check" (also check them over the network on open and save)
URL_MODES = ("off", "cache", "check")


class Text:
    """A file's text and its line starts; converts code-point offsets to and from the
    client's positions (UTF-16 code units, or code points with utf-32)."""

    def __init__(self, text: str, utf16: bool, starts: list[int] | None = None,
                 astral: bool | None = None):
        self.text = text
        self.astral = ASTRAL.search(text) is not None if astral is None else astral
        self.utf16 = utf16 and self.astral  # else both counts agree
        self.starts = _line_starts(text, 0, [0]) if starts is None else starts

    def edited(self, start: int, end: int, new: str, utf16: bool) -> Text:
        """The text with the code points [start, end) replaced by ``new``, its line starts
        and astral characters found again only in ``new``: one keystroke in a 1 MB brief
        should not cost a look at every line."""
        text = self.text[:start] + new + self.text[end:]
        first = bisect_right(self.starts, start)  # the line starts up to ``start`` stay
        last = bisect_right(self.starts, end)  # those in (start, end] go, later ones shift
        shift = len(new) - (end - start)
        starts = _line_starts(new, start, self.starts[:first])
        starts += [s + shift for s in self.starts[last:]]
        astral = (ASTRAL.search(new) is not None
                  or self.astral and (ASTRAL.search(self.text, start, end) is None
                                      or ASTRAL.search(text) is not None))
        return Text(text, utf16, starts, astral)

    def _line_end(self, line: int) -> int:
        return self.starts[line + 1] - 1 if line + 1 < len(self.starts) else len(self.text)

    def offset(self, position: types.Position) -> int:
        """The code-point offset of a client position (clamped to its line)."""
        if position.line >= len(self.starts):
            return len(self.text)
        start, end = self.starts[position.line], self._line_end(position.line)
        if not self.utf16:
            return min(start + position.character, end)
        units, i = 0, start
        while i < end and units < position.character:
            units += 2 if ord(self.text[i]) > 0xFFFF else 1
            i += 1
        return i

    def position(self, offset: int) -> types.Position:
        offset = max(0, min(offset, len(self.text)))
        line = bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        column = offset - start
        if self.utf16:
            column += len(ASTRAL.findall(self.text, start, offset))
        return types.Position(line=line, character=column)

    def at(self, line: int, column: int) -> types.Position:
        """A finding's 1-based line and code-point column as a client position."""
        line, character = self.place(line, column)
        return types.Position(line=line, character=character)

    def place(self, line: int, column: int) -> tuple[int, int]:
        """``at`` as (line, character), clamped to the text and to the line's end."""
        line = max(0, min(line - 1, len(self.starts) - 1))
        start = self.starts[line]
        offset = min(start + max(column - 1, 0), self._line_end(line))
        character = offset - start  # the clamped offset is still on this line
        if self.utf16:
            character += len(ASTRAL.findall(self.text, start, offset))
        return line, character

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))


@dataclass
class Buffer:
    """An open brief: its newest text, and the check of the version last checked."""

    uri: str
    path: str
    text: Text
    version: int
    checked: api.CheckedText | None = None
    checked_text: Text | None = None  # the text it was checked in
    checked_version: int | None = None
    task: asyncio.Task | None = None
    others: set[str] = field(default_factory=set)  # other files it published findings for
    url_task: asyncio.Task | None = None  # its URLs being checked in the background
    urls_again: bool = False  # saved while they were: check them once more
    # what each diagnostic it published last said, as JSON text (see diagnostic_json)
    sent: dict[tuple, str] = field(default_factory=dict)
    refusal_told: int | None = None  # the version a refused fix-all was told of (a message)


class Protocol(LanguageServerProtocol):
    """pygls's protocol, negotiating the position encoding factlint needs: utf-32 when
    the client offers it, else UTF-16 (which every client speaks)."""

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        general = params.capabilities.general
        if general is not None:
            offered = general.position_encodings or []
            general.position_encodings = ([types.PositionEncodingKind.Utf32]
                                          if types.PositionEncodingKind.Utf32 in offered
                                          else [types.PositionEncodingKind.Utf16])
        return (yield from super().lsp_initialize(params))

    def notify_json(self, method: str, params: str) -> None:
        """The bytes ``notify`` sends (pygls's framing), for params that are JSON text
        already: pygls would first convert lsprotocol objects, one by one, through cattrs."""
        body = f'{{"params": {params}, "method": {json.dumps(method)}, "jsonrpc": "2.0"}}'
        if self._include_headers:  # the body is ASCII (json.dumps escapes the rest)
            body = (f"Content-Length: {len(body)}\r\n"
                    f"Content-Type: {self.CONTENT_TYPE}; charset={self.CHARSET}\r\n\r\n"
                    + body)
        written = self.writer.write(body.encode(self.CHARSET))
        if inspect.isawaitable(written):
            asyncio.ensure_future(written)


class FactlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("factlint", __version__, protocol_cls=Protocol,
                         text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.buffers: dict[str, Buffer] = {}
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="factlint-check")
        self.url_pool = ThreadPoolExecutor(1, thread_name_prefix="factlint-urls")
        self.debounce = DEBOUNCE
        self.overrides = Overrides()  # the command line's: the URL address policy
        self.urls = "cache"

    @property
    def utf16(self) -> bool:
        return self.workspace.position_encoding != types.PositionEncodingKind.Utf32

    # --- checking -----------------------------------------------------------------------

    def schedule(self, buffer: Buffer, delay: float | None = None) -> None:
        """Check ``buffer`` soon; a check already waiting or running picks up its newest
        text, so a burst of changes makes one check (and one more after a running one)."""
        if buffer.task is None or buffer.task.done():
            buffer.task = asyncio.ensure_future(
                self._check_loop(buffer, self.debounce if delay is None else delay))

    async def _check_loop(self, buffer: Buffer, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        while self.buffers.get(buffer.uri) is buffer and buffer.checked_version != buffer.version:
            version, text = buffer.version, buffer.text
            checked = await self.inspect(buffer.path, text.text)
            if buffer.version == version:
                buffer.checked, buffer.checked_text, buffer.checked_version = checked, text, version
                self.publish(buffer)

    async def inspect(self, path: str, text: str) -> api.CheckedText:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, partial(
            api.inspect_text, text, path, overrides=self.overrides,
            cached_urls=self.urls != "off"))

    def check_urls(self, buffer: Buffer) -> None:
        """With ``urls: check``: check the brief's URLs over the network in the background,
        as ``factlint check`` does (which stores what it learns in the URL cache), then
        check the buffer again, so that its diagnostics say what the cache now knows."""
        if self.urls != "check":
            return
        if buffer.url_task is not None and not buffer.url_task.done():
            buffer.urls_again = True
            return
        buffer.url_task = asyncio.ensure_future(self._url_loop(buffer))

    async def _url_loop(self, buffer: Buffer) -> None:
        loop = asyncio.get_running_loop()
        checked, _ = await self.current(buffer)
        while any(f.url_refs for f in checked.result.files):
            buffer.urls_again = False
            try:
                await loop.run_in_executor(self.url_pool, partial(
                    api.check_text, buffer.text.text, buffer.path, offline=False,
                    overrides=self.overrides))
            except api.ConfigError:
                return  # the diagnostics already say what is wrong with the configuration
            if self.buffers.get(buffer.uri) is not buffer:
                return
            buffer.checked_version = None
            self.schedule(buffer, 0)
            if not buffer.urls_again:
                return
            checked, _ = await self.current(buffer)

    def configure(self, options: Any) -> None:
        """Settings from initializationOptions or workspace/didChangeConfiguration (either
        ``{"urls": ...}`` or ``{"factlint": {"urls": ...}}``)."""
        if isinstance(options, dict) and isinstance(options.get("factlint"), dict):
            options = options["factlint"]
        if not isinstance(options, dict):
            return
        if isinstance(options.get("debounce"), int | float):
            self.debounce = max(0.0, min(float(options["debounce"]) / 1000, 5.0))
        if options.get("urls") in URL_MODES:
            self.urls = options["urls"]

    async def current(self, buffer: Buffer) -> tuple[api.CheckedText, Text]:
        """The check of the buffer's newest text (checked now if it is not yet)."""
        if buffer.checked_version != buffer.version or buffer.checked is None:
            version, text = buffer.version, buffer.text
            checked = await self.inspect(buffer.path, text.text)
            if buffer.version == version:
                buffer.checked, buffer.checked_text, buffer.checked_version = (
                    checked, text, version)
            return checked, text
        return buffer.checked, buffer.checked_text

    async def from_document(self, uri: str, build) -> list | None:
        """``build(document, text)`` on the newest check of an open buffer: what the
        outline and link handlers show. None when the buffer is not open, [] when its
        text was not read as a Document."""
        buffer = self.buffers.get(uri)
        if buffer is None:
            return None
        checked, text = await self.current(buffer)
        return [] if checked.document is None else build(checked.document, text)

    def language(self, checked: api.CheckedText, text: str) -> str:
        """The language of what the server says of a brief beside its findings (code-action
        titles, hovers, a refused fix, a configuration problem), in the order of the command
        line: ``factlint lsp --messages``, then FACTLINT_MESSAGES, then ``messages:`` in the
        brief's configuration (all in the run's ``messages`` setting), else the brief's words
        (``text``, when it could not be checked)."""
        for file in checked.result.files[:1]:
            return chosen(file.messages, None, file.language)
        return chosen(self.overrides.messages or "auto", None, language_of(text))

    def publish(self, buffer: Buffer) -> None:
        checked, text = buffer.checked, buffer.checked_text
        result = checked.result
        own: list[str] = []
        others: dict[str, list] = {}
        if checked.problem:  # the configuration: nothing was checked
            own.append(json.dumps(problem_payload(
                told(checked.problem, self.language(checked, buffer.text.text)))))
        key = _key(buffer.path)
        keys: dict[str, str] = {}  # finding.path -> its _key: thousands of findings, few paths
        sent, buffer.sent = buffer.sent, {}
        for finding in result.findings:
            found = keys.get(finding.path)
            if found is None:
                found = keys[finding.path] = _key(finding.path)
            if found == key:
                own.append(diagnostic_json(finding, text, result.message(finding), sent,
                                           buffer.sent))
            else:
                others.setdefault(found, []).append(finding)
        self.protocol.notify_json(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                                  _publish_params(buffer.uri, own, buffer.checked_version))
        self._publish_others(buffer, others)

    def _publish_others(self, buffer: Buffer, others: dict[str, list]) -> None:
        """Findings in other files (a fact file's FL5xx) are published for those files,
        each the union over the open briefs that found them."""
        buffer.others, gone = set(others), buffer.others - set(others)
        for path in set(others) | gone:
            findings = {f: b.checked.result for b in self.buffers.values()
                        if b.checked is not None
                        for f in b.checked.result.findings if _key(f.path) == path}
            text = self._disk_text(path)
            diagnostics = [diagnostic_json(f, text, findings[f].message(f), {}, {})
                           for f in sorted(findings)]
            self.protocol.notify_json(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                                      _publish_params(from_fs_path(path), diagnostics, None))

    def _disk_text(self, path: str) -> Text:
        """A file's text: the open buffer's, else as it is on disk."""
        for buffer in self.buffers.values():
            if _key(buffer.path) == _key(path):
                return buffer.text
        try:
            with open(path, encoding="utf-8-sig", newline="") as stream:
                return Text(stream.read(), self.utf16)
        except (OSError, UnicodeDecodeError):
            return Text("", self.utf16)

    def files_changed(self, paths: list[str]) -> None:
        """Re-check the open briefs that depend on any of ``paths``; all of them when a
        configuration file changed; those in or below the folder of a text or build file
        that changed, came or went (it may be their notes file or list their chapters)."""
        keys = {_key(p) for p in paths}
        config = any(os.path.basename(p) in CONFIG_NAMES for p in paths)
        folders = {os.path.dirname(k) + os.sep for k in keys if k.lower().endswith(GROUPING_FILES)}
        for buffer in list(self.buffers.values()):
            depends = buffer.checked.depends_on if buffer.checked is not None else frozenset()
            near = any(_key(buffer.path).startswith(folder) for folder in folders)
            if config or near or keys & {_key(p) for p in depends}:
                buffer.checked_version = None
                self.schedule(buffer, 0)


def _key(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _line_starts(text: str, base: int, starts: list[int]) -> list[int]:
    """``starts`` followed by the offset (plus ``base``) after each line end of ``text``."""
    find = text.find
    i = find("\n")
    while i >= 0:
        starts.append(base + i + 1)
        i = find("\n", i + 1)
    return starts


def diagnostic(finding: Any, text: Text, result: Any = None) -> types.Diagnostic:
    """``finding`` for the client; its message in the language of the run ``result``
    (the brief's ``messages`` setting and language) when it is given."""
    start = text.at(finding.line, finding.column)
    end = text.at(finding.end_line, finding.end_column)
    message = result.message(finding) if result is not None else finding.message
    return types.Diagnostic(
        range=types.Range(start=start, end=end), message=message,
        severity=SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code, source="factlint", data={"rule": finding.name})


def _said(finding: Any, text: Text, message: str) -> tuple:
    """All that a finding's diagnostic says, in the client's positions."""
    return (*text.place(finding.line, finding.column),
            *text.place(finding.end_line, finding.end_column),
            message, finding.severity, finding.code, finding.name)


def _payload(said: tuple) -> dict[str, Any]:
    """``diagnostic(finding, text, result)`` as JSON, field for field what pygls makes of
    it, built directly from what it says: a large brief has thousands of findings."""
    line, character, end_line, end_character, message, severity, code, name = said
    return {"range": {"start": {"line": line, "character": character},
                      "end": {"line": end_line, "character": end_character}},
            "message": message, "severity": SEVERITY_NUMBER.get(severity, 2),
            "code": code, "source": "factlint", "data": {"rule": name}}


def diagnostic_json(finding: Any, text: Text, message: str, known: dict[tuple, str],
                    kept: dict[tuple, str]) -> str:
    """``diagnostic(finding, text, result)`` as JSON text (``message``:
    ``result.message(finding)``), taken from ``known`` (what was sent last time)
    when a diagnostic said all the same then, and stored in ``kept`` for the next time:
    after a keystroke most of a large brief's thousands of diagnostics are unchanged."""
    said = _said(finding, text, message)
    made = known.get(said)
    if made is None:
        made = json.dumps(_payload(said))
    kept[said] = made
    return made


def _publish_params(uri: str, diagnostics: list[str], version: int | None) -> str:
    """PublishDiagnosticsParams as JSON text, from its diagnostics' JSON texts."""
    tail = "" if version is None else f', "version": {version}'
    return f'{{"uri": {json.dumps(uri)}, "diagnostics": [{", ".join(diagnostics)}]{tail}}}'


def problem_payload(problem: str) -> dict[str, Any]:
    """The diagnostic that says why a brief was not checked (its configuration), as JSON."""
    return {"range": {"start": {"line": 0, "character": 0},
                      "end": {"line": 0, "character": 0}},
            "message": problem, "severity": SEVERITY_NUMBER["error"],
            "code": "config", "source": "factlint"}


def _normalised(text: str) -> str:
    """Lone CRs (classic Mac line ends) as LF: LSP counts them as line ends, factlint's
    lines are LF-separated, and one character stands for one."""
    return LONE_CR.sub("\n", text) if "\r" in text else text


def _offset_of(text: Text, line: int, column: int) -> int:
    line = max(0, min(line - 1, len(text.starts) - 1))
    return text.starts[line] + column - 1


def _overlaps(finding: Any, text: Text, start: int, end: int) -> bool:
    first = _offset_of(text, finding.line, finding.column)
    last = _offset_of(text, finding.end_line, finding.end_column)
    return first <= end and start <= max(last, first + 1)


server = FactlintServer()


# --- documents ------------------------------------------------------------------------------


@server.feature(types.INITIALIZE)
def initialize(ls: FactlintServer, params: types.InitializeParams) -> None:
    ls.configure(params.initialization_options)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: FactlintServer, params: types.DidChangeConfigurationParams
                             ) -> None:
    before = ls.urls
    ls.configure(params.settings)
    if ls.urls == before:
        return
    for buffer in list(ls.buffers.values()):
        buffer.checked_version = None
        ls.schedule(buffer, 0)
        ls.check_urls(buffer)


@server.feature(types.INITIALIZED)
async def initialized(ls: FactlintServer, params: types.InitializedParams) -> None:
    capabilities = ls.client_capabilities.workspace
    watched = capabilities.did_change_watched_files if capabilities else None
    if watched is not None and watched.dynamic_registration:
        watchers = [types.FileSystemWatcher(glob_pattern=p) for p in WATCHED]
        await ls.client_register_capability_async(types.RegistrationParams(registrations=[
            types.Registration(
                id="factlint-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers))]))


def _brief(uri: str) -> bool:
    return uri.startswith("file:") and uri.lower().endswith(BRIEF_SUFFIXES)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FactlintServer, params: types.DidOpenTextDocumentParams) -> None:
    document = params.text_document
    if not _brief(document.uri):
        return
    buffer = Buffer(document.uri, to_fs_path(document.uri),
                    Text(_normalised(document.text), ls.utf16), document.version)
    ls.buffers[document.uri] = buffer
    ls.schedule(buffer, 0)
    ls.check_urls(buffer)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FactlintServer, params: types.DidChangeTextDocumentParams) -> None:
    buffer = ls.buffers.get(params.text_document.uri)
    if buffer is None:
        return
    text = buffer.text
    for change in params.content_changes:
        if isinstance(change, types.TextDocumentContentChangePartial):
            start, end = text.offset(change.range.start), text.offset(change.range.end)
            text = text.edited(start, end, _normalised(change.text), ls.utf16)
        else:
            text = Text(_normalised(change.text), ls.utf16)
    buffer.text, buffer.version = text, params.text_document.version
    ls.schedule(buffer)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: FactlintServer, params: types.DidSaveTextDocumentParams) -> None:
    buffer = ls.buffers.get(params.text_document.uri)
    if buffer is not None:
        buffer.checked_version = None  # what it depends on may have been saved with it
        ls.schedule(buffer, 0)
        ls.check_urls(buffer)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: FactlintServer, params: types.DidCloseTextDocumentParams) -> None:
    buffer = ls.buffers.pop(params.text_document.uri, None)
    if buffer is None:
        return
    for task in (buffer.task, buffer.url_task):
        if task is not None:
            task.cancel()
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=buffer.uri, diagnostics=[]))
    ls._publish_others(buffer, {})


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: FactlintServer, params: types.DidChangeWatchedFilesParams
                             ) -> None:
    ls.files_changed([to_fs_path(change.uri) for change in params.changes
                      if change.uri.startswith("file:")])


# --- code actions -----------------------------------------------------------------------------


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
    code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL]))
async def code_action(ls: FactlintServer, params: types.CodeActionParams
                      ) -> list[types.CodeAction] | None:
    buffer = ls.buffers.get(params.text_document.uri)
    if buffer is None:
        return None
    checked, text = await ls.current(buffer)
    start, end = text.offset(params.range.start), text.offset(params.range.end)
    only = params.context.only
    actions: list[types.CodeAction] = []
    mine = [f for f in checked.result.findings if _key(f.path) == _key(buffer.path)]
    here = [f for f in mine if _overlaps(f, text, start, end)]
    language = ls.language(checked, text.text)
    if not only or types.CodeActionKind.QuickFix in only:
        for finding in here:
            if finding.fix is not None and finding.fix.edits:
                actions.append(_fix_action(ls, buffer, text, finding, checked.result))
        actions.extend(_add_fact_action(ls, buffer, checked, text, start, here, language))
        for code in dict.fromkeys(f.code for f in here if f.code not in ("FL001", "FL604")):
            same = [f for f in here if f.code == code]
            actions.append(_disable_action(buffer, text, checked.result, code, same))
    wants_all = only and any(kind.startswith(types.CodeActionKind.SourceFixAll)
                             for kind in only)
    if wants_all or any(f.fixable for f in here):
        action = await _fix_all_action(ls, buffer, text, language)
        if action is not None:
            actions.append(action)
    return actions


def _fix_action(ls: FactlintServer, buffer: Buffer, text: Text, finding: Any, result: Any
                ) -> types.CodeAction:
    changes = {buffer.uri: [types.TextEdit(range=text.range(e.start, e.end),
                                           new_text=e.replacement) for e in finding.fix.edits]}
    for path, edits in finding.fix.other_files:  # a figure's fix also edits the fact's quote
        other = ls._disk_text(path)
        changes[from_fs_path(os.path.abspath(path))] = [
            types.TextEdit(range=other.range(e.start, e.end), new_text=e.replacement)
            for e in edits]
    title = render("lsp.fix", {"description": finding.fix.description},
                   result.language(finding))
    return types.CodeAction(
        title=title, kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(finding, text, result)], is_preferred=True,
        edit=types.WorkspaceEdit(changes=changes))


def _disable_action(buffer: Buffer, text: Text, result: Any, code: str, findings: list
                    ) -> types.CodeAction:
    start, end, new = editing.disable_next_line(text.text, findings[0].line, code)
    title = render("lsp.disable", {"code": code}, result.language(findings[0]))
    return types.CodeAction(
        title=title, kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(f, text, result) for f in findings],
        edit=types.WorkspaceEdit(changes={buffer.uri: [
            types.TextEdit(range=text.range(start, end), new_text=new)]}))


def _add_fact_action(ls: FactlintServer, buffer: Buffer, checked: api.CheckedText,
                     text: Text, offset: int, here: list, language: str
                     ) -> list[types.CodeAction]:
    doc = checked.document
    found = editing.figure_at(doc, offset) if doc is not None else None
    if found is None or editing.verification_at(checked.verifications, offset) is not None:
        return []
    figure, sentence = found
    facts_path = checked.facts.path if checked.facts is not None else None
    existing = ls._disk_text(facts_path).text if facts_path else None
    facts_path = os.path.abspath(facts_path or editing.fact_file_beside(buffer.path))
    new = editing.with_new_claim(doc, figure, sentence, existing, language)
    if new is None:
        return []
    uri = from_fs_path(facts_path)
    if existing is None:
        changes: list[Any] = [types.CreateFile(uri=uri, kind="create"),
                              types.TextDocumentEdit(
                                  text_document=types.OptionalVersionedTextDocumentIdentifier(
                                      uri=uri, version=None),
                                  edits=[types.TextEdit(range=types.Range(
                                      start=types.Position(line=0, character=0),
                                      end=types.Position(line=0, character=0)),
                                      new_text=new)])]
        edit = types.WorkspaceEdit(document_changes=changes)
    else:
        old = Text(existing, ls.utf16)
        edit = types.WorkspaceEdit(changes={uri: [
            types.TextEdit(range=old.range(0, len(existing)), new_text=new)]})
    title = render("lsp.add-fact", {"figure": figure.text,
                                    "file": os.path.basename(facts_path)}, language)
    return [types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diagnostic(f, text, checked.result) for f in here
                     if f.code in ("FL303", "FL201")],
        edit=edit)]


async def _fix_all_action(ls: FactlintServer, buffer: Buffer, text: Text, language: str
                          ) -> types.CodeAction | None:
    """*Fix all*: the text ``factlint fix`` would write. A fix that is refused (it would
    not verify, the fact file cannot be read) is a disabled action saying why, or where the
    client shows none, a message (once for each version of the text)."""
    loop = asyncio.get_running_loop()
    fixed = await loop.run_in_executor(ls.pool, partial(api.fix_text, text.text, buffer.path,
                                                        overrides=ls.overrides))
    if fixed.problem:
        refusal = render("lsp.fix-all-refused", {"problem": fixed.problem}, language)
        capabilities = ls.client_capabilities.text_document
        action = capabilities.code_action if capabilities is not None else None
        if action is not None and action.disabled_support:
            return types.CodeAction(title=render("lsp.fix-all-plain", None, language),
                                    kind=FIX_ALL,
                                    disabled=types.CodeActionDisabled(reason=refusal))
        if buffer.refusal_told != buffer.version:
            buffer.refusal_told = buffer.version
            ls.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning,
                                                           message=refusal))
        return None
    if not fixed.changed:
        return None
    changes = {buffer.uri: [types.TextEdit(range=text.range(0, len(text.text)),
                                           new_text=fixed.text)]}
    checked = buffer.checked
    if fixed.facts is not None and checked is not None and checked.facts is not None:
        facts = ls._disk_text(checked.facts.path)
        changes[from_fs_path(os.path.abspath(checked.facts.path))] = [types.TextEdit(
            range=facts.range(0, len(facts.text)), new_text=fixed.facts)]
    done = joined(list(fixed.done), "list.semicolon")
    return types.CodeAction(title=render("lsp.fix-all", {"done": done}, language),
                            kind=FIX_ALL, edit=types.WorkspaceEdit(changes=changes))


# --- navigation and hover ---------------------------------------------------------------------


async def _at(ls: FactlintServer, uri: str, position: types.Position):
    buffer = ls.buffers.get(uri)
    if buffer is None:
        return None
    checked, text = await ls.current(buffer)
    if checked.document is None:
        return None
    return buffer, checked, text, text.offset(position)


def _book(checked: api.CheckedText, path: str):
    packs = checked.settings.packs if checked.settings is not None else ()
    return editing.book_for(checked.document, api.document_files(path), packs)


def _location(ls: FactlintServer, buffer: Buffer, text: Text, place: editing.Place
              ) -> types.Location:
    same = _key(place.path) == _key(buffer.path)
    holder = text if same else ls._disk_text(place.path)
    return types.Location(uri=buffer.uri if same else from_fs_path(os.path.abspath(place.path)),
                          range=holder.range(place.start, place.end))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
async def definition(ls: FactlintServer, params: types.DefinitionParams
                     ) -> types.Location | None:
    found = await _at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    buffer, checked, text, offset = found
    marker = editing.marker_at(checked.document, offset)
    if marker is None:
        return None
    place = editing.definition_of(_book(checked, buffer.path), checked.document, marker[1])
    return _location(ls, buffer, text, place) if place is not None else None


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
async def references(ls: FactlintServer, params: types.ReferenceParams
                     ) -> list[types.Location] | None:
    found = await _at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    buffer, checked, text, offset = found
    doc = checked.document
    book = _book(checked, buffer.path)
    definition_here = editing.definition_at(doc, offset)
    if definition_here is None:
        marker = editing.marker_at(doc, offset)
        place = editing.definition_of(book, doc, marker[1]) if marker is not None else None
        if place is None:
            return None
        holder = next((d for d in book.docs if _key(d.path) == _key(place.path)), doc)
        definition_here = next(d for d in holder.definitions if d.label_start == place.start)
        doc = holder
    places = editing.citing_markers(book, doc, definition_here)
    if params.context.include_declaration:
        places.insert(0, editing.Place(doc.path, definition_here.label_start,
                                       definition_here.label_end))
    return [_location(ls, buffer, text, place) for place in places]


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: FactlintServer, params: types.HoverParams) -> types.Hover | None:
    found = await _at(ls, params.text_document.uri, params.position)
    if found is None:
        return None
    buffer, checked, text, offset = found
    doc = checked.document
    language = ls.language(checked, text.text)
    marker = editing.marker_at(doc, offset)
    if marker is not None:
        source = editing.definition_text(_book(checked, buffer.path), doc, marker[1])
        where = ("" if source is None or _key(source[1]) == _key(buffer.path)
                 else render("lsp.hover-source-in", {"file": os.path.basename(source[1])},
                             language))
        body = (render("lsp.hover-source", {"label": marker[1], "where": where}, language)
                + f"\n\n{source[0]}" if source is not None
                else render("lsp.hover-undefined", {"label": marker[1]}, language))
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown,
                                                        value=body),
                           range=text.range(marker[0].start, marker[0].end))
    verification = editing.verification_at(checked.verifications, offset)
    figure = editing.figure_at(doc, offset)
    if verification is not None:
        body = editing.describe_verification(verification, os.path.basename(checked.facts.path),
                                             language)
        span = verification.figure or (figure[0] if figure else None)
    elif figure is not None:
        body = render("lsp.hover-no-fact" if checked.facts is not None
                      else "lsp.hover-no-facts-file", {"figure": figure[0].text}, language)
        span = figure[0]
    else:
        return None
    value = types.MarkupContent(kind=types.MarkupKind.Markdown, value=body)
    return types.Hover(contents=value,
                       range=text.range(span.start, span.end) if span is not None else None)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)
async def document_link(ls: FactlintServer, params: types.DocumentLinkParams
                        ) -> list[types.DocumentLink] | None:
    def links(document, text: Text) -> list[types.DocumentLink]:
        return [types.DocumentLink(range=text.range(start, end), target=url)
                for start, end, url in editing.cited_links(document)
                if url.lower().startswith(("http://", "https://"))]

    return await ls.from_document(params.text_document.uri, links)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
async def document_symbol(ls: FactlintServer, params: types.DocumentSymbolParams
                          ) -> list[types.DocumentSymbol] | None:
    def outline(document, text: Text) -> list[types.DocumentSymbol]:
        def symbol(item: editing.Symbol) -> types.DocumentSymbol:
            return types.DocumentSymbol(
                name=item.name, kind=types.SymbolKind.String if item.level > 2
                else types.SymbolKind.Namespace,
                range=text.range(item.start, item.section_end),
                selection_range=text.range(item.start, item.end),
                children=[symbol(child) for child in item.children])

        return [symbol(item) for item in editing.outline(document)]

    return await ls.from_document(params.text_document.uri, outline)


def serve(overrides: Overrides | None = None) -> None:
    """Run the server on stdin/stdout until the client says exit; ``overrides``: the
    command line's (the URL address policy)."""
    if overrides is not None:
        server.overrides = overrides
    server.start_io()
