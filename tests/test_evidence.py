"""`factlint sources` and `check --evidence` (FL410-FL414) against pages served on loopback.

Every page here is written for these tests: Chinese in UTF-8 and GBK, English, HTML with
navigation and boilerplate around the article, a text PDF made byte by byte (Chinese
included) and a scanned-like PDF with no text layer.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from pdfmaker import scanned_pdf, text_pdf
from test_messages_plain import english_left
from urlserver import LoopbackServer, answer

from factlint.cli import main
from factlint.evidence import read_figures, supports
from factlint.schemas import validation_errors
from factlint.sourcetext import extract

NAV = ("<nav><a href='/'>首页</a> <a href='/a'>政策 2,000家</a></nav>"
       "<div class='sidebar'>热门：数据商 9999 家</div>")
FOOT = "<footer>版权所有 2026 某数据交易所 共 88 家会员</footer>"


def html(title: str, body: str, charset: str = "utf-8", h1: str | None = None) -> str:
    return (f"<!doctype html><html><head><meta charset='{charset}'><title>{title} - 某网站</title>"
            f"<meta property='og:title' content='{title}'>"
            f"<meta name='pubdate' content='2026-02-10'></head><body>{NAV}"
            f"<article><h1>{h1 or title}</h1>{body}</article>{FOOT}</body></html>")


MARKET = html("数据交易枢纽年度进展",
              "<p>截至去年年底，平台累计汇聚数据商 1,159 家、数据中介四百四十二家，"
              "<b>交易额突破10亿元</b>。</p><p>发布时间：2026-02-10</p>")
SURVEY_GBK = html("数字经济企业抽样调查",
                  "<p>受访企业中，科技类数据型企业占比达百分之六十八，另有120余家企业计划上市。</p>",
                  charset="gbk")
ENGLISH = html("Regional data registry", "<p>The registry now lists 1 159 firms and "
               "3.5 million records.</p>")
OTHER = html("招聘公告", "<p>本次招聘岗位 12 个。</p>")

BRIEF = """# 数据产业简报

平台汇聚数据商 1159 家<sup>1</sup>。数据型企业占比达68%<sup>2</sup>。
超120家企业计划上市<sup>2</sup>。

The registry lists 1,159 firms<sup>3</sup>.

<sup>1</sup> 来源：某数据交易所，《数据交易枢纽年度进展》，{market}
<sup>2</sup> 来源：某统计局，《数字经济企业抽样调查》，{survey}
<sup>3</sup> Source: Registry office, "Regional data registry", {english}
"""


@pytest.fixture
def server():
    with LoopbackServer("127.0.0.1") as running:
        def page(text: str, charset: str = "utf-8"):
            return answer(200, ("Content-Type", f"text/html; charset={charset}"),
                          body=text.encode(charset))
        running.route("/market", page(MARKET))
        running.route("/survey", answer(200, ("Content-Type", "text/html"),
                                        body=SURVEY_GBK.encode("gbk")))
        running.route("/english", page(ENGLISH))
        running.route("/other", page(OTHER))
        running.route("/report.pdf", answer(200, ("Content-Type", "application/pdf"), body=text_pdf(
            ["数据交易平台年度报告", "平台累计汇聚数据商1159家，数据中介442家。"])))
        running.route("/scan.pdf", answer(200, ("Content-Type", "application/pdf"),
                                          body=scanned_pdf()))
        yield running


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()  # the repository's top: snapshots go to .factlint/evidence here
    return tmp_path


def write_brief(project: Path, server, text: str = BRIEF, name: str = "brief.md", **routes):
    urls = {"market": "/market", "survey": "/survey", "english": "/english", **routes}
    path = project / name
    path.write_text(text.format(**{k: server.url(v) for k, v in urls.items()}), encoding="utf-8")
    return path


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def sources(path: Path, *extra: str):
    return run("sources", str(path), "--allow-private", *extra)


def evidence_check(path: Path, *extra: str):
    result = run("check", str(path), "--evidence", "--select", "FL41", "--format", "json",
                 "--allow-private", *extra)
    return json.loads(result.output)["findings"]


def found(findings, code: str):
    return [f for f in findings if f["code"] == code]


# --- extraction -------------------------------------------------------------------------------


def test_html_extraction_keeps_the_article_and_drops_navigation():
    read = extract(MARKET.encode("utf-8"), "text/html")
    assert read.title == "数据交易枢纽年度进展 - 某网站"
    assert read.og_title == read.h1 == "数据交易枢纽年度进展"
    assert read.published == "2026-02-10"
    assert "1,159 家" in read.text and "9999" not in read.text and "2,000家" not in read.text
    assert "88 家会员" not in read.text


def test_control_characters_after_dropped_and_block_elements_are_read_not_a_traceback():
    """A form feed (or another control character) after a dropped element or a block
    stays in the page's text; setting that text from Python had raised ValueError."""
    body = ("<html><body><article><p>数据商\x0c1159 家</p>\x0c之后<nav>导航</nav>\x08"
            "其余<div class='share'>分享</div>\x1c结尾</article></body></html>").encode()
    read = extract(body, "text/html; charset=utf-8")
    assert not read.problem
    assert read.text.split("\n") == ["数据商 1159 家", "之后\x08其余 结尾"]


