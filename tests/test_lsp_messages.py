"""What `factlint lsp` says beside its diagnostics — quick-fix titles, hovers, a refused
*fix all* — in the reader's language, by the order of the command line: `factlint lsp
--messages`, then FACTLINT_MESSAGES, then `messages:` in the configuration, else the
brief's own words. A real LSP client (pytest-lsp) drives the server over stdio."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from test_lsp import published
from test_lsp_urls import open_brief

WAIT = 60  # seconds: a loaded machine is slow; a hung server fails the test

# FL103 (out of order: a renumbering), FL303 (达42家 unverified), FL201-free
BRIEF = """# 报告

全市数据企业超600家<sup>2</sup>。骨干企业达42家<sup>1</sup>。

<sup>1</sup> 来源：澜州市统计局，《重点企业名录》

<sup>2</sup> 来源：澜州市数据局，《数据企业登记通报》
"""
FACTS = """factlint: 1
sources:
  "2": {publisher: 澜州市数据局, title: 数据企业登记通报}
claims:
  - quote: 全市数据企业超600家
    value: 614
    unit: 家
    source: "2"
"""
ENGLISH_WORDS = re.compile(r"[A-Za-z]{3,}")
KEPT = re.compile(r"factlint|</?sup>|claims\[\d+\]|[\w.-]+\.(?:md|yaml)|FL\d{3}|`value`|`data`")


def chinese(text: str) -> bool:
    """Chinese words and no English word but the program's name, file names, codes, the
    brief's own markup and a claim's address in the fact file."""
    rest = KEPT.sub("", text)
    return re.search(r"[\u4e00-\u9fff]", text) is not None and not ENGLISH_WORDS.search(rest)


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FACTLINT_MESSAGES", "LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    return {**env, "LANG": "C.UTF-8", **extra}


async def start(*args: str, env: dict[str, str] | None = None, disabled: bool = True
                ) -> LanguageClient:
    client = await ClientServerConfig(
        server_command=[sys.executable, "-m", "factlint", "lsp", *args],
        server_env=env or environment()).start()

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:  # the watched files
        return None

    capabilities = client_capabilities("visual-studio-code")
    capabilities.general = types.GeneralClientCapabilities(position_encodings=["utf-32"])
    if not disabled:  # a client that cannot show a disabled action
        capabilities.text_document.code_action.disabled_support = False
    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities, initialization_options={"debounce": 0}))
    return client


async def stop(client: LanguageClient) -> None:
    await client.shutdown_session()
    await client.stop()


async def actions(client: LanguageClient, uri: str, line: int, character: int,
                  only: list[str] | None = None) -> list[types.CodeAction]:
    position = types.Position(line=line, character=character)
    return await asyncio.wait_for(client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(start=position, end=position),
        context=types.CodeActionContext(diagnostics=[], only=only))), WAIT)


async def hover(client: LanguageClient, uri: str, line: int, character: int) -> str:
    found = await asyncio.wait_for(client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        position=types.Position(line=line, character=character))), WAIT)
    return found.contents.value


def brief_in(tmp_path: Path, config: str | None = None) -> Path:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "b.md").write_text(BRIEF, encoding="utf-8")
    (tmp_path / "b.facts.yaml").write_text(FACTS, encoding="utf-8")
    if config is not None:
        (tmp_path / ".factlint.yaml").write_text(config, encoding="utf-8")
    return tmp_path / "b.md"


async def titles_and_hovers(tmp_path: Path, *args: str, env: dict[str, str] | None = None,
                            config: str | None = None) -> list[str]:
    """The code actions' titles on an unverified figure and an out-of-order marker, and the
    hovers on a marker, a verified figure and an unverified one."""
    client = await start(*args, env=env)
    try:
        uri = open_brief(client, brief_in(tmp_path, config))
        await published(client, uri)
        line = BRIEF.split("\n")[2]
        found = await actions(client, uri, 2, line.index("达42家") + 2)
        found += await actions(client, uri, 2, line.index("<sup>2"))
        texts = [a.title for a in found]
        for column in (line.index("<sup>2") + 5, line.index("超600家") + 1,
                       line.index("达42家") + 1):
            texts.append(await hover(client, uri, 2, column))
        return texts
    finally:
        await stop(client)


@pytest.mark.asyncio
async def test_a_chinese_brief_gets_chinese_titles_and_hovers(tmp_path):
    texts = await titles_and_hovers(tmp_path)
    titles, hovers = texts[:-3], texts[-3:]
    # add a fact (达42家), disable FL303; renumber (FL103), disable FL103, fix all
    assert len(titles) == 5, titles
    assert any("重新编号" in t for t in titles) and any("全部修复" in t for t in titles)
    assert any("添加一条事实" in t for t in titles) and any("不再检查" in t for t in titles)
    for text in texts:
        assert chinese(text), text
    assert "来源 2" in hovers[0] and "真实数值：614 家" in hovers[1]


@pytest.mark.asyncio
async def test_messages_en_gives_english(tmp_path):
    texts = await titles_and_hovers(tmp_path, "--messages", "en")
    assert "factlint: disable FL303 for this line" in texts
    assert any(t.startswith("factlint: fix all (renumber") for t in texts)
    assert any(t.startswith("factlint: add a fact for 达42家 to b.facts.yaml") for t in texts)
    assert "- true value: 614 家" in texts[-2]
    assert not any(re.search(r"[\u4e00-\u9fff]", t.replace("达42家", "").replace("超600家", "")
                             .replace("全市数据企业", "")) for t in texts[:-3])


@pytest.mark.asyncio
async def test_the_environment_and_then_the_configuration_choose(tmp_path):
    by_environment = await titles_and_hovers(tmp_path / "env",
                                             env=environment(FACTLINT_MESSAGES="en"))
    assert "factlint: disable FL303 for this line" in by_environment
    by_configuration = await titles_and_hovers(tmp_path / "config", config="messages: en\n")
    assert "factlint: disable FL303 for this line" in by_configuration
    # the command line wins over the configuration
    overruled = await titles_and_hovers(tmp_path / "both", "--messages", "zh",
                                        config="messages: en\n")
    assert "factlint：这一行不再检查 FL303" in overruled


BROKEN_FACTS = "factlint: 1\nclaims:\n  - quote: [unclosed\n"


@pytest.mark.asyncio
@pytest.mark.parametrize("disabled", [True, False])
async def test_a_refused_fix_all_reaches_the_client_in_chinese(tmp_path, disabled):
    brief = brief_in(tmp_path)
    (tmp_path / "b.facts.yaml").write_text(BROKEN_FACTS, encoding="utf-8")
    client = await start(disabled=disabled)
    try:
        uri = open_brief(client, brief)
        await published(client, uri)
        found = await actions(client, uri, 0, 0, only=["source.fixAll"])
        if disabled:  # the action, greyed out, says why
            [refused] = found
            assert refused.edit is None and refused.title == "factlint：全部修复"
            reason = refused.disabled.reason
        else:  # else a message, once for this version of the text
            assert not found
            await actions(client, uri, 0, 0, only=["source.fixAll"])
            [message] = client.messages
            assert message.type == types.MessageType.Warning
            reason = message.message
        assert reason.startswith("factlint：无法全部修复：") and "YAML" in reason, reason
        assert not ENGLISH_WORDS.search(reason.split("解析器提示")[0].replace("factlint", "")
                                        .replace("YAML", "")), reason
    finally:
        await stop(client)


@pytest.mark.asyncio
async def test_a_configuration_problem_is_told_in_the_briefs_language(tmp_path):
    brief = brief_in(tmp_path, config="messages: klingon\n")
    client = await start()
    try:
        uri = open_brief(client, brief)
        [problem] = await published(client, uri)
        assert problem.code == "config"
        assert "：配置有误：`messages` 不能是 'klingon'" in problem.message
    finally:
        await stop(client)
