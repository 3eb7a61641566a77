"""What the findings suggest (issue 11 item 3): FL301 the wordings that hold and the exact
edit as a fix, FL307 the unit or scale meant, FL103 the renumbering, FL201 the sources the
brief gives nearby."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from factlint.cli import main
from factlint.fix import FixOptions, apply_edits, fix_text

BRIEF = """\
# 园区概况

园区集聚超120家数商企业<sup>1</sup>。全年交易额突破10亿元<sup>2</sup>。

<sup>1</sup> 来源：某区数据局，《园区年报》

<sup>2</sup> 来源：某交易中心，《年度运营报告》
"""

FACTS = """\
factlint: 1
claims:
  - quote: 超120家数商企业
    value: 118
    unit: 家
    source: 1
  - quote: 交易额突破10亿元
    figure: 突破10亿元
    value: 9.6
    unit: 亿元
    source: 2
"""


@pytest.fixture
def brief(tmp_path) -> Path:
    path = tmp_path / "brief.md"
    path.write_text(BRIEF, encoding="utf-8")
    (tmp_path / "brief.facts.yaml").write_text(FACTS, encoding="utf-8")
    return path


def findings_of(path: Path, code: str):
    from factlint.config import Overrides
    from factlint.engine import RunOptions, check_file

    options = RunOptions(paths=(str(path),), overrides=Overrides(), offline=True)
    return [f for f in check_file(str(path), options).findings if f.code == code]


# --- FL301 ---------------------------------------------------------------------------------


def test_figure_mismatch_says_which_wordings_hold(brief):
    first, second = findings_of(brief, "FL301")
    assert (first.line, first.column) == (3, 5)
    assert first.message.endswith("write “近120家”, “118家” or “超110家”, or correct the fact file")
    assert (second.line, second.column) == (3, 32)
    assert "write “近10亿元” or “9.6亿元”, or correct the fact file" in second.message


def test_the_exact_wording_is_a_fix_of_the_brief_and_the_fact_file(brief):
    first, second = findings_of(brief, "FL301")
    text = brief.read_text(encoding="utf-8")
    [edit] = first.fix.edits
    assert text[edit.start:edit.end] == "超120家" and edit.replacement == "118家"
    [(facts_path, fact_edits)] = second.fix.other_files
    assert Path(facts_path).name == "brief.facts.yaml"
    facts = Path(facts_path).read_text(encoding="utf-8")
    assert apply_edits(facts, fact_edits) == facts.replace("突破10亿元", "9.6亿元")


def test_no_fix_when_the_fact_file_does_not_write_the_figure_as_the_brief_does(tmp_path):
    path = tmp_path / "brief.md"
    path.write_text("园区集聚超１２０家数商企业<sup>1</sup>。\n\n"
                    "<sup>1</sup> 来源：某局，《年报》\n", encoding="utf-8")
    (tmp_path / "brief.facts.yaml").write_text(
        "factlint: 1\nclaims:\n  - quote: 超120家数商企业\n    value: 118\n    unit: 家\n",
        encoding="utf-8")
    [finding] = findings_of(path, "FL301")
    assert "“１１８家”" in finding.message and finding.fix is None


def test_a_figure_that_holds_has_no_suggestion(tmp_path):
    path = tmp_path / "brief.md"
    path.write_text(BRIEF, encoding="utf-8")
    (tmp_path / "brief.facts.yaml").write_text(
        FACTS.replace("value: 118", "value: 126").replace("value: 9.6", "value: 10.2"),
        encoding="utf-8")
    assert findings_of(path, "FL301") == []


def test_fix_leaves_figures_alone_unless_asked(brief):
    facts = brief.with_name("brief.facts.yaml")
    result = CliRunner().invoke(main, ["fix", str(brief)])
    assert result.exit_code == 0 and "nothing to fix" in result.output
    assert brief.read_text(encoding="utf-8") == BRIEF
    result = CliRunner().invoke(main, ["fix", "--figures", str(brief)])
    assert result.exit_code == 0, result.output
    assert brief.read_text(encoding="utf-8") == BRIEF.replace("超120家", "118家").replace(
        "突破10亿元", "9.6亿元")
    assert facts.read_text(encoding="utf-8") == FACTS.replace("超120家", "118家").replace(
        "突破10亿元", "9.6亿元")
    assert findings_of(brief, "FL301") == [] and findings_of(brief, "FL302") == []
    again = CliRunner().invoke(main, ["fix", "--figures", str(brief)])
    assert "nothing to fix" in again.output


def test_fix_figures_through_a_real_process(brief):
    done = subprocess.run([sys.executable, "-m", "factlint", "fix", "--figures", "--diff",
                           str(brief)], capture_output=True, text=True, encoding="utf-8")
    assert done.returncode == 1, done.stderr
    assert "-园区集聚超120家数商企业" in done.stdout and "+园区集聚118家数商企业" in done.stdout
    assert "+  - quote: 118家数商企业" in done.stdout
    assert brief.read_text(encoding="utf-8") == BRIEF  # --diff writes nothing


def test_a_suppressed_mismatch_is_not_fixed(brief):
    directive = "<!-- factlint-disable-next-line FL301 -->"
    brief.write_text(BRIEF.replace("。全年", f"。\n\n{directive}\n全年"), encoding="utf-8")
    text = brief.read_text(encoding="utf-8")
    facts = brief.with_name("brief.facts.yaml")
    from factlint.api import settings_for
    from factlint.config import Overrides

    fixed = fix_text(str(brief), text, FixOptions(figures=True), str(facts),
                     facts.read_text(encoding="utf-8"), settings_for(brief, Overrides()))
    assert "118家" in fixed.brief and "突破10亿元" in fixed.brief


# --- FL307 ---------------------------------------------------------------------------------


def test_unit_mismatch_says_which_scale_or_unit_was_meant(tmp_path):
    path = tmp_path / "brief.md"
    path.write_text("全省规模达10万元<sup>1</sup>。上架 318 家数据产品<sup>1</sup>。\n\n"
                    "<sup>1</sup> 来源：某局，《年报》\n", encoding="utf-8")
    (tmp_path / "brief.facts.yaml").write_text(
        "factlint: 1\nclaims:\n  - quote: 规模达10万元\n    value: 10\n    unit: 亿元\n"
        "  - quote: 上架 318 家\n    value: 318\n    unit: 个\n", encoding="utf-8")
    scale, unit = findings_of(path, "FL307")
    assert (scale.line, scale.column) == (1, 5) and scale.message.endswith("; meant “10亿元”?")
    assert unit.message.endswith("; meant “318 个”?")


def test_no_unit_suggestion_when_the_other_unit_does_not_hold_either(tmp_path):
    path = tmp_path / "brief.md"
    path.write_text("全省规模达10亿元<sup>1</sup>。\n\n<sup>1</sup> 来源：某局，《年报》\n",
                    encoding="utf-8")
    (tmp_path / "brief.facts.yaml").write_text(
        "factlint: 1\nclaims:\n  - quote: 规模达10亿元\n    value: 9.8\n    unit: 元\n",
        encoding="utf-8")
    [finding] = findings_of(path, "FL307")
    assert "scale slip" in finding.message and "meant" not in finding.message


# --- FL103 ---------------------------------------------------------------------------------

ORDER = """\
甲地有企业 120 家<sup>2</sup>，乙地有 80 家<sup>3</sup>，丙地有 30 家<sup>1</sup>。

