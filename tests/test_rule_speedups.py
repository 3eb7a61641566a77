"""The rules' speed rewrites find what the plain forms they replace find.

Each plain form is written here as it was before the rewrite; each pair is compared on
awkward text (case foldings such as ſ, ı, İ and the Kelvin sign), the shared seed and
corpus, and text hypothesis makes up.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factlint import notes
from factlint.rules import citations, consistency

SHARED = Path(__file__).resolve().parents[2] / "shared"
AWKWARD = [
    "", "Ibid.", "IBID., p. 4", "ıbid", "İbid", "ibidem 3", "id. ", "Id.", "op. cit", "OP.CIT",
    "Loc. cit.", "see note 3", "SEE ABOVE N. 12", "ſee note 2", "pp. 3-5", "PP.3 – 5", "Page 12",
    "pageſ 4", "s. 5", "Sec. 7", "ſec. 8", "§ 12", "第24至26段", "附表", "附注 3", "页码 5", "頁 9",
    "doi:10.1000/x", "DOI", "ISBN 978-7-111", "ıssn", "İSBN", "PMID 1", "arXiv:2101", "WWW.x.org",
    "〔2024〕1836号", "[2023] 5 号", "https://example.org/a", "a/b", "\u212a ibid", "stop. cit",
    "来源：某局，《数据交易年报》", "同上", "同注3", "见[6]", "參見\\[2]", "同 12 ",
]


def _texts() -> list[str]:
    texts = list(AWKWARD)
    for folder in ("seeds", "corpus", "corpus2"):
        for path in sorted((SHARED / folder).glob("*.md")):
            texts.extend(path.read_text(encoding="utf-8").split("\n"))
    return texts


TEXTS = _texts()
# (pattern as rewritten, its plain form, flags of the plain form)
PAIRS = [
    (notes.REPEAT_NOTE,
     r"(?i:ibid\b|ibidem\b|id\.(?:\s|$)|op\.\s*cit\b|loc\.\s*cit\b|see\s+(?:above\s+)?n(?:ote)?"
     r"\.?\s*\d)|同上|同前|前揭|前引|同[註注]\s*\d|同\s*\\?\[\d|[見见]\s*\\?\[\d|參見\s*\\?\[\d"
     r"|参见\s*\\?\[\d|[見见]\s*[註注]\s*\d|同\s*\d{1,3}\s*$", 0),
    (notes.PINPOINT,
     r"(?i:\bpp?\.\s*\d+(?:\s*[-–]\s*\d+)?|\bpages?\s+\d+|\bs(?:ec)?\.\s*\d+|§\s*\d+)"
     r"|第\s*\d+\s*(?:至\s*\d+\s*)?[页頁段条條款章节節]|附表|附[註注]\s*\d|页码\s*\d|頁\s*\d", 0),
    (citations.MAY_IDENTIFY, r"[/〔\[]|doi|isbn|issn|pmid|arxiv|www", re.IGNORECASE),
]


def found(pattern, text: str) -> list:
    return [(m.span(), m.group()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("index", range(len(PAIRS)))
def test_a_rewritten_pattern_finds_what_its_plain_form_finds(index):
    pattern, plain, flags = PAIRS[index]
    plain = re.compile(plain, flags)
    for text in TEXTS:
        assert found(pattern, text) == found(plain, text), text
        assert bool(pattern.match(text)) == bool(plain.match(text)), text


LETTERS = st.text(alphabet=st.sampled_from(
    list("ibdemopcltsnaegPIBDSOLNAGECſıİ\u212a.:- \n§第至页頁段附表注註码同上见見參参[]\\"
         "0123456789〔〕号/w")),
    max_size=40)


@settings(max_examples=400, deadline=None)
@given(LETTERS)
def test_the_rewritten_patterns_agree_on_made_up_text(text):
    for pattern, plain, flags in PAIRS:
        assert found(pattern, text) == found(re.compile(plain, flags), text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab\n\r中", max_size=30), st.integers(-3, 35), st.integers(-3, 35))
def test_a_span_is_its_two_positions(text, start, end):
    from factlint.document import read_document

    doc = read_document("brief.md", text)
    plain = (*doc.position(start), *doc.position(max(end, start + 1) if end <= start else end))
    assert doc.span(start, end) == plain


def plain_han_run(clause: str) -> str:
    """consistency.han_run as a loop over the characters, as it was written first."""
    end = len(clause)
    while end and clause[end - 1] in " \u3000":
        end -= 1
    start = end
    while start and end - start < consistency.MAX_HAN + 8 and (
            "\u4e00" <= clause[start - 1] <= "\u9fff" or clause[start - 1] in " \u3000"):
        start -= 1
    return clause[start:end].replace(" ", "").replace("\u3000", "")


def test_a_han_run_is_what_the_loop_reads():
    for text in TEXTS:
        for end in range(0, len(text), 7):
            clause = text[max(0, end - consistency.CLAUSE_WINDOW):end]
            assert consistency.han_run(clause) == plain_han_run(clause), clause


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="数据商汇聚 \u3000\u4e00\u9fff\u4dff\ua000a1，", max_size=50))
def test_a_han_run_is_what_the_loop_reads_on_made_up_text(clause):
    assert consistency.han_run(clause) == plain_han_run(clause)


def test_titles_are_read_from_the_one_group_each_match_fills():
    for text in TEXTS:
        plain = frozenset(notes.TITLE_NOISE.sub("", m.group(m.lastindex)).lower()
                          for m in notes.TITLE.finditer(text))
        assert notes.titles_of(text) == plain, text