def test_text_after_a_dropped_element_joins_the_text_before_it_and_a_block_ends_a_line():
    body = ("<html><body><main>甲<aside>旁注</aside>乙<span class='menu'>菜单</span>丙"
            "<div>丁</div>戊<br>己<ul><li>一</li><li>二</li></ul></main></body></html>").encode()
    assert extract(body, "text/html").text == "甲乙丙丁\n戊\n己一\n二"


def test_gbk_page_without_declared_charset_in_the_header_is_read_from_its_meta():
    read = extract(SURVEY_GBK.encode("gbk"), "text/html")
    assert read.encoding == "gb18030" and "百分之六十八" in read.text


def test_gbk_page_with_no_declaration_at_all_is_detected():
    body = "<html><body><p>科技类数据型企业占比达百分之六十八，这是一段足够长的中文文字。</p>" \
           "<p>另有一百二十余家企业计划在未来三年内上市融资。</p></body></html>"
    read = extract(body.encode("gbk"), "text/html")
    assert "百分之六十八" in read.text


def test_big5_page_is_read():
    body = ("<html><head><meta charset=big5><title>數據產業</title></head><body>"
            "<p>平台累計匯聚數據商1159家。</p></body></html>")
    assert "匯聚數據商1159家" in extract(body.encode("big5"), "text/html").text


def test_pdf_text_layer_with_chinese_is_read_and_a_scan_is_unreadable():
    read = extract(text_pdf(["平台累计汇聚数据商1159家，数据中介442家。"]), "application/pdf")
    assert "汇聚数据商1159家" in read.text and not read.problem
    scan = extract(scanned_pdf(), "application/pdf")
    assert scan.text == "" and "no text layer" in scan.problem


def test_every_spelling_supports_the_brief_figure():
    brief = read_figures("汇聚数据商1159家")[0]
    for spelling in ("1159家", "1,159家", "1 159 家", "一千一百五十九家", "１１５９家"):
        assert supports(read_figures(spelling)[0], brief), spelling
    assert not supports(read_figures("1195家")[0], brief)
    billion = read_figures("交易额10亿元")[0]
    for spelling in ("1,000,000,000元", "100000万元", "10亿元"):
        assert supports(read_figures(spelling)[0], billion), spelling
    percent = read_figures("占比达68%")[0]
    for spelling in ("占比68％", "百分之六十八", "68%"):
        assert supports(read_figures(spelling)[0], percent), spelling
    assert supports(read_figures("120余家")[0], read_figures("超120家")[0])
    assert not supports(read_figures("1159家")[0], read_figures("超120家")[0])


# --- sources and check --evidence -------------------------------------------------------------


def test_all_figures_found_gives_no_fl41x_and_evidence_validates(project, server):
    brief = write_brief(project, server)
    result = sources(brief)
    assert result.exit_code == 0, result.output
    assert "3 source(s): 3 read" in result.output
    data = yaml.safe_load((project / "brief.evidence.yaml").read_text(encoding="utf-8"))
    assert validation_errors("evidence", data) == []
    record = data["sources"]["2"]
    assert record["final_url"] == server.url("/survey") and record["status"] == 200
    assert record["title"] == "数字经济企业抽样调查 - 某网站" and record["encoding"] == "gb18030"
    snapshot = project / record["snapshot"]
    assert snapshot.parent.parent == project / ".factlint" / "evidence"
    assert "百分之六十八" in gzip.decompress(snapshot.read_bytes()).decode("utf-8")
    assert all(claim["found"] for claim in data["claims"]), data["claims"]
    assert any("1,159 家" in claim["snippet"] for claim in data["claims"])
    assert evidence_check(brief, "--offline") == []
    assert evidence_check(brief) == []


