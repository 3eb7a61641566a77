"""FL307 is a scale or unit slip only when the recorded value makes sense under the other
scale or unit; a fact recorded in base units is compared like any other (issue 8, item 10)."""

from __future__ import annotations

import pytest

BRIEF = ("# 概况\n\n全省数据产业规模{figure}<sup>1</sup>。\n\n"
         "<sup>1</sup> 来源：省统计局，《数据产业年报》\n")


@pytest.fixture
def check(lint, tmp_path):
    """check(figure, value, unit) -> the FL301/FL307 findings for a brief stating figure."""

    def run(figure: str, value, unit: str):
        (tmp_path / "brief.facts.yaml").write_text(
            "factlint: 1\nsources:\n  \"1\":\n    publisher: 省统计局\n    title: 数据产业年报\n"
            f"claims:\n  - quote: 规模{figure}\n    value: {value}\n    unit: {unit}\n"
            "    source: 1\n", encoding="utf-8")
        return [f for f in lint(BRIEF.format(figure=figure)) if f.code in ("FL301", "FL307")]

    return run


def test_base_units_below_the_figure_are_a_mismatch_not_a_slip(check):
    [finding] = check("突破10亿元", 980000000, "元")
    assert (finding.code, finding.line, finding.column) == ("FL301", 3, 9)
    assert "“突破10亿元” means at least 10亿元" in finding.message


def test_base_units_above_the_figure_hold(check):
    assert check("突破10亿元", 1060000000, "元") == []


def test_a_value_that_fits_only_under_the_brief_scale_is_a_slip(check):
    [finding] = check("达10亿元", 9.8, "元")
    assert (finding.code, finding.line, finding.column) == ("FL307", 3, 9)
    assert "scale slip" in finding.message and "9.8 fits only if read as 亿元" in finding.message


def test_wan_recorded_for_yi_under_an_open_qualifier_is_a_slip(check):
    [finding] = check("突破10亿元", 10.6, "万元")
    assert finding.code == "FL307" and "scale slip" in finding.message


def test_another_measure_word_is_a_unit_slip(check):
    [finding] = check("突破10亿个", 1200000000, "家")
    assert finding.code == "FL307" and "the fact file's unit is 家" in finding.message
