"""Spreadsheets as data files (.xlsx, .ods) and derived facts (`compute`).

The workbooks are generated here: openpyxl writes the .xlsx (number formats, a title and
a header merged across columns, two sheets); the .ods is written by hand as the zip of a
content.xml, as LibreOffice saves it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from factlint import facts as fact_module
from factlint.config import Overrides
from factlint.engine import RunOptions, check_file
from factlint.sheets import SheetError, displayed, read_workbook

BRIEF = """全省汇聚数据商 1,159 家<sup>1</sup>，其中科技类企业占比达{share}<sup>1</sup>，
产业规模突破10亿元<sup>1</sup>。

<sup>1</sup> 来源：某局，《数据企业年报》
"""

SOURCE = "\n\n<sup>1</sup> 来源：某局\n"

FACTS = """factlint: 1
claims:
  - id: all
    quote: 全省汇聚数据商 1,159 家
    data: {file: stats.xlsx, sheet: "2024", where: {指标: 数据商}, column: 全省 企业数}
    unit: 家
  - id: tech-share
    quote: 科技类企业占比达
    compute: {op: share, of: [{file: stats.xlsx, sheet: "2024", cell: B5}, all]}
    unit: "%"
  - quote: 产业规模突破10亿元
    data: {file: stats.xlsx, sheet: 规模, cell: B1}
    unit: 亿元
"""


def make_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "2024"
    sheet.merge_cells("A1:D1")
    sheet["A1"] = "表1 数据企业统计"          # a title over the whole table
    sheet.merge_cells("A2:A3")
    sheet["A2"] = "指标"
    sheet.merge_cells("B2:C2")
    sheet["B2"] = "全省"                      # a header over two columns
    sheet["B3"], sheet["C3"], sheet["D2"] = "企业数", "占比", "备注"
    sheet["A4"], sheet["B4"], sheet["C4"] = "数据商", 1159, 0.6789
    sheet["B4"].number_format = "#,##0"
    sheet["C4"].number_format = "0%"
    sheet["A5"], sheet["B5"], sheet["C5"] = "科技类", 798, 0.689
    sheet["C5"].number_format = "0.0%"
    second = book.create_sheet("规模")
    second["A1"], second["B1"] = "产业规模", 10.43
    second["B1"].number_format = "0.0"
    book.save(path)


def check(folder: Path, brief: str, facts: str, select=("FL3",)):
    (folder / "brief.md").write_text(brief, encoding="utf-8")
    (folder / "brief.facts.yaml").write_text(facts, encoding="utf-8")
    options = RunOptions(paths=(str(folder / "brief.md"),), offline=True,
                         overrides=Overrides(select=select))
    return check_file(str(folder / "brief.md"), options)


def test_workbook_reads_as_displayed_with_merged_header(tmp_path):
    make_workbook(tmp_path / "stats.xlsx")
    book = read_workbook(tmp_path / "stats.xlsx")
    assert [s.name for s in book.sheets] == ["2024", "规模"]
    sheet = book.sheet("2024")
    assert sheet.header == ["指标", "全省 企业数", "全省 占比", "备注"]
    assert sheet.rows[0][:3] == ["数据商", "1,159", "68%"]
    assert sheet.row_numbers == [4, 5]
    assert sheet.cell("C5") == "68.9%"
    assert sheet.cell("b2") == sheet.cell("C2") == "全省"   # merged: both cells read the value
    assert book.sheet("规模").cell("B1") == "10.4"
    with pytest.raises(SheetError, match=r"has no sheet '2023' \(sheets: 2024, 规模\)"):
        book.sheet("2023")


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (0.68, "0%", "68%"), (0.6789, "0.00%", "67.89%"), (1159, "#,##0", "1,159"),
    (1234.5, "#,##0.00", "1,234.50"), (10.43, "0.0", "10.4"), (3, "General", "3"),
    (2.5, "General", "2.5"), (12, '0"家"', "12"), (0.5, "0%;[Red]-0%", "50%"), (None, "0%", ""),
    ("数据商", "General", "数据商"),
])
def test_displayed(value, number_format, shown):
    assert displayed(value, number_format) == shown


def test_fact_file_over_a_workbook_and_a_derived_share(tmp_path):
    make_workbook(tmp_path / "stats.xlsx")
    result = check(tmp_path, BRIEF.format(share="72%"), FACTS)
    mismatches = [f for f in result.findings if f.code == "FL301"]
    assert [(f.line, f.column) for f in mismatches] == [(1, 38)]
    assert mismatches[0].message.startswith(
        "“达72%” means 72% at its written precision, but the true value is 68.85")
    assert ("(computed: share of stats.xlsx cell B5 = 798; claim 'all' = 1,159)"
            in mismatches[0].message)
    assert result.figures_verified == 2                        # 1,159 家 and 突破10亿元

    twin = check(tmp_path, BRIEF.format(share="69%"), FACTS)
    assert [f for f in twin.findings if f.code.startswith("FL30")] == []
    assert twin.figures_verified == 3


def test_sheet_by_where_and_column_with_a_percent_format(tmp_path):
    make_workbook(tmp_path / "stats.xlsx")
    facts = """factlint: 1
