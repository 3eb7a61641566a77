"""FL403's fix, one edit wherever it is offered: a permanently redirected URL replaced with
the target the checker vetted, Markdown-significant characters escaped. The language server
offers it as a quick fix from the URL cache (never fetching while one types) or from its own
background check (``urls: check``); SARIF and ``factlint fix --urls`` carry the same edit.
A real server on 127.0.0.1 redirects; a real LSP client (pytest-lsp) drives `factlint lsp`."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from urlserver import LoopbackServer, answer, redirect

WAIT = 60  # seconds: a loaded machine is slow; a hung server fails the test


@pytest.fixture
def site():
    with LoopbackServer("127.0.0.1") as running:
        running.fallback = answer(200)  # every path a redirect may lead to exists
        yield running


def brief_text(url: str) -> str:
    return (f"# 澜州数据产业\n\n全市数据企业超600家[^1]。\n\n"
            f"[^1]: 澜州市数据局，《数据企业登记通报》，{url}#table-2\n")


def environment(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}


def factlint(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "factlint", *args, "--allow-private"],
                          capture_output=True, text=True, env=environment(tmp_path),
                          cwd=tmp_path)


async def start(tmp_path: Path, **options) -> LanguageClient:
    """`factlint lsp --allow-private` (the address policy only the command line widens),
    its URL cache in ``tmp_path``."""
    config = ClientServerConfig(
        server_command=[sys.executable, "-m", "factlint", "lsp", "--allow-private"],
        server_env=environment(tmp_path))
    client = await config.start()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:  # the watched files
        return None

    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=["utf-32"])
    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities, initialization_options={"debounce": 0, **options}))
    return client


async def stop(client: LanguageClient) -> None:
    await client.shutdown_session()
    await client.stop()


async def published(client: LanguageClient, uri: str, code: str | None = None
                    ) -> list[types.Diagnostic]:
    """The next diagnostics published for ``uri`` (with ``code``: the first that has it)."""
    async def wait() -> list[types.Diagnostic]:
        while True:
            while uri not in client.diagnostics:
                await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
            diagnostics = list(client.diagnostics.pop(uri))
            if code is None or code in {d.code for d in diagnostics}:
                return diagnostics

    return await asyncio.wait_for(wait(), WAIT)


def open_brief(client: LanguageClient, path: Path) -> str:
    uri = path.resolve().as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=1,
                                             text=path.read_text(encoding="utf-8"))))
    return uri


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-32 positions) to ``text``."""
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(position: types.Position) -> int:
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[:offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end):]
    return text


async def quick_fix(client: LanguageClient, uri: str, diagnostic: types.Diagnostic
                    ) -> types.CodeAction:
    actions = await asyncio.wait_for(client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]))), WAIT)
    [action] = [a for a in actions if a.kind == types.CodeActionKind.QuickFix
                and "redirected URL" in a.title]
    return action


def fixed_by_cli(tmp_path: Path, text: str) -> str:
    copy = tmp_path / "cli" / "brief.md"
    copy.parent.mkdir(exist_ok=True)
    copy.write_text(text, encoding="utf-8")
    done = factlint(tmp_path, "fix", "--urls", str(copy))
    assert done.returncode == 0, done.stderr
    return copy.read_text(encoding="utf-8")


@pytest.mark.asyncio
async def test_the_quick_fix_comes_from_the_url_cache_check_writes(tmp_path, site):
    """Typing never fetches: the server reads the cache `factlint check` writes, and offers
    the redirected URL's replacement as soon as the cache knows it."""
    old = site.route("/old", redirect(301, "/new(2024)"))
    text = brief_text(old)
    brief = tmp_path / "brief.md"
    brief.write_text(text, encoding="utf-8")
    client = await start(tmp_path)
    try:
        uri = open_brief(client, brief)
        assert "FL403" not in {d.code for d in await published(client, uri)}
        assert site.hits("/old") == 0  # nothing is fetched by the editor

        factlint(tmp_path, "check", str(brief))  # learns the redirect, stores it
        assert site.hits("/old") >= 1
        client.text_document_did_save(types.DidSaveTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri)))
        [moved] = [d for d in await published(client, uri, "FL403") if d.code == "FL403"]
        line = text.split("\n")[4]
        assert (moved.range.start.line, moved.range.start.character) == (4, line.index("http"))
        fixed = apply(text, (await quick_fix(client, uri, moved)).edit.changes[uri])
        target = site.url("/new%282024%29") + "#table-2"  # Markdown's ( ) escaped
        assert fixed == text.replace(f"{old}#table-2", target)
        assert fixed == fixed_by_cli(tmp_path, text)

        asked = site.hits("/old")
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(
                text=text.replace("超600家", "超610家"))]))
        assert "FL403" in {d.code for d in await published(client, uri)}
        assert site.hits("/old") == asked  # still known from the cache, not fetched again
    finally:
        await stop(client)


@pytest.mark.asyncio
async def test_urls_check_finds_the_redirect_in_the_background(tmp_path, site):
    old = site.route("/moved", redirect(308, site.url("/final")))
    text = brief_text(old)
    brief = tmp_path / "brief.md"
    brief.write_text(text, encoding="utf-8")
    client = await start(tmp_path, urls="check")
    try:
        uri = open_brief(client, brief)
        [moved] = [d for d in await published(client, uri, "FL403") if d.code == "FL403"]
        assert site.hits("/moved") >= 1
        fixed = apply(text, (await quick_fix(client, uri, moved)).edit.changes[uri])
        assert fixed == text.replace(old, site.url("/final"))
        assert json.loads((tmp_path / "cache" / "factlint" / "urls.json").read_text(
            encoding="utf-8"))["urls"][old]["kind"] == "redirected"
    finally:
        await stop(client)


@pytest.mark.asyncio
async def test_urls_off_shows_no_url_findings(tmp_path, site):
    old = site.route("/old", redirect(301, "/new"))
    brief = tmp_path / "brief.md"
    brief.write_text(brief_text(old), encoding="utf-8")
    factlint(tmp_path, "check", str(brief))  # the cache knows the redirect
    client = await start(tmp_path, urls="off")
    try:
        uri = open_brief(client, brief)
        assert "FL403" not in {d.code for d in await published(client, uri)}
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
            settings={"factlint": {"urls": "cache"}}))
        assert "FL403" in {d.code for d in await published(client, uri)}
    finally:
        await stop(client)


def test_sarif_json_and_fix_urls_carry_the_same_edit(tmp_path, site):
    old = site.route("/old", redirect(301, "/a[b]"))
    text = brief_text(old)
    brief = tmp_path / "brief.md"
    brief.write_text(text, encoding="utf-8")
    report = json.loads(factlint(tmp_path, "check", "--format", "json", str(brief)).stdout)
    [moved] = [f for f in report["findings"] if f["code"] == "FL403"]
    assert moved["fixable"] is True
    sarif = json.loads(factlint(tmp_path, "check", "--format", "sarif", str(brief)).stdout)
    [result] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "FL403"]
    [fix] = result["fixes"]
    [change] = fix["artifactChanges"]
    [replacement] = change["replacements"]
    region = replacement["deletedRegion"]
    lines = text.split("\n")
    assert region["startLine"] == region["endLine"] == 5
    line = lines[4]
    lines[4] = (line[:region["startColumn"] - 1] + replacement["insertedContent"]["text"]
                + line[region["endColumn"] - 1:])
    applied = "\n".join(lines)
    assert applied == text.replace(old, site.url("/a%5Bb%5D"))
    assert applied == fixed_by_cli(tmp_path, text)
