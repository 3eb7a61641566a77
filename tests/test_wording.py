"""Wordings that hold for a figure's true value (factlint.wording, issue 11 item 3)."""

from __future__ import annotations

import itertools

import pytest

from factlint.numbers import builtin_lexicon, find_figures, interval_for, parse_chinese_numeral
from factlint.wording import chinese_numeral, wordings


def figure_in(text: str, language: str):
    [figure] = find_figures(text, builtin_lexicon(language))
    return figure


def suggested(text: str, value: float, language: str = "zh") -> list[str]:
    figure = figure_in(text, language)
    return [w.text for w in wordings(figure, value, text, builtin_lexicon(language), language)]


@pytest.mark.parametrize(("text", "value", "language", "expected"), [
    ("园区集聚超120家数商企业。", 118, "zh", ["近120家", "118家", "超110家"]),
    ("产业规模突破10亿元。", 9.6e8, "zh", ["近10亿元", "9.6亿元"]),
    ("The chain runs over 1,100 stores.", 1080, "en",
     ["nearly 1,100 stores", "1,080 stores", "over 1,000 stores"]),
    ("近七成企业已上云。", 72, "zh", ["超七成", "72%"]),
    ("近七成企业已上云。", 60, "zh", ["六成"]),
    ("三成企业已上云。", 42, "zh", ["超三成", "42%", "四成"]),
    ("三成企业已上云。", 18, "zh", ["18%", "两成"]),
    ("收入突破150亿元。", 148.6e8, "zh", ["近150亿元", "148.6亿元", "突破140亿元"]),
    ("集聚标注企业30余家。", 28, "zh", ["近30家", "28家", "20余家"]),
    ("入驻企业近400家。", 410, "zh", ["超400家", "410家"]),
    ("规模企业50家以上。", 45, "zh", ["近50家", "45家", "40家以上"]),
    ("增长约18%。", 19.2, "zh", ["超18%", "19.2%", "约19%"]),
    ("占比68%。", 70.2, "zh", ["超68%", "70.2%", "70%"]),
    ("从业人员约1.2万人。", 9800, "zh", ["0.98万人", "约1万人"]),
    ("实施八大行动计划。", 9, "zh", ["九大"]),
    ("吸引十余家企业。", 25, "zh", ["二十五家", "二十余家"]),
    ("占比百分之六十八。", 72, "zh", ["超百分之六十八", "百分之七十二"]),
    ("接入１１５９家。", 1150, "zh", ["近１１５９家", "１１５０家"]),
    ("投资10-20亿元。", 25e8, "zh", ["25亿元"]),
    ("Nearly 70% of firms agreed.", 72, "en", ["More than 70%", "72%"]),
    ("It cost about $3.5 million.", 4.1e6, "en",
     ["more than $3.5 million", "$4.1 million", "about $4.1 million"]),
    ("We hired fewer than 10 staff.", 12, "en",
     ["more than 10 staff", "12 staff", "fewer than 20 staff"]),
])
def test_wordings_in_the_writers_notation(text, value, language, expected):
    assert suggested(text, value, language) == expected


def test_the_exact_value_keeps_the_verb_before_it_and_is_the_only_exact_edit():
    text = "骨干企业达42家。累计超过1,100家企业。"
    lexicon = builtin_lexicon("zh")
    first, second = find_figures(text, lexicon)
    shown = wordings(first, 40, text, lexicon, "zh")
    assert [(w.text, w.replacement, w.exact) for w in shown] == [
        ("近42家", "达近42家", False), ("40家", "达40家", True)]
    shown = wordings(second, 1080, text, lexicon, "zh")
    assert [w.replacement for w in shown if w.exact] == ["累计1,080家"]
    assert [w.text for w in shown] == ["近1,100家", "1,080家", "超过1,000家"]


def test_no_wording_for_a_value_that_is_not_a_number():
    text = "园区集聚超120家数商企业。"
    figure = figure_in(text, "zh")
    assert wordings(figure, float("nan"), text, builtin_lexicon("zh"), "zh") == []


SENTENCES = {
    "zh": ["园区集聚{}数商企业。", "全年交易额{}。"],
    "en": ["The chain runs {} today.", "Sales were {} last year."],
}
FIGURES = {
    "zh": ["超120家", "突破10亿元", "近七成", "120余家", "约3.5万人", "68%", "120家", "不到50家",
           "50家以上", "三成", "10至20家", "达1,159家", "不超过3家", "近１２０家"],
    "en": ["over 1,100 stores", "nearly 70%", "about 45,000 people", "1,159 units",
           "at least 40 firms", "fewer than 10 staff", "120-plus stores", "$3.5 million",
           "between 10 and 20 firms", "up to 500 users"],
}


def _holds(text: str, start: int, written: str, value: float, language: str) -> bool:
    for read in find_figures(text, builtin_lexicon(language)):
        if read.start == start and read.end == start + len(written):
            return interval_for(read).contains(value)
    return False


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_wording_holds_and_the_figure_as_written_does_not(language):
    """Over a grid of figures and true values around them: each suggestion, put in the
    figure's place and read back by the brief's own reader, holds for the true value."""
    lexicon = builtin_lexicon(language)
    checked = 0
    for sentence, written in itertools.product(SENTENCES[language], FIGURES[language]):
        text = sentence.format(written)
        [figure] = [f for f in find_figures(text, lexicon) if written in f.text]
        for factor in (0.5, 0.8, 0.89, 0.9, 0.95, 0.98, 1.0, 1.02, 1.05, 1.2, 1.7, 3.0):
            value = figure.value * factor
            if interval_for(figure).contains(value):
                continue
            for wording in wordings(figure, value, text, lexicon, language):
                before = text[: figure.start]
                for shown in (wording.text, wording.replacement):
                    assert _holds(before + shown + text[figure.end:], figure.start, shown,
                                  value, language), (written, value, shown)
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize("n", [1, 2, 9, 10, 11, 15, 20, 21, 99, 100, 101, 105, 110, 118, 999,
                               1000, 1005, 1010, 2300, 9999, 10000, 10001, 12000, 120000,
                               1001000, 99999999])
def test_chinese_numerals_read_back(n):
    assert parse_chinese_numeral(chinese_numeral(n))[0] == n
