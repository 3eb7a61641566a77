"""FL309-FL312: figures that agree with themselves, Chinese and English, each with a
failing case (line, column, code, wording) and its passing twin; the shared seed and
corpora stay clean; planted copies of the seed are caught."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import CORPUS, SEED, SHARED, shared_or_skip

from factlint.cli import main

SOURCE_ZH = "\n\n<sup>1</sup> 来源：某局，《数据年报》\n"
SOURCE_EN = "\n\n[^1]: Statistics Office, Annual Report\n"
RULES = ("FL309", "FL310", "FL311", "FL312")


def found(lint, text: str, code: str):
    return [f for f in lint(text, select=RULES) if f.code == code]


def one(lint, text: str, code: str):
    findings = found(lint, text, code)
    assert len(findings) == 1, [(f.code, f.message) for f in lint(text, select=RULES)]
    return findings[0]


def clean(lint, text: str) -> None:
    findings = lint(text, select=RULES)
    assert not findings, [(f.code, f.line, f.column, f.message) for f in findings]


# --- FL309 inconsistent-figure ----------------------------------------------------------------


def test_fl309_zh_same_quantity_restated_with_another_value(lint):
    text = ("全省汇聚数据商 1159 家<sup>1</sup>。\n\n另有数据中介 442 家<sup>1</sup>。\n\n"
            "截至目前，全省汇聚数据商 1195 家<sup>1</sup>。" + SOURCE_ZH)
    finding = one(lint, text, "FL309")
    assert (finding.line, finding.column) == (5, 14)
    assert finding.message == (
        "“1195 家” (汇聚数据商) disagrees with “1159 家” at line 1, column 9: the same "
        "quantity cannot be both; correct one, or name the year or place each is for")


def test_fl309_zh_passing_twins(lint):
    def twice(first: str, second: str) -> str:
        return f"{first}<sup>1</sup>。\n\n{second}<sup>1</sup>。" + SOURCE_ZH

    clean(lint, twice("全省汇聚数据商 1159 家", "截至目前，全省汇聚数据商 1159 家"))
    # different years, different places: two quantities
    clean(lint, twice("2023年全省汇聚数据商 1159 家", "2024年全省汇聚数据商 1195 家"))
    clean(lint, twice("杭州汇聚数据商 1159 家", "宁波汇聚数据商 1195 家"))
    # the wording makes both hold: 超1100家 and 1159家
    clean(lint, twice("全省汇聚数据商超1100家", "全省汇聚数据商 1159 家"))
    # a change is no level: 从…增长到
    clean(lint, twice("数据商从 1000 家增长到 1159 家", "汇聚数据商 1195 家"))


def test_fl309_zh_year_in_the_heading_above_counts(lint):
    text = ("## 2023年\n\n全省汇聚数据商 1159 家<sup>1</sup>。\n\n"
            "## 2024年\n\n全省汇聚数据商 1195 家<sup>1</sup>。" + SOURCE_ZH)
    clean(lint, text)


def test_fl309_en(lint):
    text = ("The agency registered 1,159 data merchants.[^1]\n\n"
            "By March, the agency registered 1,195 data merchants.[^1]" + SOURCE_EN)
    finding = one(lint, text, "FL309")
    assert (finding.line, finding.column) == (3, 33)
    assert "disagrees with “1,159 data” at line 1, column 23" in finding.message
    clean(lint, text.replace("1,195", "1,159"))
    clean(lint, text.replace("By March, the agency", "In Kenya, the agency")
          .replace("The agency registered 1,159", "In Ghana, the agency registered 1,159"))


# --- FL310 arithmetic-mismatch ----------------------------------------------------------------


def test_fl310_zh_growth_rate(lint):
    finding = one(lint, "园区企业从120家增长到160家，增长25%<sup>1</sup>。" + SOURCE_ZH, "FL310")
    assert (finding.line, finding.column) == (1, 20)
    assert finding.message == "“25%” does not fit from “120家” to “160家”, a change of 33.33%"
    clean(lint, "园区企业从120家增长到160家，增长33.3%<sup>1</sup>。" + SOURCE_ZH)
    clean(lint, "园区企业从120家增长到160家，增长33%<sup>1</sup>。" + SOURCE_ZH)
    clean(lint, "园区企业从160家下降到120家，下降25%<sup>1</sup>。" + SOURCE_ZH)


def test_fl310_zh_difference(lint):
    finding = one(lint, "园区企业从120家增加到160家，增加30家<sup>1</sup>。" + SOURCE_ZH, "FL310")
    assert finding.message == "“30家” does not fit from “120家” to “160家”, a difference of 40"
    clean(lint, "园区企业从120家增加到160家，增加40家<sup>1</sup>。" + SOURCE_ZH)


def test_fl310_zh_points_against_percent(lint):
    finding = one(lint, "占比从20%提高到25%，提高5%<sup>1</sup>。" + SOURCE_ZH, "FL310")
    assert finding.message.startswith(
        "“5%” reads as a relative change, but from “20%” to “25%” is 19.51%–30.77% in relative "
        "terms and 4–6 percentage points: write 个百分点")
    clean(lint, "占比从20%提高到25%，提高5个百分点<sup>1</sup>。" + SOURCE_ZH)
    clean(lint, "占比从20%提高到25%，提高25%<sup>1</sup>。" + SOURCE_ZH)
    points = one(lint, "占比从20%提高到25%，提高8个百分点<sup>1</sup>。" + SOURCE_ZH, "FL310")
    assert "a change of 4–6 points" in points.message


def test_fl310_zh_multiples(lint):
    # 增长了N倍 is ×(N+1); 增长到N倍 is ×N
    clean(lint, "产值从100亿元增长到300亿元，增长了2倍<sup>1</sup>。" + SOURCE_ZH)
    clean(lint, "产值从100亿元增长到300亿元，增长到3倍<sup>1</sup>。" + SOURCE_ZH)
    wrong = one(lint, "产值从100亿元增长到300亿元，增长了3倍<sup>1</sup>。" + SOURCE_ZH, "FL310")
    assert "(增长了N倍 means ×(N+1))" in wrong.message
    ratio = one(lint, "今年产值300亿元，是2020年（100亿元）的2倍。" + SOURCE_ZH, "FL310")
    assert ratio.message == "“300亿元” is ×2.98–3.02 of “100亿元”, not “2倍”"
    clean(lint, "今年产值300亿元，是2020年（100亿元）的3倍<sup>1</sup>。" + SOURCE_ZH)
    doubled = one(lint, "产值从100亿元增长到300亿元，翻了一番<sup>1</sup>。" + SOURCE_ZH, "FL310")
    assert doubled.message.startswith("“翻了一番” means ×2")
    clean(lint, "产值从100亿元增长到200亿元，翻了一番<sup>1</sup>。" + SOURCE_ZH)


def test_fl310_zh_share_of_stated_total(lint):
    finding = one(lint, "共有企业120家，其中A类30家，占比20%<sup>1</sup>。" + SOURCE_ZH, "FL310")
    assert finding.message == "“30家” of “120家” is 25%, not “20%”"
    clean(lint, "共有企业120家，其中A类30家，占比25%<sup>1</sup>。" + SOURCE_ZH)


def test_fl310_en(lint):
    text = "Firms rose from 120 firms to 160 firms, up 25%.[^1]" + SOURCE_EN
    finding = one(lint, text, "FL310")
    assert (finding.line, finding.column) == (1, 44)
    assert finding.message == ("“25%” does not fit from “120 firms” to “160 firms”, a change "
                               "of 33.33%")
    clean(lint, text.replace("up 25%", "up 33%"))
    lead = one(lint, "Sales grew 25% from £120m to £160m.[^1]" + SOURCE_EN, "FL310")
    assert lead.column == 12
    clean(lint, "Sales grew 33% from £120m to £160m.[^1]" + SOURCE_EN)


# --- FL311 parts-exceed-whole -----------------------------------------------------------------


def test_fl311_zh_parts_after_qizhong(lint):
    text = "全省共有数据企业 120 家，其中国有企业 50 家、民营企业 80 家<sup>1</sup>。" + SOURCE_ZH
    finding = one(lint, text, "FL311")
    assert (finding.line, finding.column) == (1, 33)
    assert finding.message.startswith(
        "the parts “50 家” + “80 家” add up to 130, more than the whole “120 家”")
    clean(lint, text.replace("80 家", "70 家"))
    single = one(lint, "全省共有数据企业 120 家，其中国有企业 150 家。" + SOURCE_ZH, "FL311")
    assert single.message == "the part “150 家” is more than the whole “120 家” it is part of"


def test_fl311_zh_shares_over_100(lint):
    text = "科技类企业占比达68%、服务类企业占比42%<sup>1</sup>。" + SOURCE_ZH
    finding = one(lint, text, "FL311")
    assert (finding.line, finding.column) == (1, 20)
    assert finding.message == ("shares of one whole add up to more than 100% (“达68%” + “42%”: "
                               "at least 109% at their written precision)")
    clean(lint, text.replace("42%", "32%"))
    # each share at its written precision: 33.4% + 33.3% + 33.3% can be 100%, but three
    # times 33.4% is at least 100.05%
    clean(lint, "甲占比33.4%，乙占比33.3%，丙占比33.3%<sup>1</sup>。" + SOURCE_ZH)
    assert "at least 100.05%" in one(
        lint, "甲占比33.4%，乙占比33.4%，丙占比33.4%<sup>1</sup>。" + SOURCE_ZH, "FL311").message
    # shares of different wholes, and one share at two times, are not added
    clean(lint, "甲占全国的60%，乙占全省的70%<sup>1</sup>。" + SOURCE_ZH)
    clean(lint, "占比从60%提高到70%<sup>1</sup>。" + SOURCE_ZH)


def test_fl311_en(lint):
    text = ("The region has 120 firms, including 50 firms in the north and 80 firms in the "
            "south.[^1]")
    finding = one(lint, text + SOURCE_EN, "FL311")
    assert "add up to 130, more than the whole “120 firms”" in finding.message
    clean(lint, text.replace("80 firms", "70 firms") + SOURCE_EN)
    shares = one(lint, "State firms account for 60% and private firms account for 50%.[^1]"
                 + SOURCE_EN, "FL311")
    assert shares.column == 59
    clean(lint, "State firms account for 60% and private firms account for 40%.[^1]" + SOURCE_EN)


# --- FL312 impossible-figure-phrase -----------------------------------------------------------


def test_fl312_zh(lint):
    text = "能耗降低3倍，成本减少200%，产值增长-5%<sup>1</sup>。" + SOURCE_ZH
    findings = found(lint, text, "FL312")
    assert [(f.line, f.column) for f in findings] == [(1, 5), (1, 12), (1, 21)]
    assert findings[0].message.startswith("“3倍”: a decrease cannot be a multiple; write the "
                                          "result as a fraction, e.g. “to 1/3” (a fall of 66.67%)")
    assert findings[1].message.startswith("“200%”: a decrease of more than 100% leaves less "
                                          "than nothing")
    assert findings[2].message == ("“增长-5%”: a rise by a negative amount is a fall; write "
                                   "下降5% / fell by 5%")
    clean(lint, "能耗降低到原来的三分之一，成本减少67%，产值下降5%<sup>1</sup>。" + SOURCE_ZH)
    clean(lint, "成本减少100%<sup>1</sup>。" + SOURCE_ZH)


def test_fl312_en(lint):
    text = "The share fell by 150 per cent.[^1] Costs are 3 times lower.[^1]" + SOURCE_EN
    findings = found(lint, text, "FL312")
    assert [(f.line, f.column) for f in findings] == [(1, 19), (1, 47)]
    clean(lint, "The share fell by 15 per cent.[^1] Costs are a third of what they were.[^1]"
          + SOURCE_EN)
    # "decreased 3 times" counts occasions, not a multiple
    clean(lint, "The index decreased 3 times in 2023.[^1]" + SOURCE_EN)


# --- the shared seed and corpora ------------------------------------------------------------


def test_no_findings_on_the_seed_and_corpora():
    paths = [shared_or_skip(SEED), *sorted(shared_or_skip(CORPUS).glob("*.md")),
             *sorted(shared_or_skip(SHARED / "corpus2").glob("*.md"))]
    from factlint.config import Overrides
    from factlint.engine import RunOptions, run

    result = run(RunOptions(paths=tuple(map(str, paths)), offline=True, jobs=1,
                            overrides=Overrides(select=RULES)))
    assert [(f.path, f.line, f.code, f.message) for f in result.findings] == []


def planted(seed: str) -> str:
    """The seed with three faults of our own planted: a figure restated with another value
    two paragraphs later, a growth with a wrong rate, shares adding up to 110 %."""
    lines = seed.split("\n")
    restated = next(i for i, line in enumerate(lines) if "汇聚数据商 1159 家" in line) + 4
    assert lines[restated - 1] == "" and lines[restated].strip()
    lines[restated] = "截至目前，贵州汇聚数据商 1195 家<sup>13</sup>。" + lines[restated]
    text = "\n".join(lines)
    assert "占比达68%" in text
    text = text.replace("占比达68%", "占比达68%、服务类数据型企业占比42%", 1)
    growth = "园区数据企业从120家增长到160家，增长25%<sup>18</sup>。"
    return text.replace("推动产业规模突破10亿元<sup>18</sup>。",
                        "推动产业规模突破10亿元<sup>18</sup>。" + growth, 1)


def test_planted_copies_of_the_seed_are_caught(tmp_path, seed_text):
    brief = tmp_path / "planted.md"
    brief.write_text(planted(seed_text), encoding="utf-8")
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["check", "--offline", "--select", ",".join(RULES),
                                       "--format", "text", str(brief)])
    assert result.exit_code == 0, result.output  # warnings do not fail at --fail-on error
    lines = [line for line in result.output.splitlines() if ": FL3" in line]
    assert len(lines) == 3, result.output
    assert ("53:14: FL309 [warning] “1195 家” (汇聚数据商) disagrees with “1159 家” at "
            "line 49") in lines[0]
    assert "FL311" in lines[1] and "“达68%” + “42%”" in lines[1]
    assert "FL310" in lines[2] and "“25%” does not fit from “120家” to “160家”" in lines[2]


def test_planted_seed_in_a_real_subprocess(tmp_path, seed_text):
    brief = tmp_path / "planted.md"
    brief.write_text(planted(seed_text), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "factlint", "check", "--offline", "--select", "FL3",
         "--fail-on", "warning", "--format", "json", str(brief)],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    import json

    codes = sorted(f["code"] for f in json.loads(done.stdout)["findings"])
    assert codes == ["FL309", "FL310", "FL311"]


@pytest.mark.parametrize("code", RULES)
def test_each_rule_is_registered(code):
    from factlint.registry import by_code

    assert by_code()[code].severity == "warning"


# --- --across-briefs ----------------------------------------------------------------------------


def test_across_briefs(tmp_path):
    from click.testing import CliRunner

    def brief(name: str, sentence: str) -> str:
        path = tmp_path / name
        path.write_text(f"# 简报\n\n{sentence}<sup>1</sup>。" + SOURCE_ZH, encoding="utf-8")
        return str(path)

    paths = [brief("a.md", "全省汇聚数据商 1159 家"),
             brief("b.md", "截至目前，全省汇聚数据商 1195 家"),
             brief("c.md", "全省汇聚数据商 1159 家"),           # agrees with a: said at b already
             brief("d.md", "杭州汇聚数据商 1195 家"),           # another place
             brief("e.md", "<!-- factlint-disable-next-line FL309 -->\n全省汇聚数据商 1200 家")]
    args = ["check", "--offline", "--select", "FL309", "--format", "json", "--jobs", "2"]
    import json

    alone = CliRunner().invoke(main, [*args, *paths])
    assert json.loads(alone.output)["findings"] == []          # each brief agrees with itself
    across = CliRunner().invoke(main, [*args, "--across-briefs", *paths])
    findings = json.loads(across.output)["findings"]
    assert [(f["path"], f["line"], f["column"]) for f in findings] == [(paths[1], 3, 14)]
    assert findings[0]["message"].startswith(
        f"“1195 家” (汇聚数据商) disagrees with “1159 家” at {paths[0]} line 3, column 9:")
    text = CliRunner().invoke(main, [*args[:-4], "--across-briefs", *paths])
    assert "| 截至目前，全省汇聚数据商 1195 家<sup>1</sup>。" in text.output  # the line is shown


def test_fl309_place_in_the_heading_above_counts(lint):
    text = ("### 绍兴市\n\n汇聚数据商企业 1159 家<sup>1</sup>。\n\n"
            "### 嘉兴市\n\n汇聚数据商企业 1195 家<sup>1</sup>。" + SOURCE_ZH)
    clean(lint, text)
    assert len(found(lint, text.replace("嘉兴市", "绍兴市"), "FL309")) == 1
    english = ("## Kenya\n\nThe agency registered 1,159 data merchants.[^1]\n\n"
               "## Ghana\n\nThe agency registered 1,195 data merchants.[^1]" + SOURCE_EN)
    clean(lint, english)
