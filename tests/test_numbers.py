"""numbers.py: which text is a figure, what it means, and the interval it allows."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from factlint.numbers import (
    Figure,
    Interval,
    builtin_lexicon,
    find_figures,
    interval_for,
    load_lexicon,
    parse_chinese_numeral,
    parse_number,
    split_unit,
)

RULES = Path(__file__).resolve().parents[1] / "rules"
ZH = builtin_lexicon("zh")
EN = builtin_lexicon("en")
LEXICONS = {"zh": builtin_lexicon("zh", traditional=True), "en": EN}  # pack examples: both scripts


def only(text: str, lexicon=ZH) -> Figure:
    figures = find_figures(text, lexicon)
    assert len(figures) == 1, (text, figures)
    return figures[0]


# ------------------------------------------------------------------ what is a figure

IS_FIGURE = [
    # (lexicon, text, span, value, unit)
    ("zh", "汇聚数据商 1159 家", "1159 家", 1159, "家"),
    ("zh", "落地超120家企业", "超120家", 120, "家"),
    ("zh", "引进20余家公司", "20余家", 20, "家"),
    ("zh", "营收达10亿元", "达10亿元", 1e9, "元"),
    ("zh", "3600亿元", "3600亿元", 3.6e11, "元"),
    ("zh", "开放 270 亿条记录", "270 亿条", 2.7e10, "条"),
    ("zh", "占比68%", "68%", 68, "%"),
    ("zh", "占比68％", "68％", 68, "%"),
    ("zh", "共有１１５９家", "共有１１５９家", 1159, "家"),
    ("zh", "集聚 3 倍", "3 倍", 3, "倍"),
    ("zh", "打造十大特色产业链", "十大", 10, "大"),
    ("zh", "实施八大行动", "八大", 8, "大"),
    ("zh", "覆盖四大区域", "四大", 4, "大"),
    ("zh", "形成五类形态", "五类", 5, "类"),
    ("zh", "建设两个中心", "两个", 2, "个"),
    ("zh", "约占三成", "约占三成", None, None),  # 约占 is not a qualifier: see next row
    ("zh", "占三成", "三成", 30, "%"),
    ("zh", "近七成企业", "近七成", 70, "%"),
    ("zh", "比例为百分之六十八", "为百分之六十八", 68, "%"),
    ("zh", "十余家单位", "十余家", 10, "家"),
    ("zh", "二十多个项目", "二十多个", 20, "个"),
    ("zh", "布局10–20家", "10–20家", 10, "家"),
    ("zh", "布局10至20家", "10至20家", 10, "家"),
    ("zh", "布局10～20家", "10～20家", 10, "家"),
    ("zh", "规模10-20亿元", "10-20亿元", 1e9, "元"),
    ("zh", "累计超过1,100家", "累计超过1,100家", 1100, "家"),
    ("zh", "一百零五家", "一百零五家", 105, "家"),
    ("en", "it has 1,159 firms", "1,159 firms", 1159, "firms"),
    ("en", "sold for £2.7bn", "£2.7bn", 2.7e9, "£"),
    ("en", "a grant of $3.5 million", "$3.5 million", 3.5e6, "$"),
    ("en", "a grant of US$3.5 million", "US$3.5 million", 3.5e6, "US$"),
    ("en", "rose 12.5 per cent", "12.5 per cent", 12.5, "%"),
    ("en", "over 1,100 stores", "over 1,100 stores", 1100, "stores"),
    ("en", "about 45,000 people", "about 45,000 people", 45000, "people"),
    ("en", "a 70B model", "70B model", 7e10, "model"),
    ("en", "3 agencies", "3 agencies", 3, "agencies"),
    ("en", "between 10 and 20 firms", "between 10 and 20 firms", 10, "firms"),
    ("en", "from 10 to 20 firms", "from 10 to 20 firms", 10, "firms"),
    ("en", "5k users", "5k users", 5000, "users"),
    ("en", "over 1,100", "over 1,100", 1100, ""),
]


@pytest.mark.parametrize(("lang", "text", "span", "value", "unit"),
                         [row for row in IS_FIGURE if row[3] is not None])
def test_is_figure(lang, text, span, value, unit):
    figure = only(text, LEXICONS[lang])
    assert text[figure.start:figure.end] == span
    assert figure.text == span
    assert figure.value == pytest.approx(value)
    assert figure.unit == unit


def test_a_verb_between_qualifier_and_number_breaks_the_qualifier():
    figure = only("约占三成")
    assert (figure.text, figure.qualifier) == ("三成", "exact")


NOT_FIGURE = {
    "zh": [
        "2025年", "2025年3月", "3月5日", "2026-11-27", "2014-2016年", "第一", "第3名", "一是",
        "（一）", "一、", "一体化", "单一", "统一", "“三数一链”", "一带一路", "十四五", "5G",
        "一个", "一种", "一批", "一项", "《10省份部署建设试验区》", "〈3个要点〉", "〔2024〕1836号",
        "国发〔2023〕5号", "近5年", "5年", "连续3个月", "v1.2", "3.11", "13800138000",
        "0771-5555666", "A100", "GPT-4", "Llama2", "COVID-19", "H2O", "IPv6", "数十家", "几百个",
        "百家争鸣", "千家万户", "三位一体", "编号为1159", "三五家", "上下游",
    ],
    "en": [
        "in 2024", "In 2024 researchers found", "2015–16", "2026-11-27", "No. 5 firms",
        "Figure 2 shows", "Table 1", "Chapter 3 covers", "page 5 says", "section 4 agencies",
        "version 2 adds", "v1.2", "Python 3.11", "5G", "COVID-19", "H2O", "IPv6", "A100",
        "GPT-4", "Llama2", "three agencies", "5th place", "3 of them", "1. Introduction",
        "over 10 years", "5 March 2024", "10:30 am", "call 555-0100",
    ],
}


@pytest.mark.parametrize(("lang", "text"), [(k, t) for k, v in NOT_FIGURE.items() for t in v])
def test_not_figure(lang, text):
    assert find_figures(text, LEXICONS[lang]) == []


def test_figures_inside_a_title_are_skipped_but_not_those_after_it():
    text = "据《2025年10省份数据报告》显示，共有12家"
    assert [f.text for f in find_figures(text, ZH)] == ["共有12家"]


def test_seed_like_paragraph_yields_figures_in_order():
    text = ("在北京、浙江等10个省份布局试验区，批复7个试验区；长三角、京津冀四大区域集聚效应显著，"
            "汇聚数据商 1159 家、数据中介 442 家，聚集超120家企业及20余家标注企业，规模突破10亿元，"
            "科技类企业占比达68%。")
    got = [f.text for f in find_figures(text, ZH)]
    assert got == ["10个", "7个", "四大", "1159 家", "442 家", "超120家", "20余家", "突破10亿元",
                   "达68%"]


def test_numeral_kinds():
    assert only("１１５９家").numeral == "fullwidth"
    assert only("1159家").numeral == "arabic"
    assert only("五类").numeral == "chinese"


def test_fullwidth_separators_and_point():
    figure = only("１，１５９家")
    assert figure.value == 1159
    figure = only("３．５万人")
    assert (figure.value, figure.decimals, figure.step) == (35000, 1, 1000)


# ------------------------------------------------------------------ SPEC §3, every row

ROWS = [
    # (lexicon, text, qualifier, holds, fails)
    ("zh", "汇聚1159家", "exact", [1159], [1158, 1160]),
    ("zh", "达1159家", "exact", [1159], [1158]),
    ("zh", "为1159家", "exact", [1159], [1160]),
    ("zh", "共1159家", "exact", [1159], [1160]),
    ("zh", "累计1159家", "exact", [1159], [1160]),
    ("zh", "占比达68%", "exact", [67.5, 68, 68.49], [67.49, 68.5]),
    ("zh", "3.5万人", "exact", [34500, 35499], [34499, 35500]),
    ("zh", "10亿元", "exact", [9.5e8, 1.04e9], [9.4e8, 1.05e9]),
    ("en", "reached 1,159 firms", "exact", [1159], [1160]),
    ("en", "12.5 per cent", "exact", [12.45, 12.5], [12.44, 12.55]),
    ("zh", "超120家", "over", [120.5, 121], [120, 119]),
    ("zh", "超过120家", "over", [121], [120]),
    ("zh", "逾120家", "over", [121], [120]),
    ("zh", "多于120家", "over", [121], [120]),
    ("zh", "高于120家", "over", [121], [120]),
    ("en", "over 120 firms", "over", [121], [120]),
    ("en", "more than 120 firms", "over", [121], [120]),
    ("en", "exceeds 120 firms", "over", [121], [120]),
    ("zh", "突破120家", "at_least", [120, 500], [119]),
    ("zh", "120家以上", "at_least", [120], [119]),
    ("zh", "至少120家", "at_least", [120], [119]),
    ("zh", "不少于120家", "at_least", [120], [119]),
    ("en", "at least 120 firms", "at_least", [120], [119]),
    ("zh", "20余家", "plus", [21, 29], [20, 30]),
    ("zh", "120余家", "plus", [121, 129], [120, 130]),
    ("zh", "3600余亿元", "plus", [3.65e11], [3.6e11, 3.7e11]),
    ("zh", "十余家", "plus", [11, 19], [10, 20]),
    ("zh", "20多家", "plus", [25], [20, 30]),
    ("en", "20-plus firms", "plus", [25], [20, 30]),
    ("en", "20-odd firms", "plus", [25], [20, 30]),
    ("zh", "近七成", "near", [63, 65, 69.9], [62.9, 70, 72]),
    ("zh", "近1000家", "near", [900, 999], [899, 1000]),
    ("zh", "将近1000家", "near", [950], [1000]),
    ("zh", "接近1000家", "near", [950], [1000]),
    ("en", "nearly 1,000 firms", "near", [950], [1000, 899]),
    ("en", "almost 1,000 firms", "near", [950], [1000]),
    ("zh", "约1000家", "about", [950, 1050], [949, 1051]),
    ("zh", "大约1000家", "about", [950], [949]),
    ("zh", "1000家左右", "about", [1050], [1051]),
    ("zh", "1000家上下", "about", [1050], [1051]),
    ("zh", "约3万人", "about", [25000, 34999], [24999, 35000]),   # rounding is wider
    ("en", "about 1,000 firms", "about", [950], [949]),
    ("en", "around 1,000 firms", "about", [950], [949]),
    ("en", "approximately 1,000 firms", "about", [950], [949]),
    ("en", "roughly 1,000 firms", "about", [950], [949]),
    ("zh", "不到120家", "under", [119], [120]),
    ("zh", "不足120家", "under", [119], [120]),
    ("zh", "少于120家", "under", [119], [120]),
    ("zh", "低于120家", "under", [119], [120]),
    ("en", "under 120 firms", "under", [119], [120]),
    ("en", "less than 120 firms", "under", [119], [120]),
    ("en", "fewer than 120 firms", "under", [119], [120]),
    ("zh", "120家以下", "at_most", [120], [121]),
    ("zh", "120家以内", "at_most", [120], [121]),
    ("zh", "至多120家", "at_most", [120], [121]),
    ("zh", "不超过120家", "at_most", [120], [121]),
    ("en", "up to 120 firms", "at_most", [120], [121]),
    ("en", "at most 120 firms", "at_most", [120], [121]),
    ("en", "no more than 120 firms", "at_most", [120], [121]),
    ("zh", "10–20家", "range", [10, 20], [9, 21]),
    ("zh", "10-20家", "range", [10, 20], [9, 21]),
    ("zh", "10至20家", "range", [15], [21]),
    ("zh", "10～20家", "range", [15], [21]),
    ("zh", "10~20家", "range", [15], [21]),
    ("zh", "10到20家", "range", [15], [21]),
    ("zh", "10-20亿元", "range", [1e9, 2e9], [9e8, 2.1e9]),
    ("en", "between 10 and 20 firms", "range", [10, 20], [9, 21]),
    ("en", "from 10 to 20 firms", "range", [10, 20], [21]),
]


@pytest.mark.parametrize(("lang", "text", "kind", "holds", "fails"), ROWS)
def test_spec_table(lang, text, kind, holds, fails):
    figure = only(text, LEXICONS[lang])
    assert figure.qualifier == kind
    interval = interval_for(figure)
    for v in holds:
        assert interval.contains(v), (text, v, str(interval))
    for v in fails:
        assert not interval.contains(v), (text, v, str(interval))


def test_ratios_are_configurable():
    figure = only("近1000家")
    assert interval_for(figure, near_ratio=0.8).contains(850)
    assert not interval_for(figure).contains(850)
    figure = only("约1000家")
    assert interval_for(figure, about_ratio=0.1).contains(1090)


def test_tolerance_widens_both_sides():
    figure = only("1159家")
    interval = interval_for(figure, tolerance=2)
    assert interval.contains(1157) and interval.contains(1161)
    assert not interval.contains(1162)


def test_qualifier_text_as_written():
    assert only("累计超过1,100家").qualifier_text == "超过"
    assert only("20余家").qualifier_text == "余"
    assert only("1159家").qualifier_text == ""
    assert only("over 1,100 stores", EN).qualifier_text == "over"


# ------------------------------------------------------------------ Interval text


@pytest.mark.parametrize(("interval", "text"), [
    (Interval(120, 130, False, False), "(120, 130)"),
    (Interval(67.5, 68.5, True, False), "[67.5, 68.5)"),
    (Interval(120, math.inf, False, False), "(120, ∞)"),
    (Interval(-math.inf, 120, False, True), "(-∞, 120]"),
    (Interval(34500, 35500, True, False), "[34,500, 35,500)"),
    (Interval(1159, 1159, True, True), "[1,159]"),
])
def test_interval_str(interval, text):
    assert str(interval) == text


# ------------------------------------------------------------------ cells and units


@pytest.mark.parametrize(("cell", "value"), [
    ("1,159", 1159), ("1159", 1159), (" 42 ", 42), ("68%", 68), ("68％", 68), ("１１５９", 1159),
    ("3.5万", 35000), ("十二", 12), ("七成", 70), ("百分之六十八", 68), ("一百零五", 105),
    ("两万", 20000), ("三千万", 3e7), ("一亿三千万", 1.3e8), ("二〇二五", 2025), ("-5", -5),
    ("0.5", 0.5), ("1 159", 1159), ("$3.5 million", 3.5e6), ("2.7bn", 2.7e9), ("1e3", 1000),
    (12, 12), (1.5, 1.5),
])
def test_parse_number(cell, value):
    assert parse_number(cell) == pytest.approx(value)


@pytest.mark.parametrize("cell", ["", "  ", "abc", "N/A", "1.2.3", "三五", "nan", "inf", "--",
                                  "十十", None, True])
def test_parse_number_rejects(cell):
    assert parse_number(cell) is None


@pytest.mark.parametrize(("text", "value", "step"), [
    ("十", 10, 10), ("二十", 20, 10), ("二十三", 23, 1), ("一百零五", 105, 1), ("两", 2, 1),
    ("三千万", 3e7, 1e7), ("三万亿", 3e12, 1e12), ("十万", 1e5, 1e5),
])
def test_chinese_numeral_reader(text, value, step):
    assert parse_chinese_numeral(text) == (value, step)


@pytest.mark.parametrize(("lang", "unit", "expected"), [
    ("zh", "亿元", (1e8, "元")), ("zh", "万人", (1e4, "人")), ("zh", "%", (1, "%")),
    ("zh", "家", (1, "家")), ("zh", "", (1, "")), ("zh", "万亿元", (1e12, "元")),
    ("zh", "成", (10, "%")), ("en", "million people", (1e6, "people")),
    ("en", "per cent", (1, "%")), ("en", "bn", (1e9, "")), ("en", "firms", (1, "firms")),
])
def test_split_unit(lang, unit, expected):
    assert split_unit(unit, LEXICONS[lang]) == expected


def test_unit_key_folds_plurals():
    assert only("1,159 firms", EN).unit_key == "firm"
    assert only("3 agencies", EN).unit_key == "agency"


# ------------------------------------------------------------------ the packs' own examples


def _pack_examples():
    for lang in ("zh", "en"):
        section = yaml.safe_load((RULES / f"{lang}.yaml").read_text(encoding="utf-8"))["figures"]
        found = []

        def walk(node, where, found=found, lang=lang):
            if isinstance(node, dict):
                for key, value in node.items():
                    if key in ("examples", "counter_examples"):
                        for example in value:
                            found.append((lang, f"{where}.{key}", key, example))
                    else:
                        walk(value, f"{where}.{key}")
            elif isinstance(node, list):
                for i, item in enumerate(node):
                    walk(item, f"{where}[{i}]")

        walk(section, "figures")
        yield from found


PACK_EXAMPLES = list(_pack_examples())


def test_every_pack_section_has_examples():
    assert len(PACK_EXAMPLES) > 80


@pytest.mark.parametrize(("lang", "where", "key", "example"), PACK_EXAMPLES,
                         ids=[f"{p[0]}:{p[1]}:{p[3]}" for p in PACK_EXAMPLES])
def test_pack_example(lang, where, key, example):
    lexicon = LEXICONS[lang]
    assert isinstance(example, str | dict), f"{where}: quote {example!r} in the pack"
    if isinstance(example, dict):
        assert None not in example.values(), f"{where}: quote {example!r} (a comma split it)"
    if key == "counter_examples":
        assert find_figures(example, lexicon) == [], where
        return
    text = example if isinstance(example, str) else example["text"]
    figures = find_figures(text, lexicon)
    assert figures, f"{where}: {text!r} is not read as a figure"
    if isinstance(example, dict):
        figure = figures[0]
        for name, expected in example.items():
            if name == "text":
                continue
            if name == "span":
                assert figure.text == expected, where
            elif isinstance(expected, float | int) and not isinstance(expected, bool):
                assert getattr(figure, name) == pytest.approx(expected), (where, name)
            else:
                assert getattr(figure, name) == expected, (where, name)


def test_user_pack_adds_words():
    zh = yaml.safe_load((RULES / "zh.yaml").read_text(encoding="utf-8"))
    user = {"figures": {"units": [{"words": ["枚"]}],
                        "qualifiers": [{"kind": "over", "before": ["多达"]}]}}
    lexicon = load_lexicon([zh, user])
    figure = only("多达3枚", lexicon)
    assert (figure.text, figure.qualifier, figure.unit) == ("多达3枚", "over", "枚")
    assert find_figures("多达3枚", ZH) == []


def test_unknown_qualifier_kind_is_an_error():
    with pytest.raises(ValueError, match="unknown kind"):
        load_lexicon([{"figures": {"qualifiers": [{"kind": "lots", "before": ["好多"]}]}}])


# ------------------------------------------------------------------ properties

TEXT = st.text(
    alphabet=st.sampled_from(list("0123456789０１２,.，．%％-–~～至到 \n年月家个亿万元余多超近约"
                                  "一二两三十百千成大类第《》〈〉〔〕abcBkm$£ over")),
    max_size=80,
) | st.text(max_size=80)


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_find_figures_never_raises_and_spans_are_sane(text):
    for lexicon in (ZH, EN):
        figures = find_figures(text, lexicon)
        last_end = 0
        for figure in figures:
            assert 0 <= figure.start < figure.end <= len(text)
            assert figure.start >= last_end
            assert text[figure.start:figure.end] == figure.text
            last_end = figure.end
            interval = interval_for(figure)
            assert interval.low <= interval.high
            str(interval)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30)
       | st.from_regex(r"[ ]?[0-9]{1,7}(\.[0-9]{1,3})?[%万亿]?", fullmatch=True))
def test_parse_number_never_raises(text):
    value = parse_number(text)
    assert value is None or math.isfinite(value)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=10**7))
def test_written_integers_round_trip(n):
    figure = only(f"共{n:,}家")
    assert figure.value == n
    assert interval_for(figure).contains(n)
    assert not interval_for(figure).contains(n + 1)
    assert parse_number(f"{n:,}") == n


# ------------------------------------------------------------------ edges where SPEC is silent


def test_word_ending_in_a_qualifier_is_not_one():
    figure = only("累计签约 42 个项目")
    assert (figure.text, figure.qualifier, figure.qualifier_text) == ("42 个", "exact", "")
    assert only("最近3家").qualifier == "exact"


def test_longest_qualifier_wins():
    assert only("不超过3家").qualifier == "at_most"
    assert only("不少于3家").qualifier == "at_least"
    assert only("no more than 3 firms", EN).qualifier == "at_most"


def test_from_without_a_range_is_not_part_of_the_figure():
    figures = find_figures("rose from 10 firms to 20 firms", EN)
    assert [(f.text, f.qualifier) for f in figures] == [("10 firms", "exact"),
                                                        ("20 firms", "exact")]


def test_n_plus_reads_as_at_least():
    assert interval_for(only("50+ countries", EN)).contains(75)


def test_scaled_decimals_have_clean_bounds():
    figure = only("£2.7bn", EN)
    assert figure.value == 2.7e9
    interval = interval_for(figure)
    assert (interval.low, interval.high) == (2.65e9, 2.75e9)
    assert interval_for(only("12.5 per cent", EN)).contains(12.45)
    assert interval_for(only("近七成")).low == 63


def test_a_range_scale_written_after_both_ends():
    figure = only("10亿至20亿元")
    assert (figure.value, figure.high, figure.unit) == (1e9, 2e9, "元")


def test_chinese_percent_range():
    figure = only("二至三成")
    assert (figure.value, figure.high, figure.unit, figure.qualifier) == (20, 30, "%", "range")


def test_section_numbers_at_line_start_are_no_figures():
    assert find_figures("### 6.1 项目类型\n共有5类", ZH)[0].text == "共有5类"
    assert [f.text for f in find_figures("2.1 Census\nabout 45 people", EN)] == ["about 45 people"]


def test_figures_never_overlap_a_previous_one():
    figures = find_figures("超过10家超过20家", ZH)
    assert [f.text for f in figures] == ["超过10家", "超过20家"]


def test_split_unit_keeps_units_that_start_with_a_scale_character():
    assert split_unit("千瓦", ZH) == (1, "千瓦")
    assert split_unit("万千瓦", ZH) == (1e4, "千瓦")
    assert split_unit("千万元", ZH) == (1e7, "元")


def test_lexicon_is_hashable_for_caches():
    assert hash(ZH) != hash(EN)
    assert builtin_lexicon("zh") is ZH


def _shortcut_cases():
    from factlint import numbers

    for language in ("zh", "en"):
        for traditional in (False, True):
            lexicon = builtin_lexicon(language, traditional)
            yield lexicon, lexicon.before, lexicon.before_ends, numbers._BACK_WINDOW
            yield lexicon, lexicon.blocked_before, lexicon.blocked_ends, 16


BEFORE_ALPHABET = "约近超过逾达为共了于多少不足 \t\u3000\n$¥￥~～aboutvrAOUTKſİ数家5,"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=BEFORE_ALPHABET, max_size=30))
def test_nothing_is_read_before_a_number_where_the_patterns_find_nothing(text):
    # nothing_before spares the backwards patterns' match: where it says nothing is
    # written, the pattern reading the window backwards finds nothing
    from factlint import numbers

    for _, pattern, ends, width in _shortcut_cases():
        for at in range(len(text) + 1):
            if numbers.nothing_before(text, at, ends):
                match = pattern.match(text[max(0, at - width):at][::-1])
                assert match is None or match.end() == 0, (text, at)
