"""The HTML report: self-contained, claims by status, every link lands on an anchor."""

from __future__ import annotations

import importlib.util
import io
import pickle
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT, SEED, shared_or_skip

from factlint.config import Settings
from factlint.document import read_document
from factlint.engine import FileResult, RunOptions, RunResult, run
from factlint.messages import render
from factlint.report import FORMATS, ReportOptions, reporter
from factlint.report.html import document_view
from factlint.rules import Context

FIXTURES = Path(__file__).parent / "fixtures" / "html"
BRIEF = FIXTURES / "brief.md"
VOID = {"meta", "input", "br", "img", "hr", "link", "source", "wbr", "col", "area", "base", "embed"}


class Page(HTMLParser):
    """Every element with its attributes and its text (descendants included)."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.stack: list[dict] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": "",
                   "parent": self.stack[-1] if self.stack else None}
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index]["tag"] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        for element in self.stack:
            element["text"] += data

    def ids(self) -> list[str]:
        return [e["attrs"]["id"] for e in self.elements if "id" in e["attrs"]]

    def by_id(self, anchor: str) -> dict:
        return next(e for e in self.elements if e["attrs"].get("id") == anchor)

    def with_class(self, name: str) -> list[dict]:
        return [e for e in self.elements if name in (e["attrs"].get("class") or "").split()]

    def local_links(self) -> list[str]:
        return [e["attrs"]["href"][1:] for e in self.elements
                if e["tag"] == "a" and (e["attrs"].get("href") or "").startswith("#")]


def report(*paths: str | Path, collect_views: bool = True) -> tuple[RunResult, str]:
    result = run(RunOptions(paths=tuple(str(p) for p in paths), offline=True,
                            view_of=document_view if collect_views else None, jobs=1))
    stream = io.StringIO()
    reporter("html")(result, stream, ReportOptions())
    return result, stream.getvalue()


def claim_statuses(page: Page) -> dict[str, str]:
    """Claim text (without the screen-reader label and badge) -> status.

    A claim is one element, or several sharing ``data-claim`` where nesting or a
    page split interrupts it.
    """
    texts: dict[str, str] = {}
    statuses: dict[str, str] = {}
    for element in page.elements:
        claim = element["attrs"].get("data-claim")
        if claim and not any(p is not None and p["attrs"].get("data-claim") == claim
                             for p in _ancestors(element)):
            texts[claim] = texts.get(claim, "") + element["text"]
            statuses[claim] = element["attrs"]["data-status"]
    return {re.sub(r"^\[[^\]]+\] ", "", text).rstrip("✓!✗"): statuses[claim]
            for claim, text in texts.items()}


def _ancestors(element: dict):
    parent = element["parent"]
    while parent is not None:
        yield parent
        parent = parent["parent"]


def assert_self_contained(markup: str) -> None:
    page = Page(markup)
    for element in page.elements:
        for name, value in element["attrs"].items():
            if name in ("src", "srcset", "data", "poster", "background", "action", "formaction"):
                pytest.fail(f"<{element['tag']} {name}=…> loads a resource: {value}")
            if name == "href" and element["tag"] != "a":
                pytest.fail(f"<{element['tag']} href={value}> loads a resource")
            if name == "href" and re.match(r"\s*(javascript|data|vbscript):", value or "", re.I):
                pytest.fail(f"<a href={value}> runs code")
            if re.search(r"https?:", value or "", re.I) and name not in ("href", "title"):
                pytest.fail(f"<{element['tag']} {name}={value}> names an address")
    assert "@import" not in markup
    assert not re.search(r"url\(", markup, re.I)
    assert not re.search(r"<(script|link|img|iframe|embed|object|audio|video)\b[^>]*\s(src|href)=",
                         markup, re.I)


def assert_links_land(page: Page) -> None:
    ids = page.ids()
    assert len(ids) == len(set(ids)), "duplicate ids: " + ", ".join(
        sorted({i for i in ids if ids.count(i) > 1}))
    missing = sorted(set(page.local_links()) - set(ids))
    assert not missing, f"links to missing anchors: {missing}"


# --- the fixture brief, through the engine -------------------------------------------------


@pytest.fixture(scope="module")
def fixture_report() -> tuple[RunResult, str, Page]:
    result, markup = report(BRIEF)
    return result, markup, Page(markup)


def test_html_is_a_registered_format():
    assert FORMATS["html"] == "factlint.report.html"


def test_page_loads_nothing_from_the_network(fixture_report):
    _, markup, page = fixture_report
    assert_self_contained(markup)
    # the definition's address is there, as a link an editor may follow
    assert any(e["tag"] == "a" and e["attrs"].get("href") == "https://data.example.org/report-2025"
               and e["attrs"].get("rel") == "noopener noreferrer" for e in page.elements)


def test_claims_carry_their_status(fixture_report):
    _, _, page = fixture_report
    statuses = claim_statuses(page)
    assert statuses["截至去年底，全市登记数据商 320 家，较上年增加一倍。"] == "unsourced"
    assert statuses["该市数据交易额突破 18 亿元，位居全省首位[1]。"] == "sourced"
    assert statuses["二是培育主体，评选首批数据服务示范企业。"] == "unsourced"
    for element in page.with_class("claim"):
        if "data-status" in element["attrs"]:
            assert f"st-{element['attrs']['data-status']}" in element["attrs"]["class"]
            # the status is in words too (the page's, Chinese), not only in colour
            said = render(f"html.status.{element['attrs']['data-status']}", None, "zh")
            assert said in element["attrs"]["title"]


def test_split_paragraph_is_shown_whole_and_its_claim_skips_the_definitions(fixture_report):
    _, _, page = fixture_report
    statuses = claim_statuses(page)
    split = next(text for text in statuses if text.startswith("全市已建成"))
    assert "来源" not in split and split.endswith("其中高价值数据集占比达 35%[2]。")
    assert statuses[split] == "sourced"
    paragraph = next(e for e in page.elements
                     if e["tag"] == "p" and e["text"].startswith("[有来源的说法] 全市"))
    assert "其中¶高价值" in paragraph["text"]


def test_markers_link_to_their_definitions_and_back(fixture_report):
    _, _, page = fixture_report
    assert_links_land(page)
    cites = [e for e in page.elements if e["tag"] == "sup" and "id" in e["attrs"]]
    assert [c["text"] for c in cites] == ["[1]", "[2]", "[2]", "[3?]"]
    for cite in cites[:3]:
        link = next(e for e in page.elements if e["parent"] is cite and e["tag"] == "a")
        source = page.by_id(link["attrs"]["href"][1:])
        assert source["tag"] == "li" and "source" in source["attrs"]["class"]
        assert source["text"].lstrip().startswith(cite["text"].strip("[]"))
        back = [e["attrs"]["href"][1:] for e in page.elements
                if e["tag"] == "a" and e["parent"]
                and "backrefs" in e["parent"]["attrs"].get("class", "")
                and e["parent"]["parent"] is source]
        assert cite["attrs"]["id"] in back
    undefined = page.with_class("undefined")
    assert undefined and "没有定义" in undefined[0]["attrs"]["title"]  # the page's language


def test_every_finding_links_to_its_place(fixture_report):
    result, _, page = fixture_report
    items = page.with_class("finding")
    assert len(items) == len(result.findings) == 6
    for item, finding in zip(items, result.findings, strict=True):
        # each message in the language of the line it points at (a Chinese brief's)
        assert finding.code in item["text"] and result.message(finding) in item["text"]
        assert f"sev-{finding.severity}" in item["attrs"]["class"]
        link = next(e for e in page.elements if e["tag"] == "a" and e["parent"] is item)
        target = page.by_id(link["attrs"]["href"][1:])
        assert target["attrs"]["data-item"] == item["attrs"]["id"]  # and back to the list
        assert finding.code in target["attrs"]["title"]
    by_code = {f.code: page.by_id(
        next(e for e in page.elements
             if e["tag"] == "a" and e["parent"] is item)["attrs"]["href"][1:])
        for item, f in zip(items, result.findings, strict=True)}
    assert by_code["FL201"]["text"] == "320 家"
    assert by_code["FL202"]["text"] == "首批"
    assert by_code["FL101"]["text"] == "[3?]"
    # a directive is not shown; its finding is pinned to the next block
    assert by_code["FL604"]["tag"] == "span" and "pin" in by_code["FL604"]["attrs"]["class"]


def test_summary_legend_and_language(fixture_report):
    result, markup, page = fixture_report
    summary = {e["attrs"]["class"].split()[1]: e["text"] for e in page.with_class("stat")}
    assert summary["stat-claims"].endswith("4") and summary["stat-unsourced"].endswith("2")
    assert summary["stat-error"].endswith(str(result.summary["errors"]))
    legend = page.with_class("legend")[0]["text"]
    # the page is in the language its findings are told in: the brief's, Chinese, and so
    # are its labels, legend and summary
    for word in ("图例", "已核实", "有来源", "无来源", "不符", "引用标号"):
        assert word in legend
    assert "verified" not in legend
    assert [e["text"] for e in page.with_class("stat")][0].startswith("文件")
    assert markup.startswith("<!DOCTYPE html>") and '<html lang="zh-CN">' in markup
    article = next(e for e in page.elements if e["tag"] == "article")
    assert article["attrs"]["lang"] == "zh-CN"
    assert "Noto Sans CJK SC" in markup and "@media print" in markup


def test_labels_follow_the_messages_setting():
    from factlint.config import Overrides

    result = run(RunOptions(paths=(str(BRIEF),), offline=True, view_of=document_view, jobs=1,
                            overrides=Overrides(messages="en")))
    stream = io.StringIO()
    reporter("html")(result, stream, ReportOptions())
    page = Page(stream.getvalue())
    legend = page.with_class("legend")[0]["text"]
    for word in ("Legend", "verified", "sourced", "unsourced", "mismatch", "a citation"):
        assert word in legend
    assert "已核实" not in legend and '<html lang="en">' in stream.getvalue()
    assert "Findings (" in stream.getvalue()


def test_view_is_plain_picklable_data(fixture_report):
    result, _, _ = fixture_report
    view = result.files[0].view
    assert pickle.loads(pickle.dumps(view)) == view
    assert view["text"] == BRIEF.read_text(encoding="utf-8")


def test_text_is_escaped(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text('数据商 <img src=x onerror="alert(1)"> 共 12 家<sup>1</sup>。\n\n'
                     '<sup>1</sup> 来源：某局，《报告》，javascript:alert(1)\n', encoding="utf-8")
    _, markup = report(brief)
    assert "<img" not in markup and "&lt;img src=x" in markup
    assert_self_contained(markup)


def test_verified_and_mismatched_claims_with_a_fact_file():
    from factlint.factfiles import load_facts

    # not brief.facts.yaml, so that the engine tests above see the brief without facts
    facts, problems = load_facts(FIXTURES / "checked.yaml")
    assert facts is not None and not problems
    doc = read_document(str(BRIEF), BRIEF.read_text(encoding="utf-8"))
    view = document_view(Context(doc, facts, Settings()), [])
    statuses = {doc.text[c["start"]:c["end"]][:8]: c["status"] for c in view["claims"]}
    assert statuses["该市数据交易额突"] == "verified"
    assert statuses["全市已建成公共数"] == "mismatched"  # 占比达 35% against a true 41
    figures = {f["text"]: f for c in view["claims"] for f in c["figures"]}
    assert figures["突破 18 亿元"]["verdict"] == "verified"
    assert figures["达 35%"]["verdict"] == "mismatched" and "41" in figures["达 35%"]["note"]
    result = RunResult([FileResult(str(BRIEF), claims=len(view["claims"]), view=view)], [])
    stream = io.StringIO()
    reporter("html")(result, stream, ReportOptions())
    page = Page(stream.getvalue())
    assert {"verified", "mismatched"} <= {e["attrs"].get("data-status") for e in page.elements}
    assert_links_land(page)


def test_a_mismatch_finding_marks_its_claim_mismatched():
    from factlint.finding import Finding

    doc = read_document(str(BRIEF), BRIEF.read_text(encoding="utf-8"))
    sentence = next(s for s in doc.sentences if "突破" in doc.text[s.start:s.end])
    line, column = doc.position(sentence.figures[0].start)
    finding = Finding(str(BRIEF), line, column, line, column + 4, "FL301", "figure-mismatch",
                      "error", "“突破 18 亿元” does not hold")
    view = document_view(Context(doc, None, Settings()), [finding])
    assert [c["status"] for c in view["claims"] if c["start"] == sentence.start] == ["mismatched"]


def test_several_briefs_one_section_each(tmp_path):
    other = tmp_path / "other.md"
    other.write_text("# Note\n\nThe region hosts 120 firms.\n", encoding="utf-8")
    result, markup = report(BRIEF, other)
    page = Page(markup)
    sections = [e for e in page.elements
                if e["tag"] == "section" and "file" in e["attrs"].get("class", "")]
    assert [s["attrs"]["id"] for s in sections] == ["d0", "d1"]
    assert [e["attrs"]["lang"] for e in page.elements if e["tag"] == "article"] == ["zh-CN", "en"]
    assert_links_land(page)
    assert claim_statuses(page)["The region hosts 120 firms."] == "unsourced"
    nav = next(e for e in page.elements if e["tag"] == "nav")
    assert str(other) in nav["text"]


def test_without_views_only_the_findings_are_shown(tmp_path):
    missing = tmp_path / "missing.md"
    result, markup = report(BRIEF, missing, collect_views=False)
    page = Page(markup)
    assert claim_statuses(page) == {}
    assert len(page.with_class("finding")) == len(result.findings)
    assert "这里只列出检查结果" in markup and "FL001" in markup
    items = [id(e) for e in page.with_class("finding")]
    assert not [e for e in page.elements if e["tag"] == "a" and id(e["parent"]) in items]
    assert_self_contained(markup)


def test_the_reference_brief_renders():
    seed = shared_or_skip(SEED)
    result, markup = report(seed)
    page = Page(markup)
    assert_self_contained(markup)
    assert_links_land(page)
    assert len(page.with_class("finding")) == len(result.findings)
    assert len(claim_statuses(page)) == result.summary["claims"]
    assert len(page.with_class("source")) == len(result.files[0].view["definitions"])
    headings = [e["text"] for e in page.elements if e["tag"] in ("h3", "h4", "h5", "h6")]
    assert headings[0] == "因地制宜推动我区数据产业集群化发展的思考建议"
    # the page-split paragraphs are shown whole
    assert markup.count('class="split"') == sum(1 for f in result.findings if f.code == "FL603")


# --- in a real browser ---------------------------------------------------------------------


def _render_module():
    spec = importlib.util.spec_from_file_location("render_html", ROOT / "bench" / "render_html.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def browser():
    render = _render_module()
    found = render.find_chromium()
    if found is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return render, found


def test_page_runs_without_script_errors_in_chromium(browser, tmp_path):
    render, chromium = browser
    briefs = [BRIEF] + ([SEED] if SEED.exists() else [])
    page = tmp_path / "report.html"
    render.make_report([str(b) for b in briefs], page)
    assert render.script_errors(chromium, page) == []
    assert render.click_problems(chromium, page) == []


def test_the_script_check_catches_an_error(browser, tmp_path):
    render, chromium = browser
    page = tmp_path / "report.html"
    render.make_report([str(BRIEF)], page)
    broken = tmp_path / "broken.html"
    broken.write_text(
        page.read_text(encoding="utf-8").replace("'use strict';", "'use strict'; nothing();"),
        encoding="utf-8")
    problems = render.script_errors(chromium, broken)
    assert any("nothing is not defined" in p for p in problems)
    assert render.click_problems(chromium, broken) != []
