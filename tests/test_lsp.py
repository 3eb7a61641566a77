"""`factlint lsp` end to end: a real LSP client (pytest-lsp) drives the server over stdio."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import pytest_lsp
from conftest import ROOT, SEED, shared_or_skip
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from factlint.api import Overrides, check_paths

SERVER = ClientServerConfig(server_command=[sys.executable, "-m", "factlint", "lsp"])
WAIT = 60  # seconds: a loaded machine is slow, a hung server fails the test rather than CI


def _capabilities(encodings: list[str] | None) -> types.ClientCapabilities:
    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=encodings)
    return capabilities


async def _start(client: LanguageClient, encodings: list[str] | None = None
                 ) -> types.InitializeResult:
    return await client.initialize_session(types.InitializeParams(
        capabilities=_capabilities(encodings), initialization_options={"debounce": 0}))


@pytest_lsp.fixture(config=SERVER)
async def client(lsp_client: LanguageClient):
    registered = []

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:  # the watched files
        registered.extend(params.registrations)

    yield
    await lsp_client.shutdown_session()


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


async def published(client: LanguageClient, uri: str) -> list[types.Diagnostic]:
    """The next diagnostics published for ``uri`` (after any published before the call
    were taken with ``forget``)."""
    async def wait() -> list[types.Diagnostic]:
        while uri not in client.diagnostics:
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return list(client.diagnostics.pop(uri))

    return await asyncio.wait_for(wait(), WAIT)


def forget(client: LanguageClient, uri: str) -> None:
    client.diagnostics.pop(uri, None)


def open_brief(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = uri_of(path)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(
            uri=uri, language_id="markdown", version=1,
            text=path.read_text(encoding="utf-8") if text is None else text)))
    return uri


def change(client: LanguageClient, uri: str, version: int, start: types.Position,
           end: types.Position, new: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=start, end=end), text=new)]))


def utf16_column(line: str, column: int) -> int:
    """A 1-based code-point column as a 0-based UTF-16 character offset."""
    return len(line[: column - 1].encode("utf-16-le")) // 2


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-32 positions) to ``text``."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- diagnostics --------------------------------------------------------------------------------


@pytest.mark.asyncio
@pytest.mark.parametrize("encodings", [None, ["utf-32", "utf-16"]])
async def test_seed_diagnostics_match_check_json(client: LanguageClient, tmp_path, encodings):
    seed = shared_or_skip(SEED)
    brief = tmp_path / "seed.md"
    shutil.copy(seed, brief)
    result = await _start(client, encodings)
    expected_encoding = "utf-32" if encodings else "utf-16"
    assert result.capabilities.position_encoding == expected_encoding
    report = json.loads(subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--format", "json", str(brief)],
        capture_output=True, text=True, cwd=tmp_path).stdout)
    lines = brief.read_text(encoding="utf-8").split("\n")
    uri = open_brief(client, brief)
    diagnostics = await published(client, uri)

    def column(line: int, col: int) -> int:
        if expected_encoding == "utf-32":
            return col - 1
        return utf16_column(lines[line - 1], col)

    want = sorted((f["code"], f["line"] - 1, column(f["line"], f["column"]),
                   f["end_line"] - 1, column(f["end_line"], f["end_column"]))
                  for f in report["findings"])
    got = sorted((d.code, d.range.start.line, d.range.start.character, d.range.end.line,
                  d.range.end.character) for d in diagnostics)
    assert len(want) == 29
    assert got == want
    # messages as `factlint check` words them in the same environment (FACTLINT_MESSAGES,
    # which the server honours as the command line does; tests/test_lsp_messages.py has
    # the brief's own language)
    result = check_paths([str(brief)], offline=True,
                         overrides=Overrides(messages=os.environ.get("FACTLINT_MESSAGES")))
    assert sorted(d.message for d in diagnostics) == sorted(
        result.message(f) for f in result.findings)


ASTRAL = "# 标题\n\n😀𠀀 全市数据企业超600家。\n"


@pytest.mark.asyncio
@pytest.mark.parametrize("encodings,shift", [(None, 2), (["utf-32"], 0)])
async def test_astral_characters_before_a_span(client: LanguageClient, tmp_path, encodings,
                                               shift):
    """😀 and 𠀀 (CJK Extension B) are one code point and two UTF-16 units each."""
    brief = write(tmp_path / "astral.md", ASTRAL)
    await _start(client, encodings)
    uri = open_brief(client, brief)
    [unsourced] = [d for d in await published(client, uri) if d.code == "FL201"]
    column = ASTRAL.split("\n")[2].index("超600家")
    assert unsourced.range.start == types.Position(line=2, character=column + shift)
    assert unsourced.range.end == types.Position(line=2, character=column + shift + 5)
    # an edit after the astral characters lands where the client means it: add a marker
    change(client, uri, 2, types.Position(line=2, character=column + shift + 5),
           types.Position(line=2, character=column + shift + 5), "[^1]")
    change(client, uri, 3, types.Position(line=4, character=0),
           types.Position(line=4, character=0), "\n[^1]: 澜州市数据局，《数据企业名录》\n")
    assert "FL201" not in {d.code for d in await published(client, uri)}


BRIEF = """# 澜州数据产业

