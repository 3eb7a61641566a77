"""The diagnostics `factlint lsp` publishes are JSON it writes itself (lsp.diagnostic_json):
the bytes on the wire must be those pygls wrote when the server handed it lsprotocol
objects, as it did before, for every finding and in both position encodings."""

from __future__ import annotations

import json
import os
from pathlib import Path
from random import Random

import pytest
from conftest import SEED, shared_or_skip
from lsprotocol import types
from pygls.protocol import default_converter
from pygls.uris import from_fs_path

from factlint import api, lsp
from factlint.finding import Finding


class Wire:
    """A writer that keeps the messages the server writes, headers and body."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.bodies.append(data)


def body(message: bytes) -> dict:
    header, _, text = message.partition(b"\r\n\r\n")
    assert header.startswith(b"Content-Length: %d\r\n" % len(text))
    return json.loads(text)

    def close(self) -> None:
        pass


def server_on(wire: Wire, encoding: str) -> lsp.FactlintServer:
    server = lsp.FactlintServer()
    server.protocol.set_writer(wire)
    capabilities = types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=[encoding]))
    initialize = server.protocol.lsp_initialize(types.InitializeParams(capabilities=capabilities))
    with pytest.raises(StopIteration):
        next(initialize)
    assert server.workspace.position_encoding == encoding
    return server


def position_before(text: lsp.Text, line: int, column: int) -> types.Position:
    """A finding's place as the server computed it before ``Text.place`` (by offset)."""
    line = max(0, min(line - 1, len(text.starts) - 1))
    end = text.starts[line + 1] - 1 if line + 1 < len(text.starts) else len(text.text)
    return text.position(min(text.starts[line] + max(column - 1, 0), end))


def diagnostic_before(finding: Finding, text: lsp.Text, result) -> types.Diagnostic:
    """The Diagnostic the server handed pygls for a finding before it wrote JSON itself."""
    return types.Diagnostic(
        range=types.Range(start=position_before(text, finding.line, finding.column),
                          end=position_before(text, finding.end_line, finding.end_column)),
        message=result.message(finding),
        severity=lsp.SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.code, source="factlint", data={"rule": finding.name})


def strays(path: str, text: str) -> list[Finding]:
    """Findings placed past the text's lines and past their line's end, and before the
    first column: what the position conversion clamps."""
    lines = text.split("\n")
    longest = max(range(len(lines)), key=lambda i: len(lines[i])) + 1
    return [Finding(path, len(lines) + 5, 3, len(lines) + 9, 1, "FL999", "stray", "info", "a"),
            Finding(path, longest, 10_000, longest, 20_000, "FL999", "stray", "error", "b"),
            Finding(path, 1, 0, 1, -4, "FL999", "stray", "unknown", "c")]


def publish_both_ways(server: lsp.FactlintServer, wire: Wire, path, text: str
                      ) -> tuple[list[bytes], list[bytes]]:
    """What the server sends for the brief at ``path`` holding ``text`` (its own findings
    with a few strays, and those of other files), and what it sent before."""
    uri = from_fs_path(str(path))
    buffer = lsp.Buffer(uri, str(path), lsp.Text(text, server.utf16), 7)
    checked = api.inspect_text(text, str(path))
    checked.result.findings.extend(strays(str(path), text))
    buffer.checked, buffer.checked_text, buffer.checked_version = checked, buffer.text, 7
    server.buffers[uri] = buffer
    server.publish(buffer)
    sent = wire.bodies[:]
    wire.bodies.clear()
    result = checked.result
    own = [diagnostic_before(f, buffer.text, result) for f in result.findings
           if os.path.abspath(f.path) == os.path.abspath(path)]
    server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=uri, diagnostics=own, version=7))
    for other in sorted({f.path for f in result.findings} - {str(path)}):
        with open(other, encoding="utf-8", newline="") as stream:
            other_text = lsp.Text(stream.read(), server.utf16)
        server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=from_fs_path(other), diagnostics=[
                diagnostic_before(f, other_text, result)
                for f in sorted(f for f in result.findings if f.path == other)]))
    before = wire.bodies[:]
    wire.bodies.clear()
    return sent, before


ASTRAL_BRIEF = """# 😀 标题 𠀀

𠀀𠀁 全市数据企业超600家，😀骨干企业达42家[^1]。An 😀 emoji, then 35% of firms grew.

| 𠀀 | 2023 |
| --- | --- |
| 😀😀 | 1,200 |

[^1]: 澜州市数据局，《𠀀数据企业名录》
"""

