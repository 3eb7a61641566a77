"""FL301-FL308 and FL501/FL502: a brief's figures against its fact file and data files.

Most cases start from a fact file written for the shared reference brief
(tests/fixtures/facts/guangxi.facts.yaml, its values are stand-ins that hold) and change
one thing, then check the finding's code, file, line and wording.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT, SEED, shared_or_skip

from factlint.config import Settings
from factlint.document import read_document
from factlint.factfiles import load_facts
from factlint.facts import find_fact_file
from factlint.rules import Context
from factlint.rules import facts as fact_rules

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "facts"
EXAMPLES = ROOT / "data" / "examples"


DEFAULT_SETTINGS = Settings()


def lint_with_facts(brief: Path, fact_path: Path | None = None,
                    settings: Settings = DEFAULT_SETTINGS):
    """What the engine does for one brief, limited to the fact-file rules and the loader."""
    doc = read_document(str(brief), brief.read_text(encoding="utf-8"))
    fact_path = fact_path or find_fact_file(brief)
    if fact_path is None:
        return []
    facts, findings = load_facts(fact_path)
    if facts is not None:
        ctx = Context(doc, facts, settings)
        for rule in fact_rules.RULES:
            if rule.check is not None:
                findings.extend(rule.check(ctx))
    return sorted(findings)


def only(findings, code):
    return [f for f in findings if f.code == code]


@pytest.fixture
def seed_case(tmp_path):
    """seed_case(replace={old: new}, data={file: {old: new}}, brief={old: new}) -> findings."""
    seed = shared_or_skip(SEED)

    def run(replace=None, data=None, brief=None):
        folder = tmp_path / "case"
        if folder.exists():
            shutil.rmtree(folder)
        shutil.copytree(FIXTURES, folder)
        text = (folder / "guangxi.facts.yaml").read_text(encoding="utf-8")
        for old, new in (replace or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        (folder / "guangxi.facts.yaml").write_text(text, encoding="utf-8")
        for name, changes in (data or {}).items():
            path = folder / "guangxi-data" / name
            content = path.read_text(encoding="utf-8-sig")
            for old, new in changes.items():
                assert old in content, old
                content = content.replace(old, new)
            path.write_text(content, encoding="utf-8")
        brief_text = seed.read_text(encoding="utf-8")
        for old, new in (brief or {}).items():
            assert old in brief_text, old
            brief_text = brief_text.replace(old, new)
        brief_path = folder / "guangxi-data-industry-brief.md"
        brief_path.write_text(brief_text, encoding="utf-8")
        return lint_with_facts(brief_path, folder / "guangxi.facts.yaml")

    return run


def fact_line(text_before: str) -> int:
    """The line of the fixture on which ``text_before`` is written."""
    lines = (FIXTURES / "guangxi.facts.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text_before in line)


# --- the reference brief ---------------------------------------------------------------------


def test_fixture_verifies_the_reference_brief(seed_case):
    assert seed_case() == []


def test_over_120_with_118_is_a_mismatch_at_the_brief(seed_case):
    findings = seed_case({"value: 126": "value: 118"})
    [finding] = only(findings, "FL301")
    assert finding.path.endswith("guangxi-data-industry-brief.md")
    assert (finding.line, finding.column) == (61, 143)
    assert finding.message.startswith(
        "“超120家” means more than 120, but the true value is 118 "
        f"(facts: guangxi.facts.yaml line {fact_line('value: 126')})")


def test_20_odd_with_35_is_a_mismatch(seed_case):
    [finding] = only(seed_case({"value: 23": "value: 35"}), "FL301")
    assert (finding.line, finding.column) == (65, 205)
    assert "“20余家” means between 20 and 30" in finding.message
    assert "true value is 35" in finding.message


def test_passing_1_billion_with_980_million_is_a_mismatch(seed_case):
    [finding] = only(seed_case({"value: 10.6": "value: 9.8"}), "FL301")
    assert (finding.line, finding.column) == (65, 229)
    assert "“突破10亿元” means at least 10亿元" in finding.message
    assert "true value is 9.8亿元" in finding.message


@pytest.mark.parametrize("cell, fires", [("67.6%", False), ("68.49", False), ("66.4%", True),
                                         ("68.5", True)])
def test_68_percent_holds_for_values_that_round_to_it(seed_case, cell, fires):
    findings = seed_case(data={"hangzhou.csv": {"68.3%": cell}})
    assert bool(only(findings, "FL301")) is fires


def test_csv_cell_that_disagrees_names_file_row_and_column(seed_case):
    [finding] = only(seed_case(data={"hangzhou.csv": {"68.3%": "66.4%"}}), "FL301")
    assert (finding.line, finding.column) == (65, 114)
    assert "(data: guangxi-data/hangzhou.csv row 3, column value)" in finding.message
    assert "true value is 66.4%" in finding.message


def test_json_pointer_value_that_disagrees(seed_case):
    [finding] = only(seed_case(data={"ningbo.json": {'"３１８"': "312"}}), "FL301")
    assert finding.line == 79
    assert "(data: guangxi-data/ningbo.json /products/listed)" in finding.message


def test_wrong_source_is_reported_at_the_brief_marker(seed_case):
    findings = seed_case({"quote: 吸引 67 家数商入驻\n    data: {file: guangxi-data/ningbo.json, "
                          "pointer: /merchants}\n    unit: 家\n    source: 20":
                          "quote: 吸引 67 家数商入驻\n    data: {file: guangxi-data/ningbo.json, "
                          "pointer: /merchants}\n    unit: 家\n    source: 19"})
    [finding] = only(findings, "FL304")
    assert finding.path.endswith(".md")
    assert finding.line == 79
    brief = SEED.read_text(encoding="utf-8").splitlines()[78]
    assert brief[finding.column - 1:].startswith("<sup>20</sup>")
    assert "cites source 20" in finding.message and "source 19" in finding.message


def test_unit_ge_against_jia_is_a_unit_mismatch(seed_case):
    findings = seed_case(brief={"吸引 67 家数商": "吸引 67 个数商"},
                         replace={"吸引 67 家数商入驻": "吸引 67 个数商入驻"})
    [finding] = only(findings, "FL307")
    assert finding.line == 79
    assert "the brief writes 个 but the fact file's unit is 家" in finding.message
    assert not only(findings, "FL301")


def test_wan_for_yi_is_a_scale_slip(seed_case):
    findings = seed_case({"value: 10.6\n    unit: 亿元": "value: 10.6\n    unit: 万元"})
    [finding] = only(findings, "FL307")
    assert "scale slip" in finding.message and "万元" in finding.message


def test_missing_data_file_is_reported_at_the_data_line(seed_case):
    findings = seed_case({"guangxi-data/anhui.csv, where: {item: 数据企业":
                          "guangxi-data/anhui-2025.csv, where: {item: 数据企业"})
    [finding] = only(findings, "FL305")
    assert finding.path.endswith("guangxi.facts.yaml")
    assert finding.line == fact_line("where: {item: 数据企业")
    assert "anhui-2025.csv not found" in finding.message


@pytest.mark.parametrize("change, words", [
    ({"year: 2025}, column: count}\n    unit: 家\n    source: 22\n  - id: anhui-parks":
      "year: 2023}, column: count}\n    unit: 家\n    source: 22\n  - id: anhui-parks"},
     "no row of guangxi-data/anhui.csv has item = 数据企业, year = 2023"),
    ({"where: {item: 数据企业, year: 2025}": "where: {item: 数据企业}"}, "2 rows of"),
    ({"column: count}\n    unit: 家\n    source: 22\n  - id: anhui-parks":
      "column: total}\n    unit: 家\n    source: 22\n  - id: anhui-parks"}, "no column 'total'"),
    ({"pointer: /merchants}": "pointer: /merchant}"}, "no key 'merchant'"),
])
def test_data_reference_errors(seed_case, change, words):
    [finding] = only(seed_case(change), "FL305")
    assert words in finding.message


def test_non_numeric_cell(seed_case):
    [finding] = only(seed_case(data={"hangzhou.csv": {"68.3%": "约七成左右"}}), "FL305")
    assert "not a number" in finding.message and "row 3" in finding.message


def test_quote_not_in_brief_points_into_the_fact_file(seed_case):
    [finding] = only(seed_case({"quote: 数据中介 442 家": "quote: 数据中介 424 家"}), "FL302")
    assert finding.path.endswith("guangxi.facts.yaml")
    assert finding.line == fact_line("quote: 数据中介 442 家")
    assert "is not in the brief" in finding.message


def test_quote_found_twice(seed_case):
    [finding] = only(seed_case({"quote: 汇聚数据商 1159 家": "quote: 数据产业"}), "FL302")
    assert "more than once" in finding.message


def test_quote_folding_full_width_and_spaces(seed_case):
    findings = seed_case({"quote: 汇聚数据商 1159 家": "quote: 汇聚数据商１１５９ 家"})
    assert findings == []


def test_quote_across_the_page_split(seed_case):
    findings = seed_case(
        {"quote: 等10个省份": "quote: 等10个省份布局国家数据要素综合试验区，以试验区为抓手"})
    assert findings == []


def test_publisher_differs_from_the_brief_footnote(seed_case):
    [finding] = only(seed_case({"publisher: 浙江省经济信息中心": "publisher: 浙江日报"}), "FL308")
    assert finding.path.endswith(".md") and finding.line == 73
    assert "浙江日报" in finding.message
    assert finding.severity == "warning"


def test_uncovered_figure_is_info_only_with_a_fact_file(seed_case):
    findings = seed_case({"  - id: henan-parks\n    quote: 建设 10 个省级数据产业园\n"
                          "    value: 10\n    unit: 个\n    source: 12\n": ""})
    [finding] = only(findings, "FL303")
    assert (finding.line, finding.severity) == (41, "info")


def test_empty_value_is_unverified_not_verified(seed_case):
    findings = seed_case({"value: 1159": "value:"})
    [finding] = only(findings, "FL303")
    assert finding.line == 49 and "no true value yet" in finding.message
    assert not only(findings, "FL301")


def test_tolerance_widens_the_interval(seed_case):
    assert only(seed_case({"value: 126": "value: 119.5"}), "FL301")
    assert not only(seed_case({"value: 126": "value: 119.5\n    tolerance: 1"}), "FL301")


# --- fact-file faults point into the fact file ---------------------------------------------


def test_yaml_syntax_error_has_line_and_column(seed_case):
    [finding] = seed_case({"value: 442": "value: [442"})
    assert finding.code == "FL501" and finding.path.endswith("guangxi.facts.yaml")
    assert finding.line > fact_line("value: 442") - 1 and finding.column >= 1


def test_value_many_is_a_schema_error_at_its_line(seed_case):
    findings = seed_case({"value: 442": "value: many"})
    [finding] = only(findings, "FL502")
    assert finding.line == fact_line("value: 442")
    assert finding.column == 12
    assert finding.message == "claims[5].value: value must be a number, got 'many'"
    # the broken claim is left out; the others are still checked
    assert not only(findings, "FL301")


def test_every_fact_file_finding_lies_inside_its_file(seed_case):
    cases = [
        {"value: 442": "value: [442"},
        {"value: 442": "value: many"},
        {"quote: 数据中介 442 家": "quote: 不在简报里"},
        {"pointer: /merchants}": "pointer: /nothing}"},
        {"factlint: 1": "factlint: 1\nextra: {a: 1}"},
        {"  - id: xiangjiang-chains\n": "  - id: xiangjiang-chains\n    valeu: 3\n"},
    ]
    for change in cases:
        for finding in seed_case(change):
            text = Path(finding.path).read_text(encoding="utf-8")
            lines = text.split("\n")
            assert 1 <= finding.line <= len(lines), (change, finding)
            assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1, (change, finding)


# --- the rules' own documented examples ----------------------------------------------------


@pytest.mark.parametrize("rule", fact_rules.RULES, ids=lambda r: r.code)
def test_documented_examples(rule, tmp_path):
    for kind, expect in (("Bad", True), ("Good", False)):
        folder = tmp_path / kind
        folder.mkdir()
        for name, content in fact_rules.example_files(rule.example(kind)).items():
            (folder / name).write_text(content, encoding="utf-8")
        found = only(lint_with_facts(folder / "brief.md"), rule.code)
        assert bool(found) is expect, f"{rule.code} {kind}: {found}"


def test_split_example():
    brief, facts = fact_rules.split_example(fact_rules.MISMATCH.example("Bad"))
    assert brief.startswith("园区集聚超120家") and "--- " not in brief
    assert facts.startswith("factlint: 1")
    assert fact_rules.split_example("只有简报。\n") == ("只有简报。\n", None)


# --- the project's examples ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["zh-brief.md", "en-brief.md"])
def test_examples_verify_clean(name):
    findings = lint_with_facts(EXAMPLES / name)
    assert findings == []


def test_wrong_example_shows_one_mismatch():
    findings = lint_with_facts(ROOT / "data" / "mismatch" / "zh-brief.md")
    [finding] = findings
    assert finding.code == "FL301" and finding.line == 9
    assert "true value is 148.6亿元 (data: data/lanzhou-industry.csv row 3, column value)" \
        in finding.message