全市数据企业超600家[^1]。骨干企业达42家[^2]。

[^1]: 澜州市数据局，《数据企业登记通报》，https://data.example.org/firms
[^2]: 澜州市统计局，《重点企业名录》
"""


@pytest.mark.asyncio
async def test_removing_a_marker_publishes_fl201(client: LanguageClient, tmp_path):
    brief = write(tmp_path / "brief.md", BRIEF)
    await _start(client)
    uri = open_brief(client, brief)
    assert "FL201" not in {d.code for d in await published(client, uri)}
    line = BRIEF.split("\n")[2]
    at = line.index("[^2]")
    change(client, uri, 2, types.Position(line=2, character=at),
           types.Position(line=2, character=at + 4), "")
    diagnostics = await published(client, uri)
    assert [(d.range.start.line, d.range.start.character) for d in diagnostics
            if d.code == "FL201"] == [(2, line.index("42家") - 1)]
    assert {d.code for d in diagnostics} >= {"FL201", "FL102"}


# --- code actions -----------------------------------------------------------------------------


OUT_OF_ORDER = """# 报告

全市数据企业超600家<sup>2</sup>。骨干企业达42家<sup>1</sup>。

<sup>1</sup> 来源：澜州市统计局，《重点企业名录》

<sup>2</sup> 来源：澜州市数据局，《数据企业登记通报》
"""


def _fixed_by_cli(tmp_path: Path, name: str, text: str) -> str:
    copy = write(tmp_path / "cli" / name, text)
    subprocess.run([sys.executable, "-m", "factlint", "fix", str(copy)], check=True,
                   capture_output=True, cwd=copy.parent)
    return copy.read_text(encoding="utf-8")


async def _actions(client: LanguageClient, uri: str, line: int, character: int,
                   only: list[str] | None = None) -> list[types.CodeAction]:
    position = types.Position(line=line, character=character)
    return await asyncio.wait_for(client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(start=position, end=position),
            context=types.CodeActionContext(diagnostics=[], only=only))), WAIT)


@pytest.mark.asyncio
async def test_renumber_action_gives_the_text_of_factlint_fix(client: LanguageClient, tmp_path):
    brief = write(tmp_path / "order.md", OUT_OF_ORDER)
    await _start(client, ["utf-32"])
    uri = open_brief(client, brief)
    order, _ = [d for d in await published(client, uri) if d.code == "FL103"]
    actions = await _actions(client, uri, order.range.start.line, order.range.start.character)
    [renumber] = [a for a in actions if "renumber" in a.title and a.kind == "quickfix"]
    fixed = apply(OUT_OF_ORDER, renumber.edit.changes[uri])
    assert fixed == _fixed_by_cli(tmp_path, "order.md", OUT_OF_ORDER)
    assert fixed != OUT_OF_ORDER


SPLIT = """# 报告

全市数据企业超600家<sup>1</sup>，其中骨干

<sup>1</sup> 来源：澜州市数据局，《数据企业登记通报》