# a fact file whose schema error lies after astral characters on its line (FL502 in it)
ASTRAL_FACTS = '{\n  "factlint": 1,\n  "claims": [{"quote": "😀𠀀", "value": "many"}]\n}\n'


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_seed_payload_is_what_pygls_sent(tmp_path, encoding):
    text = shared_or_skip(SEED).read_text(encoding="utf-8")
    wire = Wire()
    server = server_on(wire, encoding)
    sent, before = publish_both_ways(server, wire, tmp_path / "seed.md", text)
    assert len(body(sent[0])["params"]["diagnostics"]) == 29 + 3
    assert sent == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_astral_payload_is_what_pygls_sent(tmp_path, encoding):
    (tmp_path / "astral.facts.json").write_text(ASTRAL_FACTS, encoding="utf-8")
    wire = Wire()
    server = server_on(wire, encoding)
    sent, before = publish_both_ways(server, wire, tmp_path / "astral.md", ASTRAL_BRIEF)
    assert len(sent) == 2  # the brief's diagnostics, and the fact file's
    facts = body(sent[1])["params"]
    assert facts["uri"].endswith("astral.facts.json")
    [schema] = [d for d in facts["diagnostics"] if d["code"] == "FL502"]
    column = ASTRAL_FACTS.split("\n")[2].index('"many"')
    shift = 2 if encoding == "utf-16" else 0  # 😀 and 𠀀 before it: one more unit each
    assert schema["range"]["start"] == {"line": 2, "character": column + shift}
    own = body(sent[0])["params"]["diagnostics"]
    assert {d["code"] for d in own} >= {"FL201"}
    assert sent == before


def test_a_configuration_problem_is_what_pygls_sent(tmp_path):
    (tmp_path / ".factlint.yaml").write_text("fail_on: sometimes\n", encoding="utf-8")
    wire = Wire()
    server = server_on(wire, "utf-16")
    brief = tmp_path / "brief.md"
    uri = from_fs_path(str(brief))
    buffer = lsp.Buffer(uri, str(brief), lsp.Text("# x\n", True), 3)
    checked = api.inspect_text("# x\n", str(brief))
    assert checked.problem
    buffer.checked, buffer.checked_text, buffer.checked_version = checked, buffer.text, 3
    server.buffers[uri] = buffer
    server.publish(buffer)
    server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
        uri=uri, version=3, diagnostics=[types.Diagnostic(
            range=buffer.text.range(0, 0), message=checked.problem, source="factlint",
            severity=types.DiagnosticSeverity.Error, code="config")]))
    assert wire.bodies[0] == wire.bodies[1]


def test_code_actions_name_the_diagnostics_as_published(tmp_path):
    """A code action's diagnostics (lsp.diagnostic) are those published, so that the
    client matches them."""
    converter = default_converter()
    for utf16 in (True, False):
        text = lsp.Text(ASTRAL_BRIEF, utf16)
        result = api.inspect_text(ASTRAL_BRIEF, str(tmp_path / "astral.md")).result
        for finding in [*result.findings, *strays(str(tmp_path / "astral.md"), ASTRAL_BRIEF)]:
            assert converter.unstructure(lsp.diagnostic(finding, text, result)) == json.loads(
                lsp.diagnostic_json(finding, text, result.message(finding), {}, {}))


EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "examples"
TYPED = ["", "", "数", "😀", "𠀀", "\n", "\n\n", "[^1]", "[^9]", "42%", "，约1.5亿元",
         "全市企业超600家。", "\n# 标题 😀\n", "\n[^1]: 澜州市数据局，《名录》\n", "1. "]


def test_random_edits_of_a_large_brief_publish_what_a_fresh_buffer_would(tmp_path):
    """A buffer kept over 30 random edits (its Text edited, its sent diagnostics reused)
    publishes the bytes a buffer made afresh for the same text publishes."""
    pieces = [(EXAMPLES / name).read_text(encoding="utf-8") for name in ("zh-brief.md",
                                                                          "en-brief.md")]
    text = "\n\n".join(pieces * 15) + "\n😀 𠀀 全市数据企业超600家。\n"  # ~70 KB
    path = tmp_path / "large.md"
    uri = from_fs_path(str(path))
    wire = Wire()
    server = server_on(wire, "utf-16")
    kept = lsp.Buffer(uri, str(path), lsp.Text(text, True), 1)
    kept.checked = api.inspect_text(text, str(path))
    random = Random(15)
    reused = 0
    for version in range(2, 32):
        start = random.randrange(len(text) + 1)
        end = min(len(text), start + random.choice([0, 0, 1, 3, 40, 400]))
        new = random.choice(TYPED)
        if version % 3 == 0:  # a character before a finding, on its line, made astral:
            # the finding keeps its line and column, its UTF-16 position moves
            finding = random.choice([f for f in kept.checked.result.findings
                                     if f.column > 1 and f.path == str(path)])
            start = kept.text.starts[finding.line - 1] + random.randrange(finding.column - 1)
            end, new = start + 1, "😀"
        text = text[:start] + new + text[end:]
        kept.text = kept.text.edited(start, end, new, True)
        before = kept.sent
        fresh = lsp.Buffer(uri, str(path), lsp.Text(text, True), version)
        for buffer in (kept, fresh):
            buffer.checked = api.inspect_text(buffer.text.text, str(path))
            buffer.checked_text, buffer.checked_version = buffer.text, version
            server.buffers[uri] = buffer
            server.publish(buffer)
        assert wire.bodies[-1] == wire.bodies[-2], (start, end, new)
        reused += sum(1 for said, made in kept.sent.items() if before.get(said) is made)
    assert reused > 30 * 250  # most of the ~320 diagnostics of each edit were kept