claims:
  - quote: 科技类企业占比达
    data: {file: stats.xlsx, sheet: "2024", where: {指标: 数据商}, column: 全省 占比}
    unit: "%"
"""
    assert check(tmp_path, BRIEF.format(share="68%"), facts).figures_verified == 1
    wrong = check(tmp_path, BRIEF.format(share="58%"), facts)
    assert "true value is 68% (data: stats.xlsx sheet 2024 row 4, column 全省 占比)" in next(
        f.message for f in wrong.findings if f.code == "FL301")


def test_workbook_is_opened_once_per_run(tmp_path, monkeypatch):
    make_workbook(tmp_path / "stats.xlsx")
    opened = []

    def counting(path, data=None):
        opened.append(path)
        return read_workbook(path, data)

    monkeypatch.setattr(fact_module, "read_workbook", counting)
    check(tmp_path, BRIEF.format(share="69%"), FACTS)
    assert len(opened) == 1                  # three claims, two sheets, one workbook


@pytest.mark.parametrize(("data", "problem"), [
    ('{file: stats.xlsx, sheet: "2023", cell: B5}',
     "stats.xlsx has no sheet '2023' (sheets: 2024, 规模)"),
    ('{file: stats.xlsx, sheet: "2024", cell: A4}',
     "stats.xlsx sheet 2024 cell A4 holds '数据商', not a number"),
    ('{file: stats.xlsx, where: {指标: 数据商}, column: 企业数}',
     "stats.xlsx sheet 2024 has no column '企业数' (columns: 指标, 全省 企业数, 全省 占比, 备注)"),
    ('{file: broken.xlsx, cell: B5}', "broken.xlsx is not a readable spreadsheet"),
    ('{file: data.csv, cell: B5}', "data.csv is not a spreadsheet: `sheet` and `cell` are for"),
])
def test_spreadsheet_reference_problems_are_fl305(tmp_path, data, problem):
    make_workbook(tmp_path / "stats.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (tmp_path / "data.csv").write_text("indicator,value\nx,1\n", encoding="utf-8")
    facts = f"""factlint: 1
claims:
  - quote: 全省汇聚数据商 1,159 家
    data: {data}
    unit: 家
"""
    findings = [f for f in check(tmp_path, BRIEF.format(share="69%"), facts).findings
                if f.code == "FL305"]
    assert len(findings) == 1 and problem in findings[0].message, findings
    assert findings[0].line == 4


@pytest.mark.parametrize(("compute", "problem"), [
    ("{op: share, of: [nowhere, all]}", "compute: no claim has id 'nowhere'"),
    ("{op: share, of: [all, all]}",
     "compute: the claims refer to each other in a circle (tech → all → tech)"),
    ("{op: share, of: [all]}", "compute: share takes 2 references (first, second), got 1"),
])
def test_compute_problems_are_fl305(tmp_path, compute, problem):
    facts = f"""factlint: 1
claims:
  - id: tech
    quote: 科技类企业占比达
    compute: {compute}
    unit: "%"
  - id: all
    quote: 全省汇聚数据商 1,159 家
    compute: {{op: sum, of: [tech]}}
    unit: 家
"""
    findings = [f for f in check(tmp_path, BRIEF.format(share="69%"), facts).findings
                if f.code == "FL305"]
    assert findings and problem in findings[0].message, findings
    assert (findings[0].line, findings[0].column) == (5, 14)


@pytest.mark.parametrize(("op", "of", "brief_figure", "holds"), [
    ("sum", "[a, b]", "1,159 家", True),           # 800 + 359
    ("difference", "[a, b]", "441 家", True),      # 800 - 359
    ("growth", "[b, a]", "122.8%", True),          # (800 - 359) / 359
    ("ratio", "[a, b]", "2.2 倍", True),
    ("multiple", "[a, b]", "3 倍", False),
])
def test_compute_ops(tmp_path, op, of, brief_figure, holds):
    brief = f"甲 800 家，乙 359 家<sup>1</sup>。总量为{brief_figure}<sup>1</sup>。" + SOURCE
    unit = "%" if op == "growth" else ("家" if op in ("sum", "difference") else "倍")
    facts = f"""factlint: 1
claims:
  - {{id: a, quote: 甲 800 家, value: 800, unit: 家}}
  - {{id: b, quote: 乙 359 家, value: 359, unit: 家}}
  - quote: 总量为
    compute: {{op: {op}, of: {of}}}
    unit: "{unit}"