def test_mistyped_figure_is_fl410_naming_what_the_source_says(project, server):
    brief = write_brief(project, server, BRIEF.replace("1159 家", "1195 家"))
    sources(brief)
    (finding,) = found(evidence_check(brief, "--offline"), "FL410")
    assert (finding["line"], finding["column"]) == (3, 9)
    assert "the source says 1,159 家 next to 汇聚数据商" in finding["message"]
    assert "figure 1195 家 is not in the cited source 1" in finding["message"]


def test_figure_only_in_another_cited_source_is_fl411(project, server):
    text = BRIEF.replace("1159 家<sup>1</sup>", "1159 家<sup>2</sup>")
    brief = write_brief(project, server, text)
    sources(brief)
    (finding,) = found(evidence_check(brief, "--offline"), "FL411")
    assert finding["line"] == 3
    assert "not in the cited source 2 but source 1 states it" in finding["message"]
    assert not found(evidence_check(brief, "--offline"), "FL410")


def with_scanned_source(text: str) -> str:
    """The brief with a sentence citing only the scanned PDF, source 4."""
    return text.replace("\n\nThe registry", "\n\n据年报，平台汇聚数据商 1159 家<sup>4</sup>。"
                        "\n\nThe registry") + "<sup>4</sup> 来源：《扫描年报》，{scan}\n"


def test_scanned_pdf_is_fl414_and_its_figures_are_not_fl410(project, server):
    text = with_scanned_source(BRIEF)
    brief = write_brief(project, server, text, scan="/scan.pdf")
    sources(brief)
    findings = evidence_check(brief, "--offline")
    (finding,) = found(findings, "FL414")
    assert finding["severity"] == "info" and finding["line"] == 13
    assert "no text layer" in finding["message"]
    assert not found(findings, "FL410") and not found(findings, "FL411")


def test_fl414_reason_is_kept_as_a_message_and_told_in_the_brief_language(project, server):
    """The evidence file keeps why a source is unreadable as English text and as its
    message id and arguments; read back, FL414 tells it in the brief's language. A file
    written before (no `problem_message`) or holding one this catalog cannot word is
    read as it was: the English text."""
    brief = write_brief(project, server, with_scanned_source(BRIEF), scan="/scan.pdf")
    sources(brief)
    evidence = project / "brief.evidence.yaml"
    data = yaml.safe_load(evidence.read_text(encoding="utf-8"))
    assert validation_errors("evidence", data) == []
    record = data["sources"]["4"]
    assert "no text layer" in record["problem"]
    assert record["problem_message"]["id"] == "source.no-text-layer"

    def fl414(*extra: str) -> str:
        (finding,) = found(evidence_check(brief, "--offline", *extra), "FL414")
        return finding["message"]

    chinese = fl414("--messages", "zh")
    assert "无法读取文字" in chinese and "no text layer" not in chinese
    assert not english_left(chinese), chinese
    assert "no text layer" in fl414("--messages", "en")
    for kept in (None, {"id": "no.such-id"}, {"id": "source.no-text-layer", "arguments": []},
                 {"id": "source.no-text-layer", "arguments": {"wrong": 1}}):
        old = yaml.safe_load(evidence.read_text(encoding="utf-8"))
        if kept is None:
            del old["sources"]["4"]["problem_message"]
            assert validation_errors("evidence", old) == []
        else:
            old["sources"]["4"]["problem_message"] = kept
        evidence.write_text(yaml.safe_dump(old, allow_unicode=True), encoding="utf-8")
        assert "no text layer" in fl414("--messages", "zh"), kept


