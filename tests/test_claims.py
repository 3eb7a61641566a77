"""FL201, FL202, FL203 and the FL306 list counts: which sentences need a source.

Each case is a small brief written for this project: a failing one names the finding's
line, column and code; its twin passes.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import at

from factlint.cli import main
from factlint.config import forget
from factlint.document import read_document

CLAIM_CODES = ("FL201", "FL202", "FL203", "FL306")


def claim_findings(lint, text, name="brief.md"):
    return [(f.line, f.column, f.code) for f in lint(text, name) if f.code in CLAIM_CODES]


# --- the rule pack follows each sentence's script (issue 8, item 2) ----------------------

MIXED = (
    "# 数据产业\n\n"
    "全市数据产业规模达3.6亿元。该市数据企业数量位居全国前列。\n\n"
    "Source: National Bureau of Statistics, \"Statistical Yearbook of the Digital Economy "
    "2024\", https://example.org/yearbook/2024/digital-economy.html, accessed 2024-05-01.\n"
)


def test_chinese_sentences_keep_the_chinese_pack_beside_an_english_source_line(tmp_path):
    """Old main guessed 'en' for this brief from its letters: 0 claims, exit 0."""
    brief = tmp_path / "brief.md"
    brief.write_text(MIXED, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "factlint", "check", "--offline", str(brief)],
                          capture_output=True, text=True)
    assert done.returncode == 1, done.stdout
    assert f"{brief}:3:9: FL201" in done.stdout
    assert "“达3.6亿元”" in done.stdout
    assert f"{brief}:3:24: FL202" in done.stdout
    assert "2 claims (0 sourced)" in done.stdout


def test_language_flag_and_config_force_one_pack(tmp_path):
    brief = tmp_path / "brief.md"
    brief.write_text(MIXED, encoding="utf-8")
    runner = CliRunner()
    forced = runner.invoke(main, ["check", "--offline", "--language", "en", str(brief)])
    assert forced.exit_code == 0, forced.output
    assert "0 claims" in forced.output
    (tmp_path / "factlint.yaml").write_text("language: en\n", encoding="utf-8")
    configured = runner.invoke(main, ["check", "--offline", str(brief)])
    assert "0 claims" in configured.output
    (tmp_path / "factlint.yaml").write_text("language: klingon\n", encoding="utf-8")
    bad = runner.invoke(main, ["check", "--offline", str(brief)])
    assert bad.exit_code == 2 and "language" in bad.output


def test_each_sentence_takes_its_own_pack():
    doc = read_document("b.md", "全省汇聚数据商 1159 家。\n\nThe region has 1,159 data firms.\n")
    assert [s.language for s in doc.sentences] == ["zh", "en"]
    assert [f.unit for s in doc.sentences for f in s.figures] == ["家", "data"]


# --- FL203: attributed in prose ----------------------------------------------------------

@pytest.mark.parametrize(("text", "column"), [
    ("据国家统计局数据，全省数据企业达 1159 家。", 16),
    ("國家統計局數據顯示，全港逾3萬戶受惠。", 13),
    ("该市数据企业达 1159 家（Synopsys，2023 年）。", 7),
    ("According to the ONS, 45,000 people moved.", 23),
    ("A [report by the statistics office](https://example.org/r) counted 45,000 people.", 68),
    ("The World Bank estimates that 45,000 people moved.", 31),
])
def test_attribution_in_prose_is_fl203_not_fl201(lint, text, column):
    assert claim_findings(lint, "# T\n\n" + text + "\n") == [(3, column, "FL203")]
    marked = text[:-1] + "<sup>1</sup>" + text[-1] + "\n\n<sup>1</sup> 来源：某局，《年报》\n"
    assert claim_findings(lint, "# T\n\n" + marked) == []


def test_vague_attribution_still_needs_a_source(lint):
    found = claim_findings(lint, "# T\n\n其他资料亦显示，最低工资增加 6.3%。\n")
    assert found == [(3, 16, "FL201")]


def test_the_paragraph_after_an_attribution_is_not_reported_again(lint):
    text = ("# T\n\nAccording to the ONS, 45,000 people moved. Another 3,000 firms closed. "
            "Exports fell 4%.\n")
    assert claim_findings(lint, text) == [(3, 23, "FL203")]


# --- the document's own data, goals, hypotheticals ---------------------------------------

@pytest.mark.parametrize("text", [
    "本次调查中，受访者有 35% 表示支持。",
    "本研究测得平均延迟为 12 毫秒。",
    "力争到2030年建成 100 个数据园区。",
    "如果获得 50% 以上股权，该公司将成为台资公司。",
    "本会建议把最低工资定为时薪 57.1 元。",
    "We find that 40% of respondents use open data.",
    "The plan aims to train 10,000 people.",
    "If a drone weighs less than 15 kg, no permit is needed.",
    "Each value must be 1 - 10 characters long.",
])
def test_own_data_goals_and_hypotheticals_are_not_fl201(lint, text):
    assert claim_findings(lint, "# T\n\n" + text + "\n") == []


def test_their_twins_are(lint):
    assert claim_findings(lint, "# T\n\n全市建成 100 个数据园区。\n") == [(3, 6, "FL201")]
    assert claim_findings(lint, "# T\n\nThe city trained 10,000 people.\n") == [
        (3, 18, "FL201")]


def test_primary_brief_is_its_own_source(tmp_path, lint):
    text = "# 调查报告\n\n全市数据企业达 1159 家。\n"
    assert at(lint(text, "survey.md"), "FL201") == [(3, 7)]
    (tmp_path / "factlint.yaml").write_text("primary: [survey.md]\n", encoding="utf-8")
    forget()  # a run reads the configuration afresh; this test calls check_file twice
    assert at(lint(text, "survey.md"), "FL201") == []
    assert at(lint(text, "other.md"), "FL201") == [(3, 7)]


def test_a_note_closing_the_passage_covers_it_only_where_notes_close_passages(lint):
    passage = ("# T\n\n保加利亚规定政府采购的软件须 100% 开源。白宫要求开源软件不低于 20%。"
               "多国启动立法进程。[^1]\n\n[^1]: 某报，《开源采购》\n")
    assert claim_findings(lint, passage) == []
    # A brief whose claims carry their own markers: a missing one is a fault.
    dense = ("# T\n\n甲市数据企业 10 家<sup>1</sup>。乙市数据企业 20 家。丙市数据企业 30 家"
             "<sup>1</sup>。丁市数据企业 40 家<sup>1</sup>。\n\n"
             "<sup>1</sup> 来源：某局，《年报》\n")
    assert claim_findings(lint, dense) == [(3, 32, "FL201")]


# --- tables are one claim each -----------------------------------------------------------

PIPE = "| 地区 | 企业数 |\n| --- | --- |\n| 甲市 | 1159 家 |\n| 乙市 | 442 家 |\n"
HTML = ("<table>\n<tr><td>地区</td><td>企业数</td></tr>\n<tr><td>甲市</td><td>1159 家</td></tr>\n"
        "<tr><td>乙市</td><td>442 家</td></tr>\n</table>\n")


@pytest.mark.parametrize(("table", "line", "column"), [(PIPE, 5, 8), (HTML, 5, 20)])
def test_an_unsourced_table_is_one_fl201(lint, table, line, column):
    found = claim_findings(lint, "# T\n\n" + table)
    assert found == [(line, column, "FL201")]
    message = next(f.message for f in lint("# T\n\n" + table) if f.code == "FL201")
    assert "table at line 3" in message and "<td>" not in message


@pytest.mark.parametrize("table", [PIPE, HTML])
@pytest.mark.parametrize("source", ["\n资料来源：某局，《年报》\n",
                                    "\nSource: the statistics office\n"])
def test_a_source_line_under_the_table_sources_it(lint, table, source):
    assert claim_findings(lint, "# T\n\n" + table + source) == []


def test_a_marker_in_the_caption_sources_the_table(lint):
    text = ("# T\n\n表1 各市数据企业<sup>1</sup>\n\n" + PIPE
            + "\n<sup>1</sup> 来源：某局，《年报》\n")
    assert claim_findings(lint, text) == []


# --- numbers that are not figures --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "详见表1和图3-2。",
    "受访者（5岁男孩家长）认为效果很好。",
    "沿 45 度线对称。",
    "遵循 80/20 规则。",
    "该技术出现于 2014 左右。",
    "The feature was added in IBM i 7.2 last year.",
    "Released under CC BY-NC-SA 4.0 International.",
    "Example 3-9 Creating a mask.",
    "Module 5 provides the background.",
    "It is certified to ISO 9001 standards.",
    "The Identity Theft Resource Center 1  reports breaches.",
])
def test_labels_versions_ages_and_formulas_are_not_figures(lint, text):
    assert claim_findings(lint, "# T\n\n" + text + "\n") == []


def test_titles_and_reference_lists_hold_no_claims(lint):
    text = ("# T\n\nSee the post “5 Million Peers Join The Largest Swarm” for details.\n\n"
            "## Bibliography\n\nSmith, J. “10 Terabytes a Day.” Example Press, 2021.\n\n"
            "## 推荐阅读文献\n\n张三. 数据要素的 3 个市场. 2020.\n")
    assert claim_findings(lint, text) == []


# --- FL306: counts of what the document lists next --------------------------------------

FRAMING = ("# T\n\n数字经济主要展现以下{n}个特性：\n\n首先，创新性。\n\n其次，全球性。\n\n"
           "此外，渗透性。\n\n最后，平台化。\n")


def test_a_count_that_introduces_a_list_is_checked_against_it(lint):
    found = claim_findings(lint, FRAMING.format(n="三"))
    assert found == [(3, 11, "FL306")]
    message = next(f.message for f in lint(FRAMING.format(n="三")) if f.code == "FL306")
    assert "4 items" in message
    assert claim_findings(lint, FRAMING.format(n="四")) == []


@pytest.mark.parametrize("text", [
    "影响分为两种情况：一是替代，二是创造。",
    "这取决于两个因素：成本和需求。",
])
def test_framing_counts_are_not_fl201(lint, text):
    assert claim_findings(lint, "# T\n\n" + text + "\n") == []


# --- FL202 on claims, not words ----------------------------------------------------------

@pytest.mark.parametrize(("text", "column"), [
    ("It was the first city in the country to publish budgets.", 8),
    ("For the first time, exports doubled.", 1),
    ("Barriers are one of the greatest problems.", 14),
    ("该国是全球数字经济的佼佼者之一。", 11),
    ("该港是全國最大的數據中心。", 4),
    ("這是第一個在全港推行的計劃。", 3),
    ("交易额创历史新高。", 4),
    ("Sales reached an all-time high.", 18),
])
def test_claim_phrases_are_fl202(lint, text, column):
    assert claim_findings(lint, "# T\n\n" + text + "\n") == [(3, column, "FL202")]


@pytest.mark.parametrize("text", [
    "The first column lists the names.",
    "In the first place, we thank the team.",
    "For the most part, the data are open.",
    "Some of the most useful tools are listed below.",
    "第一个来源是年鉴。",
    "打造全国领先的数据中心。",
    "Europe aims to become the most competitive economy.",
    "读过《全球最大的数据交易所》一文。",
])
def test_words_that_are_not_claims(lint, text):
    assert claim_findings(lint, "# T\n\n" + text + "\n") == []


# --- examples the author makes up, a report of its own data (issue 10, items 2 and 4) ----

def test_an_example_the_author_names_frames_the_rest_of_its_paragraph(lint):
    scenario = ("# T\n\n可以另設一家公司（在本文中稱為X）持有該廠房。X由一個財團控制。"
                "財團中的本地成員佔 60.5％ 投票權。\n")
    assert claim_findings(lint, scenario) == []
    told = ("# T\n\n可以另設一家公司持有該廠房。它由一個財團控制。"
            "財團中的本地成員佔 60.5％ 投票權。\n")
    assert claim_findings(lint, told) == [(3, 34, "FL201")]
    english = ("# T\n\nTake a hypothetical firm, hereafter Firm A. Firm A employs 40 staff.\n\n"
               "The city employs 400 staff.\n")
    assert claim_findings(lint, english) == [(5, 18, "FL201")]
    # A real body's short name (以下簡稱ODB) is no made-up example.
    named = "# T\n\n世界網路基金會（以下簡稱ODB）發布指數。ODB 評估了 115 個國家。\n"
    assert claim_findings(lint, named) == [(3, 30, "FL201")]


DECLARED = "本报告涵盖甲平台和乙平台的全部公开日志数据。"
REPORT = ("# 年度数据报告\n\n## 概述\n\n" + DECLARED + "\n\n## 一、总体\n\n"
          "2024 年活跃仓库达 1159 万个，同比增长 12.5%。甲平台的活跃用户数排名第一。\n\n"
          "某公司今年完成一轮融资，估值达到 60 亿美元。\n")


def test_a_report_of_its_own_data_set_is_its_own_source_but_for_money(lint):
    findings = [f for f in lint(REPORT) if f.code in CLAIM_CODES]
    assert [(f.line, f.column, f.code) for f in findings] == [(11, 15, "FL201")]
    assert "the document reports its own data, line 5" in findings[0].message
    undeclared = REPORT.replace(DECLARED, "甲平台和乙平台很活跃。")
    assert [c for *_, c in claim_findings(lint, undeclared)] == [
        "FL201", "FL202", "FL201"]


def test_an_own_data_declaration_counts_only_in_the_opening(lint):
    late = ("# 报告\n\n" + "".join(f"第 {n} 段讨论甲平台。\n\n" for n in range(1, 60))
            + "本报告涵盖甲平台的日志数据。\n\n活跃仓库达 1159 万个。\n")
    assert [c for *_, c in claim_findings(lint, late)] == ["FL201"]


def test_a_primary_brief_ranks_what_it_measured_itself(tmp_path, lint):
    text = "# 调查报告\n\n本市的数据企业数量位居全省前列。\n"
    assert at(lint(text, "survey.md"), "FL202") == [(3, 10)]
    (tmp_path / "factlint.yaml").write_text("primary: [survey.md]\n", encoding="utf-8")
    forget()
    assert at(lint(text, "survey.md"), "FL202") == []


@pytest.mark.parametrize("text", [
    "有 35% 的受访者表示支持。",
    "About 40% of respondents said yes.",
    "- More than 100 teams received training via our\n[Developer Program](https://example.org).",
    "Just yesterday we helped launch the portal, for the first time in the city.",
    "These 20 categories cover most of the field.",
    "开放数据的「政策」与「影响」两部分，以问卷为基础。",
    "编码器把 $L$ 个令牌映射到1个嵌入向量。",
    "本节提出 5 项政策建议。",
    "This brief makes 7 recommendations.",
    "The first 5 rows of the table hold the totals.",
])
def test_own_clauses_activity_pointers_pairs_and_single_counts_are_not_claims(lint, text):
    assert claim_findings(lint, "# T\n\n" + text + "\n") == []


@pytest.mark.parametrize("text, expected", [
    ("某咨询公司调查显示，60% 的受访者认为可行。", [(3, 11, "FL203")]),
    ("Our country's exports grew by 5% last year.", [(3, 31, "FL201")]),
    ("北京和上海两市共有数据企业 300 家。", [(3, 15, "FL201")]),
    ("Exports grew by 5% as we have seen.", [(3, 17, "FL201")]),
])
def test_their_twins_still_need_a_source(lint, text, expected):
    assert claim_findings(lint, "# T\n\n" + text + "\n") == expected


def test_a_pair_counted_in_a_sourced_sentence_covers_its_summary(lint):
    text = ("# T\n\n照片中的七人當中，僅兩人受處分。\n\n## 正文\n\n"
            "七人之中，甲及乙兩人受處分[^1]。\n\n[^1]: 某報，《案件通報》，2019\n")
    assert claim_findings(lint, text) == []


def test_a_predictions_section_states_forecasts_not_facts(lint):
    text = ("# T\n\n## 3.6 未来预测 未来 12 个月的 10 条预测\n\n"
            "1. 某个国家可能向大型实验室投资超过 100 亿美元。\n\n## 4 现状\n\n"
            "全市数据企业达 1159 家。\n")
    assert claim_findings(lint, text) == [(9, 7, "FL201")]