企业达42家<sup>1</sup>。
"""


@pytest.mark.asyncio
async def test_fix_all_and_rejoin_give_the_text_of_factlint_fix(client: LanguageClient, tmp_path):
    brief = write(tmp_path / "split.md", SPLIT)
    await _start(client, ["utf-32"])
    uri = open_brief(client, brief)
    [split] = [d for d in await published(client, uri) if d.code == "FL603"]
    expected = _fixed_by_cli(tmp_path, "split.md", SPLIT)
    assert expected != SPLIT
    actions = await _actions(client, uri, split.range.start.line, split.range.start.character)
    [rejoin] = [a for a in actions if a.kind == "quickfix" and "rejoin" in a.title]
    assert apply(SPLIT, rejoin.edit.changes[uri]) == expected
    [every] = await _actions(client, uri, 0, 0, only=["source.fixAll"])
    assert apply(SPLIT, every.edit.changes[uri]) == expected


@pytest.mark.asyncio
async def test_disable_action_suppresses_the_finding(client: LanguageClient, tmp_path):
    text = "# 报告\n\n全市数据企业超600家。\n"
    brief = write(tmp_path / "quiet.md", text)
    await _start(client, ["utf-32"])
    uri = open_brief(client, brief)
    [unsourced] = [d for d in await published(client, uri) if d.code == "FL201"]
    actions = await _actions(client, uri, unsourced.range.start.line,
                             unsourced.range.start.character)
    [disable] = [a for a in actions if a.title == "factlint: disable FL201 for this line"]
    quiet = apply(text, disable.edit.changes[uri])
    assert quiet == "# 报告\n\n<!-- factlint-disable-next-line FL201 -->\n全市数据企业超600家。\n"
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=quiet)]))
    assert {d.code for d in await published(client, uri)} == set()


FACTS = """factlint: 1
sources:
  "1": {publisher: 澜州市数据局, title: 数据企业登记通报}
claims:
  - quote: 全市数据企业超600家
    value: 614
    unit: 家
    source: "1"
"""


@pytest.mark.asyncio
async def test_add_a_fact_action_appends_a_claim_that_covers_the_figure(
        client: LanguageClient, tmp_path):
    brief = write(tmp_path / "facts.md", BRIEF)
    facts = write(tmp_path / "facts.facts.yaml", FACTS)
    await _start(client, ["utf-32"])
    uri = open_brief(client, brief)
    [unverified] = [d for d in await published(client, uri) if d.code == "FL303"]
    assert BRIEF.split("\n")[2][unverified.range.start.character:].startswith("达42家")
    actions = await _actions(client, uri, 2, unverified.range.start.character + 2)
    [add] = [a for a in actions if a.title.startswith("factlint: add a fact for 达42家")]
    [(facts_uri, edits)] = add.edit.changes.items()
    assert facts_uri == uri_of(facts)
    new = apply(FACTS, edits)
    assert new.startswith(FACTS) and '  - quote: "骨干企业达42家' in new
    facts.write_text(new, encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=facts_uri, type=types.FileChangeType.Changed)]))
    [unverified] = [d for d in await published(client, uri) if d.code == "FL303"]
    assert "claims[1]" in unverified.message and "`value`" in unverified.message  # the new one


# --- a changed fact file --------------------------------------------------------------------


@pytest.mark.asyncio
async def test_a_changed_fact_file_republishes(client: LanguageClient, tmp_path):
    brief = write(tmp_path / "facts.md", BRIEF)
    facts = write(tmp_path / "facts.facts.yaml", FACTS)
    await _start(client)
    uri = open_brief(client, brief)
    assert "FL301" not in {d.code for d in await published(client, uri)}
    facts.write_text(FACTS.replace("value: 614", "value: 580"), encoding="utf-8")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=uri_of(facts), type=types.FileChangeType.Changed)]))
    [mismatch] = [d for d in await published(client, uri) if d.code == "FL301"]
    assert mismatch.range.start.line == 2 and "580" in mismatch.message


@pytest.mark.asyncio
async def test_a_notes_file_that_comes_later_serves_the_open_chapter(client: LanguageClient,
                                                                     tmp_path):
    chapter = write(tmp_path / "ch1.md", "# 一\n\n本市登记企业1200家[^1]。\n")
    await _start(client)
    uri = open_brief(client, chapter)
    assert "FL101" in {d.code for d in await published(client, uri)}
    notes = write(tmp_path / "notes.md", "# 注释\n\n[^1]: 某市统计局，《企业名录》，2024年。\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=uri_of(notes), type=types.FileChangeType.Created)]))
    assert "FL101" not in {d.code for d in await published(client, uri)}


# --- navigation and hover ---------------------------------------------------------------------


@pytest.mark.asyncio
async def test_hover_and_definition_on_a_marker(client: LanguageClient, tmp_path):
    brief = write(tmp_path / "nav.md", BRIEF)
    await _start(client)
    uri = open_brief(client, brief)
    await published(client, uri)
    at = types.Position(line=2, character=BRIEF.split("\n")[2].index("[^2]") + 2)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at))
    assert "澜州市统计局，《重点企业名录》" in hover.contents.value
    location = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=at))
    assert location.uri == uri and location.range.start.line == 5
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=5, character=3),
        context=types.ReferenceContext(include_declaration=False)))
    assert [(r.range.start.line, r.range.start.character) for r in refs] == [
        (2, BRIEF.split("\n")[2].index("[^2]"))]


@pytest.mark.asyncio
async def test_hover_on_a_figure_shows_its_fact(client: LanguageClient):
    brief = ROOT / "data" / "examples" / "zh-brief.md"
    await _start(client)
    uri = open_brief(client, brief)
    await published(client, uri)
    line = brief.read_text(encoding="utf-8").split("\n")[8]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=8, character=line.index("超600家") + 2)))
    text = hover.contents.value
    assert "true value: 614 家" in text and "verdict: holds" in text
    assert "zh-brief.facts.yaml" in text


@pytest.mark.asyncio
async def test_definition_in_another_file_of_the_document(client: LanguageClient, tmp_path):
    chapter = write(tmp_path / "book" / "guide-one.md",
                    "# 第一章\n\n全市数据企业超600家[^firms]。\n")
    notes = write(tmp_path / "book" / "guide-notes.md",
                  "[^firms]: 澜州市数据局，《数据企业登记通报》\n")
    await _start(client)
    uri = open_brief(client, chapter)
    assert "FL101" not in {d.code for d in await published(client, uri)}
    location = await client.text_document_definition_async(types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=2, character=15)))
    assert location.uri == uri_of(notes) and location.range.start.line == 0


@pytest.mark.asyncio
async def test_links_and_outline(client: LanguageClient, tmp_path):
    text = ("# 报告\n\n## 一、现状\n\n### （一）规模\n\n全市数据企业超600家[^1]。\n\n"
            "## 二、建议\n\n[^1]: 澜州市数据局，《通报》，https://data.example.org/firms\n")
    brief = write(tmp_path / "outline.md", text)
    await _start(client)
    uri = open_brief(client, brief)
    await published(client, uri)
    links = await client.text_document_document_link_async(types.DocumentLinkParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert [link.target for link in links] == ["https://data.example.org/firms"]
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    [top] = symbols
    assert top.name == "报告"
    assert [s.name for s in top.children] == ["一、现状", "二、建议"]
    assert [s.name for s in top.children[0].children] == ["（一）规模"]


@pytest.mark.asyncio
async def test_a_figure_fix_edits_the_brief_and_the_fact_file(client: LanguageClient, tmp_path):
    """FL301's exact wording is a fix with edits in two files: one workspace edit."""
    brief = write(tmp_path / "facts.md", BRIEF)
    facts = write(tmp_path / "facts.facts.yaml", FACTS.replace("value: 614", "value: 580"))
    await _start(client, ["utf-32"])
    uri = open_brief(client, brief)
    [mismatch] = [d for d in await published(client, uri) if d.code == "FL301"]
    actions = await _actions(client, uri, mismatch.range.start.line,
                             mismatch.range.start.character)
    [write_true] = [a for a in actions if a.title.startswith("factlint: write the true value")]
    changes = write_true.edit.changes
    assert set(changes) == {uri, uri_of(facts)}
    fixed = apply(BRIEF, changes[uri])
    assert "580家" in fixed and "超600家" not in fixed
    assert "580家" in apply(facts.read_text(encoding="utf-8"), changes[uri_of(facts)])