def test_the_schema_takes_nested_messages_and_refuses_malformed_ones():
    base = {"factlint-evidence": 1, "claims": [], "sources": {"1": {
        "url": "https://example.org/a", "fetched": "2026-12-01T08:00:00Z",
        "problem": "answered 403: a login wall or a refusal (URL answered 403 Forbidden)"}}}
    record = base["sources"]["1"]
    record["problem_message"] = {"id": "evidence.login-wall", "arguments": {
        "status": 403, "problem": {"id": "url.answered", "arguments": {"status": 403}},
        "wordings": ["a", "b"]}}
    assert validation_errors("evidence", base) == []
    for bad in ({"arguments": {}}, {"id": ""}, {"id": "x", "arguments": {"a": {"b": 1}}},
                {"id": "x", "extra": 1}):
        record["problem_message"] = bad
        assert validation_errors("evidence", base), bad


def test_text_pdf_source_is_read(project, server):
    text = "# 简报\n\n平台汇聚数据商 1159 家<sup>1</sup>，数据中介 442 家<sup>1</sup>。\n\n" \
           "<sup>1</sup> 来源：《数据交易平台年度报告》，{pdf}\n"
    brief = write_brief(project, server, text, pdf="/report.pdf")
    sources(brief)
    assert evidence_check(brief, "--offline") == []


def test_second_sources_run_makes_no_request_and_update_refetches(project, server):
    brief = write_brief(project, server)
    sources(brief)
    first = (project / "brief.evidence.yaml").read_text(encoding="utf-8")
    asked = len(server.requests)
    assert asked == 3
    result = sources(brief)
    assert "0 request(s)" in result.output
    assert len(server.requests) == asked
    assert (project / "brief.evidence.yaml").read_text(encoding="utf-8") == first
    sources(brief, "--update")
    assert len(server.requests) == asked + 3


def test_offline_check_gives_the_same_findings_from_snapshots_alone(project, server):
    brief = write_brief(project, server, BRIEF.replace("1159 家", "1195 家"))
    sources(brief)
    online = evidence_check(brief)
    server.routes.clear()  # every page gone: only the snapshots are left
    offline = evidence_check(brief, "--offline")
    assert offline == online and found(offline, "FL410")


def test_offline_without_snapshots_skips_and_says_so(project, server):
    brief = write_brief(project, server)
    result = CliRunner().invoke(main, ["check", str(brief), "--evidence", "--offline",
                                       "--select", "FL41", "--format", "json"])
    assert json.loads(result.stdout)["summary"]["evidence_skipped"] == 3
    assert "3 cited source(s) not read" in result.stderr
    assert not (project / ".factlint").exists()


def test_evidence_true_in_the_configuration_turns_the_checks_on(project, server):
    brief = write_brief(project, server, BRIEF.replace("1159 家", "1195 家"))
    sources(brief)
    (project / "factlint.yaml").write_text("evidence: true\n", encoding="utf-8")
    result = run("check", str(brief), "--offline", "--select", "FL41", "--format", "json")
    assert found(json.loads(result.output)["findings"], "FL410")


