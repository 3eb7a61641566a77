"""Property tests: the reader never raises on arbitrary text, and every finding is in bounds."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from factlint.config import Settings
from factlint.document import read_document
from factlint.engine import active_rules, apply_directives
from factlint.rules import Context

PIECES = [
    "<sup>1</sup>", "<sup>2,3</sup>", "<sup>4-6</sup>", "[^1]", "[^a]", "[^1]: ", "[2]", "¹²",
    "<sup>1</sup> 来源：某局，《年报》\n", "参考文献\n", "[1] 张三. 论文[J]. 2020.\n", "1. ",
    "超120家", "20余家", "突破10亿元", "近七成", "68%", "１１５９家", "百分之六十八", "五类",
    "甲、乙、丙三类", "位居全国前列", "全国首创", "over 1,100 firms", "about 45,000", "£2.7bn",
    "the largest", "。", "！", ". ", "? ", "\n", "\n\n", "# ", "## ", "### （一）", "（二）",
    "一是", "二、", "> ", "| a | b |\n", "```\n", "    ", "`code`", "<!-- x -->",
    "<!-- factlint-disable FL201 -->", "<!-- factlint-disable-next-line -->",
    "<!-- factlint-enable FL201 -->", "https://example.org/a）。", "[t](https://example.org)",
    "---\n", "{: .x }", "=== \"t\"\n", "\r\n", "\t", "😀", "〔2024〕1836号",
    "《标题 120 家》", "2025年", "第一", "一体化", "<sup>", "</sup>", "[", "]", "(", ")", "\\",
]

text_strategy = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=60).map("".join),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
@example("0\n=== 0\nB")  # found by hypothesis: a figure ran from one sentence into the next
def test_reader_never_raises_and_positions_are_in_bounds(text):
    doc = read_document("brief.md", text)
    n = len(text)
    for marker in doc.markers:
        assert 0 <= marker.start < marker.end <= n
    for definition in doc.definitions:
        assert 0 <= definition.start <= definition.end <= n
        for url in definition.urls:
            assert text[url.start : url.end] == url.url
    for sentence in doc.sentences:
        assert 0 <= sentence.start < sentence.end <= n
        for figure in sentence.figures:
            assert sentence.start <= figure.start < figure.end <= sentence.end


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text_strategy)
def test_every_finding_lies_inside_the_file(text):
    doc = read_document("brief.md", text)
    settings_ = Settings()
    ctx = Context(doc, None, settings_)
    findings = [f for rule in active_rules(settings_) for f in rule.check(ctx)]
    findings = apply_directives(doc, findings, settings_)
    lines = text.split("\n")
    for f in findings:
        assert 1 <= f.line <= len(lines), f
        assert 1 <= f.column <= len(lines[f.line - 1]) + 1, f
        assert (f.end_line, f.end_column) >= (f.line, f.column), f
        assert (f.end_line <= len(lines)
                and f.end_column <= len(lines[f.end_line - 1].rstrip("\r")) + 2), f