<sup>1</sup> 来源：丙地统计局，《丙地企业名录》

<sup>2</sup> 来源：甲地统计局，《甲地企业名录》

<sup>3</sup> 来源：乙地统计局，《乙地企业名录》
"""


def test_order_says_the_renumbering_and_its_fix_is_what_fix_writes(lint, tmp_path):
    findings = [f for f in lint(ORDER) if f.code == "FL103"]
    assert [(f.line, f.column) for f in findings] == [(1, 12), (1, 54)]
    assert all(f.message.endswith("(factlint fix renumbers 2 → 1, 3 → 2, 1 → 3)")
               for f in findings)
    fixed = fix_text(str(tmp_path / "brief.md"), ORDER)
    assert apply_edits(ORDER, findings[0].fix.edits) == fixed.brief


# --- FL201 ---------------------------------------------------------------------------------


def test_unsourced_figure_names_the_source_of_the_same_figure_elsewhere(lint):
    text = ("全省汇聚数据商 1159 家<sup>1</sup>。\n\n## 小结\n\n"
            "该省数据商共 1159 家，居全国前列。\n\n<sup>1</sup> 来源：某局，《数据交易年报》\n")
    [finding] = [f for f in lint(text) if f.code == "FL201"]
    assert (finding.line, finding.column) == (5, 6)
    assert finding.message.endswith("; “1159 家” is also stated at line 1, citing <sup>1</sup>")


def test_unsourced_figure_names_the_sources_of_its_paragraph(lint):
    text = ("甲地企业 120 家<sup>1</sup>。乙地以农业为主。丙地另有 1 200 亩耕地。丁地 45 家。"
            "戊地企业 80 家<sup>2</sup>。\n\n"
            "<sup>1</sup> 来源：某局，《甲地年报》\n\n<sup>2</sup> 来源：某局，《戊地年报》\n")
    messages = [f.message for f in lint(text) if f.code == "FL201"]
    assert messages and all(
        m.endswith("; its paragraph cites <sup>1</sup> at line 1 and <sup>2</sup> at line 1")
        for m in messages)


def test_no_source_suggestion_without_evidence(lint):
    text = "全省汇聚数据商 1159 家。\n\n另一段无来源。\n"
    [finding] = [f for f in lint(text) if f.code == "FL201"]
    assert finding.message.endswith("cite where it comes from")


# --- SARIF ---------------------------------------------------------------------------------

SCHEMA = Path(__file__).resolve().parents[1].parent / "shared" / "schemas" / \
    "sarif-schema-2.1.0.json"


@pytest.mark.skipif(not SCHEMA.is_file(), reason=f"the SARIF schema is not at {SCHEMA}")
def test_sarif_carries_the_figure_fix_for_both_files(brief):
    from jsonschema.validators import validator_for

    result = CliRunner().invoke(main, ["check", "--offline", "--format", "sarif",
                                       str(brief)], catch_exceptions=False)
    log = json.loads(result.output)
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = list(validator_for(schema)(schema).iter_errors(log))
    assert not errors, errors[0].message
    [first, _] = [r for r in log["runs"][0]["results"] if r["ruleId"] == "FL301"]
    [fix] = first["fixes"]
    brief_change, facts_change = fix["artifactChanges"]
    assert brief_change["artifactLocation"]["uri"].endswith("brief.md")
    assert brief_change["replacements"] == [{
        "deletedRegion": {"startLine": 3, "startColumn": 5, "endLine": 3, "endColumn": 10},
        "insertedContent": {"text": "118家"}}]
    assert facts_change["artifactLocation"]["uri"].endswith("brief.facts.yaml")
    assert facts_change["replacements"] == [{
        "deletedRegion": {"startLine": 3, "startColumn": 12, "endLine": 3, "endColumn": 17},
        "insertedContent": {"text": "118家"}}]


def test_a_renumbering_that_would_edit_one_place_twice_is_refused_not_a_traceback(tmp_path):
    """corpus2's Oxfam brief cites [3][13] inside its references list: renumbering edited
    the sorted list and the marker inside it, and `fix` crashed with a ValueError."""
    from conftest import SHARED, shared_or_skip

    source = shared_or_skip(SHARED / "corpus2" / "zh-hk-oxfam-minwage.md")
    path = tmp_path / source.name
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["fix", "--diff", str(path)])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.exception
    assert "renumber by hand" in result.output
    assert all(f.fix is None for f in findings_of(path, "FL103"))


def test_rdjson_offers_no_half_of_a_figure_fix(brief):
    """reviewdog applies one range of one file: the brief's edit alone would lose the claim."""
    result = CliRunner().invoke(main, ["check", "--offline", "--format", "rdjson", str(brief)])
    diagnostics = [d for d in json.loads(result.output)["diagnostics"]
                   if d["code"]["value"] == "FL301"]
    assert len(diagnostics) == 2 and all("suggestions" not in d for d in diagnostics)


def test_the_renumbering_is_a_catalog_argument_in_both_languages(lint):
    from factlint.messages import render

    finding = next(f for f in lint(ORDER) if f.code == "FL103")
    assert finding.message_id == "FL103.cited-before.renumbered"
    arguments = dict(finding.arguments)
    assert arguments["renumbering"] == "2 → 1, 3 → 2, 1 → 3"
    assert render(finding.message_id, arguments, "zh") == (
        "引用 2 出现在 1 之前：请按首次引用的先后编号"
        "（factlint fix 将重新编号：2 → 1, 3 → 2, 1 → 3）")