def test_real_subprocess_sources_then_check(project, server):
    brief = write_brief(project, server, BRIEF.replace("1159 家", "1195 家"))
    exe = [sys.executable, "-m", "factlint"]
    done = subprocess.run([*exe, "sources", str(brief), "--allow-private"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    checked = subprocess.run([*exe, "check", str(brief), "--evidence", "--offline", "--select",
                              "FL41"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0  # warnings only
    assert "FL410" in checked.stdout and "1,159 家" in checked.stdout


def test_reference_brief_with_file_sources_catches_the_typo(project, seed_text):
    """The reference brief, a fact file naming a local page per label (pages written here
    from the brief's own figures, in made-up sentences), one page with 1195 for 1159."""
    from factlint.document import read_document
    from factlint.evidence import definition_title

    brief = project / "brief.md"
    brief.write_text(seed_text, encoding="utf-8")
    doc = read_document(str(brief), seed_text)
    figures: dict[str, list[str]] = {d.label: [] for d in doc.definitions}
    for sentence in doc.sentences:
        for marker in sentence.markers:
            for label in marker.labels:
                # the figure and the two characters after it (八大 needs its noun to count)
                figures.setdefault(label, []).extend(
                    seed_text[f.start:f.end + 2] for f in sentence.figures)
    pages = project / "pages"
    pages.mkdir()
    sources_yaml = []
    for definition in doc.definitions:
        said = "".join(f"<p>本页第{i}条记录写明：{text}。</p>"
                       for i, text in enumerate(figures[definition.label], start=1))
        if definition.label == "13":
            said = said.replace("1159 家", "1195 家")
        title = definition_title(definition.body) or "测试页面"
        (pages / f"{definition.label}.html").write_text(
            f"<html><head><title>{title}</title></head><body><nav>导航 300 家</nav>"
            f"<article><h1>{title}</h1>{said}</article></body></html>", encoding="utf-8")
        sources_yaml.append(f'  "{definition.label}":\n    file: pages/{definition.label}.html')
    (project / "brief.facts.yaml").write_text(
        "factlint: 1\nsources:\n" + "\n".join(sources_yaml) + "\nclaims: []\n", encoding="utf-8")
    result = sources(project / "brief.md")
    assert result.exit_code == 0, result.output
    assert "24 source(s): 24 read; 0 request(s)" in result.output
    findings = evidence_check(brief, "--offline")
    assert [(f["code"], f["line"]) for f in findings] == [
        ("FL410", doc.position(seed_text.index("1159 家"))[0])], findings
    assert "the source states is 1195 家" in findings[0]["message"]
    data = yaml.safe_load((project / "brief.evidence.yaml").read_text(encoding="utf-8"))
    assert data["sources"]["13"]["file"] == "pages/13.html"
    assert validation_errors("evidence", data) == []


def test_page_titled_as_another_article_is_fl412(project, server):
    brief = write_brief(project, server, BRIEF.replace("{market}", "{other}"), other="/other")
    sources(brief)
    findings = evidence_check(brief, "--offline")
    (finding,) = found(findings, "FL412")
    assert (finding["line"], finding["column"]) == (8, 1)
    assert "titled 《数据交易枢纽年度进展》 but its page is titled “招聘公告”" in finding["message"]
    assert found(findings, "FL410")  # and its figure is not there either


def test_page_changed_after_its_snapshot_is_fl413_online_only(project, server):
    brief = write_brief(project, server)
    sources(brief)
    changed = MARKET.replace("1,159 家", "1,200 家")
    server.route("/market", answer(200, ("Content-Type", "text/html; charset=utf-8"),
                                   body=changed.encode("utf-8")))
    (finding,) = found(evidence_check(brief), "FL413")
    assert (finding["line"], finding["column"]) == (3, 9)
    assert "was in source 1 when its snapshot was taken" in finding["message"]
    assert evidence_check(brief, "--offline") == []


# --- dead links and their archived copies -------------------------------------------------------

COPIES = ("20260101120000", "20260301083000", "20260310090000")


def wayback(server):
    """A loopback archive speaking the Wayback availability API, `closest=before` included."""
    from urllib.parse import parse_qs, urlsplit

    from urlserver import Response

    def respond(request):
        parts = urlsplit(request.path)
        if parts.path.startswith("/web/"):
            return Response(200, (("Content-Type", "text/html"),), b"<p>archived page</p>")
        if parts.path != "/wayback/available":
            return Response(404, body=b"not found\n")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        wanted = query["timestamp"].ljust(14, "0")
        stamps = list(COPIES)
        if query.get("closest") == "before":
            stamps = [s for s in stamps if s[:8] <= wanted[:8]]
        if not stamps:
            return Response(200, (("Content-Type", "application/json"),),
                            b'{"archived_snapshots": {}}')
        best = min(stamps, key=lambda s: abs(int(s) - int(wanted)))
        closest = {"available": True, "status": "200", "timestamp": best,
                   "url": server.url(f"/web/{best}/{query['url']}")}
        return Response(200, (("Content-Type", "application/json"),),
                        json.dumps({"archived_snapshots": {"closest": closest}}).encode())
    return respond


def dead_link_project(project, server):
    """A brief and fact file citing a dead URL, with an archive endpoint configured."""
    server.fallback = wayback(server)
    gone = server.url("/gone")
    (project / "factlint.yaml").write_text(
        f"evidence: {{enabled: false, archive: '{server.url('/wayback/available')}'}}\n",
        encoding="utf-8")
    brief = project / "brief.md"
    brief.write_text(f"# 简报\n\n平台汇聚数据商 1159 家<sup>1</sup>。\n\n"
                     f"<sup>1</sup> 来源：某交易所，《数据交易枢纽年度进展》，{gone}\n",
                     encoding="utf-8")
    (project / "brief.facts.yaml").write_text(
        f'factlint: 1\nsources:\n  "1":\n    url: {gone}\n    accessed: 2026-03-05\n'
        "claims: []\n", encoding="utf-8")
    return brief, gone


def test_dead_link_names_its_archived_copy_closest_before_accessed(project, server):
    brief, gone = dead_link_project(project, server)
    result = run("check", str(brief), "--select", "FL401", "--format", "json", "--no-cache",
                 "--allow-private")
    messages = [f["message"] for f in json.loads(result.output)["findings"]]
    assert len(messages) == 2  # the definition's URL and the fact file's
    for message in messages:
        assert "answered 404" in message
        assert f"archived copy of 2026-03-01: {server.url('/web/20260301083000/' + gone)}" \
            in message


def test_fix_archive_adds_the_archived_copy_to_the_definition(project, server):
    brief, gone = dead_link_project(project, server)
    result = run("fix", str(brief), "--archive", "--allow-private")
    assert result.exit_code == 0, result.output
    copy = server.url("/web/20260301083000/" + gone)
    assert brief.read_text(encoding="utf-8").endswith(f"{gone}，存档：{copy}\n")
    again = run("fix", str(brief), "--archive", "--allow-private")
    assert again.exit_code == 0 and "nothing to fix" in again.output


def test_fix_archive_without_an_endpoint_says_what_to_configure(project):
    brief = project / "brief.md"
    brief.write_text("# 简报\n\n<sup>1</sup> 来源：https://example.org/x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", str(brief), "--archive"])
    assert result.exit_code == 2 and "evidence: {archive:" in result.output + result.stderr


def test_html_report_shows_found_not_found_and_unreadable_with_snippets(project, server):
    text = with_scanned_source(BRIEF.replace("1159 家", "1195 家"))
    brief = write_brief(project, server, text, scan="/scan.pdf")
    sources(brief)
    report = project / "report.html"
    run("check", str(brief), "--evidence", "--offline", "--format", "html",
        "--output", str(report))
    page = report.read_text(encoding="utf-8")
    assert "Evidence: does the cited source say so?" in page
    assert "<td>not found</td>" in page and "<td>found</td>" in page
    assert "<td>unreadable</td>" in page and "no text layer" in page
    assert "百分之六十八" in page  # the snippet of 68%
    sha = yaml.safe_load((project / "brief.evidence.yaml").read_text(encoding="utf-8"))[
        "sources"]["2"]["sha256"]
    assert f'/.factlint/evidence/{sha[:2]}/{sha}.txt.gz">source 2</a>' in page


def test_config_command_lists_the_evidence_settings_and_where_each_came_from(tmp_path):
    outer = tmp_path / "factlint.yaml"
    outer.write_text("evidence:\n  max_bytes: 5000000\n  archive: http://127.0.0.1:9/available\n",
                     encoding="utf-8")
    inner = tmp_path / "sub" / "factlint.yaml"
    inner.parent.mkdir()
    inner.write_text("evidence: {enabled: false, folder: snapshots}\n", encoding="utf-8")

    shown = json.loads(CliRunner().invoke(
        main, ["config", "--json", str(tmp_path / "sub" / "x.md")]).output)["settings"]
    defaults = json.loads(CliRunner().invoke(
        main, ["config", "--json", str(tmp_path / "x.md")]).output)["settings"]
    done = subprocess.run([sys.executable, "-m", "factlint", "config", "sub"], cwd=tmp_path,
                          capture_output=True, text=True)

    assert {key: value for key, value in shown.items() if key.startswith("evidence.")} == {
        "evidence.enabled": {"value": "false", "from": f"{outer}, {inner}"},
        "evidence.folder": {"value": str((tmp_path / "sub" / "snapshots").resolve()),
                            "from": str(inner)},
        "evidence.max_bytes": {"value": "5000000", "from": str(outer)},
        "evidence.archive": {"value": "http://127.0.0.1:9/available", "from": str(outer)},
    }
    assert defaults["evidence.folder"] == {
        "value": ".factlint/evidence (at the repository's top)", "from": "defaults"}
    assert defaults["evidence.enabled"] == {"value": "true", "from": str(outer)}
    assert done.returncode == 0 and "evidence.max_bytes" in done.stdout
    assert f"5000000  [{outer}]" in done.stdout
