"""Chinese messages are Chinese all through: no English detail, reason or problem text is
interpolated into them. Every finding of the seed, the examples, the rules' documented
examples and planted faults for every code (fact files, data files, URLs, evidence,
directives, unreadable input) is rendered in Chinese, and what is left once quoted text,
URLs, file names, codes and identifiers are taken out must hold no English word."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SEED, shared_or_skip
from test_fact_rules import FIXTURES, lint_with_facts
from urlserver import LoopbackServer, answer, redirect

from factlint import messages
from factlint.engine import RunOptions, run
from factlint.urls import UrlRef, UrlSettings, check_urls

# What a Chinese message may show in Latin letters: what it quotes (“…”, 《…》, `…`), URLs,
# file names and paths, rule codes, command options, JSON paths and identifiers (words
# with a digit, _ or - inside, claims[3].value), acronyms (YAML, HTTP, DOI, UTF-8), and
# the program's name.
_ALLOWED = re.compile(
    r"“[^”]*”|‘[^’]*’|《[^》]*》|`[^`]*`|「[^」]*」"
    r"|\b[a-z][a-z0-9+.-]*://[^\s，。；：（）、“”]*"
    r"|\bwww\.[^\s，。；：（）、“”]*"
    r"|[\w./\\~-]*\.(?:md|csv|json|yaml|yml|xlsx|ods|docx|pdf|txt|html?|tsv)\b"
    r"|(?:/[\w.-]+)+"
    r"|\bFL\d{3}\b|--[a-z][a-z-]*"
    r"|\b\w*[\[\]]\S*"
    r"|\b[A-Za-z]+(?:[_\d-][A-Za-z\d]*)+\b"
    r"|\b[A-Z]{2,}s?\b"
    r"|\bfactlint\b")
_WORD = re.compile(r"[A-Za-z]{4,}")


def english_left(text: str) -> list[str]:
    """The English words of ``text`` outside what a Chinese message may quote or name."""
    return _WORD.findall(_ALLOWED.sub(" ", text))


@pytest.mark.parametrize(("text", "words"), [
    ("来源 3 没有网址：请补上", []),
    ("“There were 1,159 firms” 与事实文件 facts.yaml 不符（FL301）", []),
    ("网址打不开：https://example.org/a/b 返回 HTTP 404", []),
    ("claims[5].value：必须是数字", []),
    ("网址打不开：URL answered 404 Not Found", ["answered", "Found"]),
    ("数据文件 anhui.csv not found (looked in /tmp/x)", ["found", "looked"]),
])
def test_the_allow_list(text, words):
    assert english_left(text) == words


# --- planted faults ----------------------------------------------------------------------

# (replace in the fact file, replace in a data file): each gives FL30x/FL50x findings
FACT_FAULTS = [
    ({"guangxi-data/anhui.csv, where: {item: 数据企业":
      "guangxi-data/anhui-2025.csv, where: {item: 数据企业"}, {}),
    ({"where: {item: 数据企业, year: 2025}": "where: {item: 数据企业, year: 2023}"}, {}),
    ({"where: {item: 数据企业, year: 2025}": "where: {item: 数据企业}"}, {}),
    ({"column: count}\n    unit: 家\n    source: 22\n  - id: anhui-parks":
      "column: total}\n    unit: 家\n    source: 22\n  - id: anhui-parks"}, {}),
    ({"pointer: /merchants}": "pointer: /merchant}"}, {}),
    ({"pointer: /merchants}": "pointer: merchants}"}, {}),
    ({}, {"hangzhou.csv": {"68.3%": "约七成左右"}}),
    ({"quote: 数据中介 442 家": "quote: 数据中介 424 家"}, {}),
    ({"quote: 汇聚数据商 1159 家": "quote: 数据产业"}, {}),
    ({"value: 10.6\n    unit: 亿元": "value: 10.6\n    unit: 万元"}, {}),
    ({"value: 1159\n": "value: 1159\n    unit: 个\n"}, {}),
    ({"publisher: 浙江省经济信息中心": "publisher: 浙江日报"}, {}),
    ({"value: 442": "value: [442"}, {}),
    ({"value: 442": "value: many"}, {}),
    ({"value: 442": "value: 442\n    accessed: yesterday"}, {}),
    ({"value: 442": "value: 442\n    tolerance: -1"}, {}),
    ({"value: 442": "value: .nan"}, {}),
    ({"factlint: 1": "factlint: 2"}, {}),
    ({"factlint: 1": "factlint: 1\nextra: {a: 1}"}, {}),
    ({"  - id: xiangjiang-chains\n": "  - id: xiangjiang-chains\n    valeu: 3\n"}, {}),
    ({"  - id: xiangjiang-chains\n": "  - id: anhui-parks\n"}, {}),
    ({"value: 442": "value: 442\n    value: 443"}, {}),
    ({"value: 442": "value: !!python/object x"}, {}),
    ({"value: 442": "value: *nothing"}, {}),
    ({"factlint: 1": "- factlint: 1"}, {}),
]


def _fact_fault_findings(tmp_path: Path) -> list:
    seed = shared_or_skip(SEED)
    found = []
    for index, (replace, data) in enumerate(FACT_FAULTS):
        folder = tmp_path / f"fault-{index}"
        shutil.copytree(FIXTURES, folder)
        facts = folder / "guangxi.facts.yaml"
        text = facts.read_text(encoding="utf-8")
        for old, new in replace.items():
            assert old in text, old
            text = text.replace(old, new, 1)
        facts.write_text(text, encoding="utf-8")
        for name, changes in data.items():
            path = folder / "guangxi-data" / name
            content = path.read_text(encoding="utf-8-sig")
            for old, new in changes.items():
                content = content.replace(old, new)
            path.write_text(content, encoding="utf-8")
        brief = folder / "guangxi-data-industry-brief.md"
        shutil.copy(seed, brief)
        found += lint_with_facts(brief, facts)
    return found


def _engine_findings(*paths: Path, **options) -> list:
    return run(RunOptions(paths=tuple(str(p) for p in paths), offline=True, jobs=1,
                          **options)).findings


def _input_faults(tmp_path: Path) -> list:
    """FL001 and FL604, and FL305 of computed claims and unreadable data files."""
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / "binary.md").write_bytes(b"\x00\x01\x02binary\xff\xfe")
    (folder / "latin1.md").write_bytes(b"caf\xe9 au lait 12\n")
    (folder / "directives.md").write_text(
        "数据商已有 1159 家<sup>1</sup>。<!-- factlint-disable-next-line FL999 -->\n\n"
        "<!-- factlint-disable -->\n<!-- factlint: bogus -->\n\n"
        "<sup>1</sup> 来源：某局，《数据交易年报》\n", encoding="utf-8")
    computed = folder / "computed"
    computed.mkdir()
    (computed / "brief.md").write_text(
        "两地共有数据商 2000 家<sup>1</sup>，增长 30%<sup>1</sup>，规模 5 亿元<sup>1</sup>。\n\n"
        "<sup>1</sup> 来源：某局，《数据交易年报》\n", encoding="utf-8")
    (computed / "bad.json").write_text("{not json", encoding="utf-8")
    (computed / "brief.facts.yaml").write_text(
        "factlint: 1\nclaims:\n"
        "  - quote: 两地共有数据商 2000 家\n    compute: {op: sum, of: [a, nobody]}\n"
        "  - id: a\n    quote: 增长 30%\n    compute: {op: frobnicate, of: [a]}\n"
        "  - quote: 规模 5 亿元\n    data: {file: bad.json, pointer: /x}\n    unit: 亿元\n",
        encoding="utf-8")
    return _engine_findings(folder)


def _url_findings(tmp_path: Path) -> list:
    """FL401-FL406 from a real server on 127.0.0.1 (and the address policy)."""
    with LoopbackServer("127.0.0.1") as server:
        server.route("/gone", answer(404))
        server.route("/error", answer(503))
        server.route("/moved", redirect(301, "/new"))
        server.route("/new", answer(200))
        server.route("/loop", redirect(302, "/loop"))
        server.route("/bad-target", redirect(302, "ftp://example.org/x"))
        server.route("/busy", answer(429, ("Retry-After", "9999")))
        server.route("/slow", answer(200, delay=2.0))
        urls = [server.url(p) for p in ("/gone", "/error", "/moved", "/loop", "/bad-target",
                                        "/busy", "/slow")]
        urls += ["ftp://example.org/file", "https://exa mple.org/", "example.org/page",
                 "http://127.0.0.1:1/refused"]
        refs = [UrlRef(url, "brief.md", i + 1, 1, i + 1, 10) for i, url in enumerate(urls)]
        settings = UrlSettings(timeout=0.5, retries=1, backoff=0.05, use_cache=False,
                               allowed_networks=("127.0.0.0/8",))
        found = check_urls(refs, settings, progress=False).findings
        blocked = check_urls(refs[:1], UrlSettings(use_cache=False), progress=False).findings
        unchecked = check_urls([UrlRef(server.url("/slow"), "brief.md", 1, 1, 1, 10)],
                               UrlSettings(timeout=5, deadline=1, use_cache=False,
                                           allowed_networks=("127.0.0.0/8",)),
                               progress=False).findings
    return found + blocked + unchecked


def _rule_example_findings(tmp_path: Path) -> list:
    from factlint.registry import registry
    from factlint.rules.facts import example_files

    found = []
    for rule in registry():
        example = rule.example("Bad")
        if not example:
            continue
        folder = tmp_path / f"example-{rule.code}"
        folder.mkdir()
        for name, text in example_files(example).items():
            (folder / name).write_text(text, encoding="utf-8")
        found += _engine_findings(folder)
    return found


def _check_chinese(findings, needed: set[str]) -> None:
    assert needed <= {f.code for f in findings}, needed - {f.code for f in findings}
    leftovers = {}
    for finding in findings:
        for language in ("zh", "zh-Hant"):
            text = messages.text_of(finding, language)
            words = english_left(text)
            if words:
                leftovers.setdefault(finding.code, []).append(f"{text}  <- {words}")
    assert not leftovers, "\n".join(f"{code}: {texts[0]}" for code, texts in
                                    sorted(leftovers.items()))


def test_seed_examples_and_fixtures_in_chinese():
    seed = shared_or_skip(SEED)
    findings = _engine_findings(seed, ROOT / "data", ROOT / "tests" / "fixtures")
    _check_chinese(findings, {"FL107", "FL603", "FL301"})


def test_rule_examples_in_chinese(tmp_path):
    _check_chinese(_rule_example_findings(tmp_path),
                   {"FL101", "FL201", "FL301", "FL302", "FL305", "FL307", "FL309", "FL604"})


def test_fact_file_faults_in_chinese(tmp_path):
    _check_chinese(_fact_fault_findings(tmp_path),
                   {"FL302", "FL305", "FL307", "FL308", "FL501", "FL502"})


def test_input_faults_in_chinese(tmp_path):
    _check_chinese(_input_faults(tmp_path), {"FL001", "FL305", "FL604"})


def test_url_outcomes_in_chinese(tmp_path):
    _check_chinese(_url_findings(tmp_path),
                   {"FL401", "FL402", "FL403", "FL404", "FL405", "FL406"})
