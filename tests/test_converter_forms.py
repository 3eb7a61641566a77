"""Markers and reference lists in the forms Word, PDF and HTML converters write.

Each fixture in tests/fixtures/converters/ is a small brief of our own in one converter's
habits, with one planted fault; its twin (the fault mended) is clean.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import at

from factlint.document import read_document

FIXTURES = Path(__file__).parent / "fixtures" / "converters"
CITATION_CODES = ("FL1", "FL6")

# fixture -> (expected (line, column, code) of FL1xx/FL6xx findings, (old, new) mending it)
CASES = {
    "pandoc-escaped.md": (
        [(5, 17, "FL101"), (13, 1, "FL102")], ("\\[4\\]", "\\[3\\]")),
    "bold-markers.md": (
        [(11, 1, "FL102")], ("[3] [未被引用的報告](https://example.org/unused)", "")),
    "pdf-links.md": (
        [(4, 65, "FL101")],
        ("  https://example.org/review\n",
         "  https://example.org/review\n- <span id=\"page-9-3\"></span>[3] Audit Office, "
         "\"Bid openness\", 2021. https://example.org/bids\n")),
    "sup-link-markers.md": (
        [(5, 8, "FL101")],
        ("2. 数字经济与产业结构升级 [链接](https://example.org/paper-b)\n",
         "2. 数字经济与产业结构升级 [链接](https://example.org/paper-b)\n"
         "3. 数字经济与就业 [链接](https://example.org/paper-c)\n")),
    "paren-source-list.md": (
        [(11, 2, "FL102")], (" 5) [未被引用的來源](https://example.org/unused)\n", "")),
    "headingless-list.md": ([(7, 2, "FL102")], (" [5]   https://example.org/uncited\n", "")),
    "hard-wrapped.md": (
        [(11, 1, "FL102")],
        ("3. Cabinet Office, \"Platform\n   strategy\", 2021, https://example.org/strategy\n", "")),
    "after-paren.md": ([(15, 1, "FL102")], ("[9] Xu R. Uncited study[J]. Nature, 2020.\n", "")),
    "not-citations.md": ([(9, 56, "FL101")], (" and checked on site[^2]", "")),
}


def _citation_findings(lint, text: str, name: str):
    found = lint(text, name=name)
    return sorted((f.line, f.column, f.code) for f in found if f.code.startswith(CITATION_CODES))


@pytest.mark.parametrize("name", sorted(CASES))
def test_planted_fault_is_found(lint, name):
    expected, _ = CASES[name]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert _citation_findings(lint, text, name) == sorted(expected)


@pytest.mark.parametrize("name", sorted(CASES))
def test_mended_twin_is_clean(lint, name):
    _, (old, new) = CASES[name]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert old in text
    assert _citation_findings(lint, text.replace(old, new), name) == []


def _labels(name: str) -> list[tuple[str, ...]]:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return [m.labels for m in read_document(name, text).markers]


def test_escaped_and_listed_markers_are_read():
    assert _labels("pandoc-escaped.md") == [("1",), ("1", "2"), ("4",)]


def test_markers_after_words_parentheses_quotes_with_ranges_and_runs():
    assert _labels("after-paren.md") == [
        ("1",), ("2",), ("3",), ("2", "3"), ("4", "5", "6"), ("7", "8")]


def test_link_wrapped_markers_inside_sup_count_once():
    assert _labels("sup-link-markers.md") == [("1",), ("2",), ("3",)]


def test_exponents_ordinals_and_indexes_are_not_citations():
    assert _labels("not-citations.md") == [("1",), ("2",)]


def test_wrapped_entries_keep_their_url():
    text = (FIXTURES / "hard-wrapped.md").read_text(encoding="utf-8")
    doc = read_document("hard-wrapped.md", text)
    assert [[u.url for u in d.urls] for d in doc.definitions] == [
        ["https://example.org/shared"], ["https://example.org/adoption"],
        ["https://example.org/strategy"]]


def test_list_glued_to_the_last_paragraph_ends_it():
    text = (FIXTURES / "headingless-list.md").read_text(encoding="utf-8")
    doc = read_document("headingless-list.md", text)
    assert [d.label for d in doc.definitions] == ["1", "2", "3", "4", "5"]
    assert all(p.end < doc.definitions[0].start for p in doc.paragraphs)


def test_a_numbered_list_in_the_text_is_not_a_references_list(lint):
    text = "# Steps\n\nWe did three things [1].\n\n[1] First step.\n[3] Third step.\n"
    assert [f for f in lint(text) if f.code.startswith("FL1")] == []


def test_entry_defining_two_labels(lint):
    text = ("兩地調整了工資 **[1]** 。\n\n**註釋：**\n\n[1] [甲地公告](https://example.org/a)\n"
            " [2][3] [乙地公告](https://example.org/b)\n")
    found = lint(text)
    assert at(found, "FL102") == [(6, 2), (6, 5)]
    assert "FL105" not in [f.code for f in found]