# --- a burst of changes -----------------------------------------------------------------------


def test_a_burst_of_changes_is_checked_for_the_newest_text(tmp_path):
    """Changes that come while a check waits or runs are folded into one more check of the
    newest text: a version the editor has already replaced is never published, the newest
    is. (bench_lsp's minimal client over stdio, which keeps every message in order.)"""
    sys.path.insert(0, str(ROOT / "bench"))
    import bench_lsp

    brief = write(tmp_path / "burst.md", BRIEF)
    uri = uri_of(brief)
    client = bench_lsp.Client([sys.executable, "-m", "factlint", "lsp"], dict(os.environ))
    try:
        client.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": BRIEF}})
        client.diagnostics(uri, 1)
        at = BRIEF.split("\n")[2].index("[^2]")
        for version in range(2, 22):  # type "1", delete it, type it again...
            typed = version % 2 == 0
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {
                    "start": {"line": 2, "character": at},
                    "end": {"line": 2, "character": at + (0 if typed else 1)}},
                    "text": "1" if typed else ""}]})
        versions = []
        while 21 not in versions:
            message = client.messages.get(timeout=WAIT)
            if (message.get("method") == "textDocument/publishDiagnostics"
                    and message["params"]["uri"] == uri):
                versions.append(message["params"]["version"])
        assert len(versions) < 20  # folded
        assert versions == sorted(set(versions))  # never an older version after a newer one
    finally:
        client.close()
