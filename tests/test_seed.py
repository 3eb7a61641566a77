"""The reference brief: what factlint must say about it, and faults planted in copies of it."""

from __future__ import annotations

import re

import pytest
from conftest import at, codes


@pytest.fixture
def seed(seed_text, lint):
    return lint(seed_text)


def test_reference_brief_has_no_errors(seed):
    assert [f for f in seed if f.severity == "error"] == []


def test_heading_level_slip_at_line_21(seed):
    assert at(seed, "FL601") == [(21, 4)]


def test_sources_12_and_17_are_one_source(seed):
    duplicates = [f for f in seed if f.code == "FL105"]
    assert len(duplicates) == 1
    assert "12" in duplicates[0].message and "17" in duplicates[0].message
    assert duplicates[0].line == 75


def test_four_split_paragraphs(seed):
    assert [line for line, _ in at(seed, "FL603")] == [11, 23, 53, 69]


def test_no_unsourced_figures(seed):
    """Neither 10个省份 (its sentence continues past the footnotes to <sup>4</sup>) nor 五类."""
    assert "FL201" not in codes(seed)
    assert "FL306" not in codes(seed)


def test_every_marker_matched(seed_text, tmp_path):
    from factlint.document import read_document

    doc = read_document("seed.md", seed_text)
    labels = [label for m in doc.markers for label in m.labels]
    assert labels == [str(n) for n in range(1, 25)]
    assert sorted(int(d.label) for d in doc.definitions) == list(range(1, 25))
    assert {"FL101", "FL102", "FL103", "FL104"}.isdisjoint(codes(_lint(seed_text, tmp_path)))


def test_ten_provinces_sentence_spans_the_page_break(seed_text):
    from factlint.document import read_document

    doc = read_document("seed.md", seed_text)
    sentence = next(s for s in doc.sentences if "10个省份" in seed_text[s.start : s.end])
    assert [label for m in sentence.markers for label in m.labels] == ["4", "5"]
    assert doc.position(sentence.end - 1)[0] == 19


def _lint(text, tmp_path, name="copy.md"):
    from factlint.engine import RunOptions, check_file

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return check_file(str(path), RunOptions(offline=True)).findings


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_removed_marker(seed_text, lint):
    text = seed_text.replace("数据产业集聚根基持续强化<sup>13</sup>", "数据产业集聚根基持续强化")
    findings = lint(text)
    line = _line_of(text, "汇聚数据商 1159 家")
    column = text.split("\n")[line - 1].index("1159 家") + 1
    assert at(findings, "FL201") == [(line, column)]
    assert any(f.line == _line_of(text, "<sup>13</sup> 来源")
               for f in findings if f.code == "FL102")


def test_marker_pointing_at_undefined_number(seed_text, lint):
    text = seed_text.replace("强化<sup>13</sup>", "强化<sup>31</sup>")
    findings = lint(text)
    assert [line for line, _ in at(findings, "FL101")] == [_line_of(text, "<sup>31</sup>")]


def test_swapped_markers(seed_text, lint):
    text = seed_text.replace("强化<sup>13</sup>", "强化<sup>@</sup>")
    text = text.replace("集聚发展<sup>14</sup>", "集聚发展<sup>13</sup>").replace(
        "<sup>@</sup>", "<sup>14</sup>")
    findings = lint(text)
    # 14 is cited before 13, and 13 after 14: both markers sit on the same line
    assert [line for line, _ in at(findings, "FL103")] == [_line_of(text, "强化<sup>14</sup>")] * 2


def test_number_defined_twice(seed_text, lint):
    text = seed_text.replace("<sup>14</sup> 来源：南方日报", "<sup>13</sup> 来源：南方日报")
    findings = lint(text)
    assert _line_of(text, "<sup>13</sup> 来源：南方日报") in [
        line for line, _ in at(findings, "FL104")]


def test_renumbered_heading(seed_text, lint):
    text = seed_text.replace("### （四）以产业融通发展", "### （五）以产业融通发展")
    findings = lint(text)
    assert _line_of(text, "（五）以产业融通发展") in [line for line, _ in at(findings, "FL602")]


def test_count_before_list(seed_text, lint):
    text = seed_text.replace("生态共建五类", "生态共建六类")
    findings = lint(text)
    assert [line for line, _ in at(findings, "FL306")] == [_line_of(text, "生态共建六类")]
    assert "FL201" not in codes(findings)


def test_ranking_claim_without_marker(seed_text, lint):
    text = seed_text.replace("位居全国前列<sup>15</sup>", "位居全国前列")
    findings = lint(text)
    assert [line for line, _ in at(findings, "FL202")] == [_line_of(text, "位居全国前列")]


def test_positions_are_code_points(seed_text, lint):
    findings = lint(seed_text)
    lines = seed_text.split("\n")
    for f in findings:
        assert 1 <= f.line <= len(lines)
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1
    fl601 = next(f for f in findings if f.code == "FL601")
    assert re.match(r"（二）", lines[20][fl601.column - 1 :])