"""
    result = check(tmp_path, brief, facts)
    assert [f.code for f in result.findings if f.code.startswith("FL30")] == (
        [] if holds else ["FL301"]), result.findings


def test_compute_in_other_units(tmp_path):
    brief = "甲 8 亿元，乙 2000 万元<sup>1</sup>。合计8.2亿元<sup>1</sup>。" + SOURCE
    facts = """factlint: 1
claims:
  - {id: a, quote: 甲 8 亿元, value: 8, unit: 亿元}
  - {id: b, quote: 乙 2000 万元, value: 2000, unit: 万元}
  - {quote: 合计8.2亿元, compute: {op: sum, of: [a, b]}, unit: 亿元}
"""
    assert check(tmp_path, brief, facts).figures_verified == 3


def test_schema_refuses_compute_with_a_value(tmp_path):
    facts = """factlint: 1
claims:
  - quote: 科技类企业占比达
    value: 69
    compute: {op: share, of: [a, b]}
"""
    findings = [f for f in check(tmp_path, BRIEF.format(share="69%"), facts, ("FL5",)).findings]
    assert [f.code for f in findings] == ["FL502"]
    assert "give one of `value`, `data` or `compute`, not several" in findings[0].message
    bad_op = facts.replace("    value: 69\n", "").replace("share", "mean")
    assert [f.code for f in check(tmp_path, BRIEF.format(share="69%"), bad_op,
                                  ("FL5",)).findings] == ["FL502"]


# --- .ods ------------------------------------------------------------------------------------

ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content
  xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
  xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
  xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">
 <office:body><office:spreadsheet>
  <table:table table:name="2024">
   <table:table-row>
    <table:table-cell table:number-rows-spanned="2"><text:p>指标</text:p></table:table-cell>
    <table:table-cell table:number-columns-spanned="2"><text:p>全省</text:p></table:table-cell>
    <table:covered-table-cell/>
   </table:table-row>
   <table:table-row>
    <table:covered-table-cell/>
    <table:table-cell><text:p>企业数</text:p></table:table-cell>
    <table:table-cell><text:p>占比</text:p></table:table-cell>
   </table:table-row>
   <table:table-row>
    <table:table-cell office:value-type="string"><text:p>数据商</text:p></table:table-cell>
    <table:table-cell office:value-type="float" office:value="1159"><text:p>1,159</text:p>
    </table:table-cell>
    <table:table-cell office:value-type="percentage" office:value="0.6789"><text:p>68%</text:p>
    </table:table-cell>
    <table:table-cell table:number-columns-repeated="16381"/>
   </table:table-row>
   <table:table-row table:number-rows-repeated="1048573">
    <table:table-cell table:number-columns-repeated="16384"/>
   </table:table-row>
  </table:table>
  <table:table table:name="规模">
   <table:table-row>
    <table:table-cell><text:p>产业规模</text:p></table:table-cell>
    <table:table-cell office:value-type="float" office:value="10.43"><text:p>10.4</text:p>
    </table:table-cell>
   </table:table-row>
  </table:table>
 </office:spreadsheet></office:body>
</office:document-content>
"""


def make_ods(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet",
                         compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", ODS_CONTENT)


def test_ods_reads_displayed_text_and_merges(tmp_path):
    make_ods(tmp_path / "stats.ods")
    book = read_workbook(tmp_path / "stats.ods")
    sheet = book.sheet(None)
    assert sheet.header == ["指标", "全省 企业数", "全省 占比"]
    assert sheet.rows == [["数据商", "1,159", "68%"]]
    assert sheet.row_numbers == [3]
    assert book.sheet("规模").cell("B1") == "10.4"


def test_fact_file_over_an_ods(tmp_path):
    make_ods(tmp_path / "stats.ods")
    facts = FACTS.replace("stats.xlsx", "stats.ods").replace(
        "{file: stats.ods, sheet: \"2024\", cell: B5}", "{file: stats.ods, sheet: \"2024\", "
        "where: {指标: 数据商}, column: 全省 企业数}")
    result = check(tmp_path, BRIEF.format(share="100%"), facts)
    assert [f.code for f in result.findings if f.code.startswith("FL30")] == []
    assert result.figures_verified == 3


def test_a_workbook_named_on_the_command_line_stands_for_its_briefs(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from factlint.cli import main

    make_workbook(tmp_path / "stats.xlsx")
    (tmp_path / "brief.md").write_text(BRIEF.format(share="72%"), encoding="utf-8")
    (tmp_path / "brief.facts.yaml").write_text(FACTS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["check", "--offline", "--select", "FL301", "stats.xlsx"])
    assert result.exit_code == 1, result.output
    assert "brief.md:1:38: FL301" in result.output
