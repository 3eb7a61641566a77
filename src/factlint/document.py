"""A Markdown brief, read once into a Document that every rule shares.

Every position is a 0-based code-point offset into the original text;
``Document.position`` turns one into the 1-based (line, column) users see.
Skipped text (code, comments, front matter, tags, URLs) is blanked to spaces of
the same length, so offsets found in the masked text stay true to the original.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

from factlint import patterncache
from factlint.lazyre import lazy
from factlint.messages import Phrase
from factlint.numbers import Figure, Lexicon, builtin_lexicon, find_figures, load_lexicon
from factlint.rulepack import LANGUAGES, RulePack, load_rulepack, traditional_characters

MARKER_FILL = "\x01"  # stands in for a marker's characters in prose

# --- what the reader recognises -------------------------------------------------------

_LABELS = r"\d{1,4}(?:\s*[,，、]\s*\d{1,4}|\s*[-–—~]\s*\d{1,4})*"
_LINK_TARGET = r"\((?:[^()\s]|\([^()\s]*\))*\)"
SUP_MARKER = lazy(
    r"<sup>\s*(?:\[?\s*(" + _LABELS + r")\s*\]?"
    r"|\[\\?\[\s*(" + _LABELS + r")\s*\\?\]\]" + _LINK_TARGET + r")\s*</sup>",
    re.IGNORECASE)
FOOTNOTE_MARKER = lazy(r"\[\^([^\]\n]{1,400})\]")
# [13], pandoc's escaped \[13\] and PDF converters' link-wrapped [\[13\]](#page-3-1); never
# [text][13] reference links, images, or a \[ that escapes something else
BRACKET_MARKER = lazy(
    r"(?=[\[\\])(?<![0-9_\]\\!])(?:\[\\?\[(" + _LABELS + r")\\?\]\]" + _LINK_TARGET
    + r"|\\\[(" + _LABELS + r")\\\]|\[(" + _LABELS + r"(?:\]\[" + _LABELS + r")*)\](?![\[(:]))"
)
# km<sup>2</sup>, 10<sup>26</sup>, x<sup>2</sup>: an exponent, not a citation
EXPONENT_BASE = lazy(
    r"(?:(?<![A-Za-z])(?:[kcmdμµn]?m|ft|in|mi|yd|s|kg|[xyzna-e])|(?<![0-9.])10)$")
# What a match of EXPONENT_BASE ends with (or a line break that its $ matches before)
_EXPONENT_ENDS = frozenset("mtnidsgxyzabcde0\n")
# (?=…) before a pattern that opens with a lookbehind or with branches: the positions where
# no match can start are skipped at C speed (re otherwise tries every branch at each one)
UNICODE_MARKER = lazy(r"(?=[⁰¹²³⁴⁵⁶⁷⁸⁹])(?<![A-Za-z0-9⁰¹²³⁴⁵⁶⁷⁸⁹])"
                      r"([⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[˒,][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)")
SUPERSCRIPT_ORDER = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_DIGITS = str.maketrans(SUPERSCRIPT_ORDER, "0123456789")

SUP_DEFINITION = lazy(r"[ \t]*(<sup>\s*\[?\s*(\d{1,4})\s*\]?\s*</sup>)[ \t]*", re.IGNORECASE)
FOOTNOTE_DEFINITION = lazy(r" {0,3}(\[\^([^\]\n]{1,400})\]:)[ \t]*")
UNICODE_DEFINITION = lazy(r"[ \t]*([⁰¹²³⁴⁵⁶⁷⁸⁹]+)[ \t]*(?=\S)")
# An entry of a references list: [13], \[13\], **[13]**, [3][4], 13. or 13) — after a bullet
# or an anchor (<span id=…></span>, blanked) as PDF converters write them
REFERENCE_ENTRY = lazy(
    r"[ \t]*(?:[-*+][ \t]+)?((?:\*\*)?(?:\\?\[(\d{1,4})\\?\](?:\\?\[\d{1,4}\\?\])*(?!:)"
    r"|(\d{1,4})(?:[.、．](?=\s)|\)))(?:\*\*)?)[^\S\n]*[:：]?[^\S\n]*(?=\S)")
CITED_LIST = lazy(r"(?=[\\[])(?<!\])\\?\[(" + _LABELS + r")\\?\](?![:(])")
# The bracketed entries of a list that has no heading: found by their run, not their place
BRACKET_ENTRY = lazy(r"[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?\\?\[(\d{1,4})\\?\](?![:\[(])")
LINK_REFERENCE_DEFINITION = lazy(r" {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*\S")
LINK_REFERENCE_LINE = lazy(r"(?m)^" + LINK_REFERENCE_DEFINITION.pattern)

# The characters that can open a fence, a container, a list item (or a digit), after spaces
_FENCE_LEADS = frozenset("`~")
_CONTAINER_LEADS = frozenset("=!?")
_LIST_LEADS = frozenset("-*+")
_SUPERSCRIPTS = frozenset("⁰¹²³⁴⁵⁶⁷⁸⁹")
# A line that starts with none of these and continues a paragraph is plain prose.
MARKUP_STARTS = frozenset("<[#=-*_!?|>+~`{:0123456789⁰¹²³⁴⁵⁶⁷⁸⁹（(一二三四五六七八九十①②③④⑤⑥⑦⑧⑨⑩")
ATX_HEADING = lazy(r" {0,3}(#{1,6})(?:[ \t]+|$)")
SETEXT_UNDERLINE = lazy(r" {0,3}(=+|-+)[ \t]*$")
# mkdocs content tabs and admonitions (=== "Tab", !!! note, ??? tip) open blocks of their own
CONTAINER_OPENER = lazy(r" {0,3}(?:===|!!!|\?\?\?\+?)[ \t]")
THEMATIC_BREAK = lazy(r" {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
FENCE = lazy(r" {0,3}(`{3,}|~{3,})")
LIST_ITEM = lazy(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)")
BLOCKQUOTE = lazy(r"[ \t]{0,3}>")
TABLE_ROW = lazy(r"[ \t]*\|")

HTML_COMMENT = lazy(r"<!--.*?(?:-->|\Z)", re.DOTALL)
DIRECTIVE = lazy(r"<!--\s*(factlint\S*)(.*?)-->", re.DOTALL)
RAW_HTML_BLOCK = lazy(r"<(script|style)\b.*?(?:</\1\s*>|\Z)", re.DOTALL | re.IGNORECASE)
BACKTICK_RUN = lazy(r"`+")  # read by inline_code_spans(), not by one regex (see there)
# kramdown attribute lists: "{: .class }" lines and "{target="_blank"}" after a link
ATTRIBUTE_LIST = lazy(r"(?=\{)(?:\{:[^{}\n]*\}|(?<=\))\{[^{}\n]*=[^{}\n]*\})")
HTML_TAG = lazy(r"</?(?!sup\b)[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
URL = lazy(r"(?=[hfw])(?:(?:https?|ftp)://[^\s<>\"'（）《》「」【】，。；、]+|www\.[^\s<>\"'（）《》，。；、]+)")
LINK_TARGET = lazy(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)|\]\[[^\]\n]*\]")
TITLE = lazy(r"《[^《》\n]{0,80}》|〈[^〈〉\n]{0,80}〉")
DOUBLE_TITLE = lazy(r"《[^《》\n]{0,80}》")  # TITLE in a text without 〈: found faster

DEFINITION_URL = lazy(  # (?=…): what each branch opens with, skipped to fast
    r"(?=[\]<hfjmd])(?:\]\((?P<link>[^()\s]+(?:\([^()\s]*\)[^()\s]*)*)(?:\s+\"[^\"]*\")?\)"
    r"|<(?P<angle>[a-zA-Z][a-zA-Z0-9+.-]*:[^<>\s]+)>"
    r"|(?P<bare>(?:https?|ftp|javascript|mailto|file|data):"
    r"(?://\[[0-9A-Fa-f:.]+\][^\s<>\"'\]]*|[^\s<>\"'\]]+)))",  # [::1]: a bare IPv6 host
)
IPV6_HOST = lazy(r"[a-z]+://\[[0-9A-Fa-f:.]+\]")
SCHEME = lazy(r"[A-Za-z][A-Za-z0-9+.-]*:")
URL_TRAILING = "。，、；：？！）》」』】.,;:!?)]}'\"”’"

NUMBERING = lazy(
    r"(?:(?P<decimal>\d{1,3}(?:[.．]\d{1,3})+)[.．]?(?=[ \t\u3000]|[^\x00-\x7f\d.．%])"
    r"|(?P<dashed>\d{1,2}-\d{1,2}(?:-\d{1,2})*)(?=[ \t\u3000]|[^\x00-\x7f\d-])"
    r"|第(?P<cn_article>[一二三四五六七八九十百零〇]{1,5})[条條](?=[ \t\u3000]|[^\x00-\x7f]|$)"
    r"|第?(?P<cn_dun>[一二三四五六七八九十]{1,3})、"
    r"|[（(](?P<cn_paren>[一二三四五六七八九十]{1,3})[）)]"
    r"|(?P<cn_shi>[一二三四五六七八九十]{1,3})是(?=[^\s，,。])"
    r"|(?P<ar_dun>\d{1,2})、"
    r"|[（(](?P<ar_paren>\d{1,2})[）)]"
    r"|(?P<ar_dot>\d{1,2})[.．](?!\d)"
    r"|(?P<circled>[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]))"
)
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# A list of 、-separated items summed up by a count right after it: 甲、乙、丙三类
ENUMERATION_BEFORE = lazy(r"((?:[^、，。；：,;！？!?\s\x01]{1,24}、)+)"
                                r"([^、，。；：,;！？!?\s\x01]{1,24})$")
_LIST_STOP = lazy(r"[，。；：,;！？!?\s\x01]")  # what no item of either list holds
_WE = lazy(r"(?i:we\b|我们|我們)")
# Two items joined by 与/和/及 summed up by 两/二 right after them: 「甲」与「乙」两部分
PAIR_BEFORE = lazy(r"([^、，。；：,;！？!?\s\x01和与與及]{1,24})(?:以及|和|与|與|及)"
                         r"([^、，。；：,;！？!?\s\x01和与與及]{1,24})$")
CLOSERS = "”’」』）)]\"'》"
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st no nos fig figs vol vols p pp e.g i.e etc vs al jan feb mar apr "
    "jun jul aug sep sept oct nov dec inc ltd co corp u.s u.k approx ca cf est dept govt".split()
)

HAN = lazy(r"[\u4e00-\u9fff]")
DOT_LEADERS = lazy(r"(?:\. ?){6,}|…{3,}|·{6,}")
DEFINITION_LIST = lazy(r"<dl\b.*?(?:</dl\s*>|\Z)", re.DOTALL | re.IGNORECASE)
HTML_TABLE = lazy(r"<table\b.*?(?:</table\s*>|\Z)", re.DOTALL | re.IGNORECASE)
# LaTeX math is skipped text: $$…$$, \(…\), \[…\] and $…$ that hold TeX (a command, ^, _,
# { or =), so "$3 and $5" stays money and pandoc's escaped \[1\] stays a marker.
MATH = lazy(
    r"(?=[$\\])(?:\$\$(?P<display>[^$]{1,4000}?)\$\$|\\\((?P<paren>[^\n]{1,400}?)\\\)"
    r"|\\\[(?P<bracket>[^\n]{1,400}?)\\\]"
    r"|(?<![\\$A-Za-z0-9_])\$(?=[^\s$])(?P<dollar>[^$\n]{1,300}?)(?<![\s\\])\$(?!\d))"
)
TEX = lazy(r"\\[A-Za-z%]|[\^_{}=]")
# A line next to a table that names its source or carries its note.
TABLE_SOURCE = lazy(
    r"(?:资料来源|資料來源|数据来源|數據來源|来源|來源|出处|出處|注|註|"
    r"(?i:sources?|data sources?|notes?))\s*[:：︰]"
)
COUNT_WORDS = frozenset("类 類 大 个 個 项 項 种 種 方面 条 條 点 點 部分 领域 領域 方向 路径 "
                        "環節 环节 步 招 类型 類型 因素 效应 效應 特性 特点 特點 阶段 階段 层次 "
                        "層次 维度 維度 板块 板塊 支柱 人 位 名".split())
# "Table 2.5 20 Dataset Categories", "<圖表 2.5>20 大類資料": a caption is a title.
CAPTION = lazy(r"[ \t*_>#-]*[<〈]?(?:Table|Figure|Fig\.|Chart|Exhibit|Box|Example|Listing|"
                     r"图表|圖表|图|表|圖|附图|附表)\s*\d+(?:[.\-–]\d+)*[>〉]?[.:：]?\s?")
BOLD_LINE = lazy(r"(\*\*|__)[^*_\n]{1,60}\1[:：]?")
FRAMING_UNITS = frozenset(
    "大 个 個 种 種 类 類 项 項 方面 部分 点 點 条 條 阶段 階段 步 层 層".split())
_CLAUSE_BREAK = lazy(r"[，,；;。！？!?：:]")
_SHI_ITEMS = lazy(r"(?<![\u4e00-\u9fff])([一二三四五六七八九十]{1,2})是(?=[^\s，,。])")
_PAREN_ITEMS = lazy(r"[（(]([一二三四五六七八九十\d]{1,2})[）)]")
# Words that open the items of a list written as paragraphs: 首先… 其次… 此外… 最后…
_ITEM_OPENERS = (r"首先|其次|再次|再者|此外|另外|然后|然後|最后|最後"
                 r"|第[一二三四五六七八九十](?:[，,、]|个|點|点)"
                 r"|First(?:ly)?,|Second(?:ly)?,|Third(?:ly)?,|Finally,")
_ORDINAL_WORDS = lazy(r"(首先|其次|再次|再者|最后|最後|第[一二三四五六七八九十][，,、])")
_ORDINAL_STARTS = lazy(r"(?m)^[ \t>*_]*(" + _ITEM_OPENERS + ")")
SOURCE_NOUN = lazy(
    r"(?i:\b(?:report|study|survey|census|statistics|data|analysis|paper|article|review|"
    r"estimate|research|index|bulletin|white paper|yearbook)s?\b)"
    r"|报告|報告|数据|數據|研究|调查|調查|统计|統計|白皮书|白皮書|公报|公報|年鉴|年鑑|报道|報道")
MARKDOWN_LINK = lazy(r"(?=\[)(?<![!\\])\[([^\[\]\n]{1,400})\]\((?:https?:|www\.|/|\.)")


# --- the records -----------------------------------------------------------------------


class Marker(NamedTuple):
    """A citation in the text: ``<sup>3,4</sup>`` has labels ('3', '4')."""

    labels: tuple[str, ...]
    style: str  # sup | footnote | bracket | unicode
    start: int
    end: int


class UrlSpan(NamedTuple):
    url: str
    start: int
    end: int


class Definition(NamedTuple):
    """A source definition: ``<sup>13</sup> 来源：…``, ``[^13]: …`` or a references entry."""

    label: str
    style: str
    start: int  # the whole definition, marker included
    end: int
    label_start: int
    label_end: int
    body: str
    body_start: int
    urls: tuple[UrlSpan, ...] = ()


class Heading(NamedTuple):
    level: int
    text: str
    start: int  # of the text, after the #'s
    end: int
    line_start: int


class NumberedItem(NamedTuple):
    """An enumerator at the start of a heading or paragraph: 一、 （二） 三是 4."""

    style: str
    value: int
    start: int
    end: int
    heading_level: int  # 0 when the item opens a paragraph or list item
    block: str  # heading | paragraph | list
    path: tuple[int, ...] = ()  # 13.1.2 -> (13, 1, 2) for decimal and dashed numbering


class Trigger(NamedTuple):
    name: str
    start: int
    end: int


class Enumeration(NamedTuple):
    """甲、乙、丙三类: a count that sums up the list written just before it."""

    items: tuple[str, ...]
    figure: Figure  # the count, in original offsets


class ListCount(NamedTuple):
    """以下五个关键特性 / 分为两种：: a count of what the document lists next."""

    figure: Figure
    items: tuple[str, ...]  # the items found after it; () when they cannot be told


class Sentence(NamedTuple):
    paragraph: int
    start: int  # original offsets of the first and just past the last character
    end: int
    markers: tuple[Marker, ...]
    figures: tuple[Figure, ...]  # in original offsets; counts of enumerations excluded
    triggers: tuple[Trigger, ...]
    language: str = ""  # the rule pack its script chose: zh or en
    # Figures and triggers that are the document's own framing: its own data, goals,
    # hypotheticals, proposals, counts of a list it gives next.
    not_claims: tuple = ()
    attribution: str = ""  # the words (or "a link") naming its source in prose
    covered_by: str = ""  # a marker later in its paragraph, or the paragraph's attribution

    @property
    def claim_figures(self) -> tuple[Figure, ...]:
        if not self.not_claims:
            return self.figures
        framed = {id(x) for x in self.not_claims}
        return tuple(f for f in self.figures if id(f) not in framed)

    @property
    def claim_triggers(self) -> tuple[Trigger, ...]:
        if not self.not_claims:
            return self.triggers
        framed = {id(x) for x in self.not_claims}
        return tuple(t for t in self.triggers if id(t) not in framed)

    @property
    def is_claim(self) -> bool:
        if not self.not_claims:
            return bool(self.figures or self.triggers)
        return bool(self.claim_figures or self.claim_triggers)

    @property
    def is_sourced(self) -> bool:
        return bool(self.markers)


class Table(NamedTuple):
    """A pipe or HTML table: one claim, sourced by a marker inside it or a source line
    (资料来源：, Source:, a note, a caption with a marker) directly above or below."""

    start: int
    end: int
    kind: str  # pipe | html
    figures: tuple  # Figures, or (start, end) spans of numeric cells when no cell has a unit
    markers: tuple[Marker, ...]
    sourced: bool


class Paragraph(NamedTuple):
    kind: str  # body | list | quote
    pieces: tuple[tuple[int, int], ...]  # original spans, joined in order
    splits: tuple[int, ...] = ()  # original offsets where footnote definitions interrupt it

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


class Directive(NamedTuple):
    kind: str  # disable | enable | disable-next-line | disable-file | invalid
    codes: tuple[str, ...]
    start: int
    end: int
    problem: str = ""


@dataclass(eq=False, repr=False)
class Document:
    """A brief, read once: its blocks, sentences, markers, definitions and figures."""

    path: str
    text: str
    language: str
    line_starts: list[int]
    headings: list[Heading] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    definitions: list[Definition] = field(default_factory=list)
    numbered_items: list[NumberedItem] = field(default_factory=list)
    enumerations: list[Enumeration] = field(default_factory=list)
    heading_figures: dict[int, tuple[Figure, ...]] = field(default_factory=dict)
    directives: list[Directive] = field(default_factory=list)
    tables: list[tuple[int, int]] = field(default_factory=list)  # one span per table row
    pack: RulePack | None = None
    table_blocks: list[Table] = field(default_factory=list)
    list_counts: list[ListCount] = field(default_factory=list)
    primary: bool = False  # the brief is itself the source of its figures (config `primary`)
    # The sentence of its opening by which the document says it reports its own data set
    # ("line 57"), '' when none: it is then its own source but for money figures.
    own_data: str = ""
    traditional: bool = False  # it holds Traditional-only characters (the zh pack's table)

    def position(self, offset: int) -> tuple[int, int]:
        """0-based offset -> 1-based (line, column in code points)."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect_right(self.line_starts, offset) - 1
        return index + 1, offset - self.line_starts[index] + 1

    def span(self, start: int, end: int) -> tuple[int, int, int, int]:
        """(line, column, end_line, end_column) with an exclusive end column."""
        line, column = self.position(start)
        end = max(0, min(max(end, start + 1) if end <= start else end, len(self.text)))
        if line == len(self.line_starts) or end < self.line_starts[line]:  # on the same line:
            return line, column, line, end - self.line_starts[line - 1] + 1  # no second search
        end_line, end_column = self.position(end)
        return line, column, end_line, end_column

    def line_text(self, line: int) -> str:
        start = self.line_starts[line - 1]
        end = self.line_starts[line] - 1 if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r")

    @property
    def claims(self) -> list[Sentence]:
        return [s for s in self.sentences if s.is_claim]

    def marker_styles(self) -> set[str]:
        return {m.style for m in self.markers}


# --- reading ---------------------------------------------------------------------------


_NOT_LETTERS = bytes(b for b in range(256) if not chr(b).isalpha() or b > 127)


def detect_language(text: str) -> str:
    """zh when Chinese characters carry at least a third as much as Latin letters."""
    sample = text[:20000]
    ascii_part = sample.encode("ascii", "ignore")
    wide = len(sample) - len(ascii_part)  # almost all Han characters and CJK punctuation
    letters = len(ascii_part.translate(None, _NOT_LETTERS))
    return "zh" if wide * 3 >= letters and HAN.search(sample) else "en"


def _blank_text(text: str) -> str:
    if "\n" not in text:
        return " " * len(text)
    return "\n".join(" " * len(part) for part in text.split("\n"))


def _blank(match: re.Match[str]) -> str:
    return _blank_text(match.group())


def inline_code_spans(text: str) -> list[tuple[int, int]]:
    """The code spans of ``text`` as CommonMark reads them, within one line.

    A run of N backticks opens a span that the next run of exactly N backticks on the same
    line closes; a run that nothing closes is plain text. One regex (`+)(?!`).+?\1 does
    the same but tries every run against the rest of the line: quadratic on a line of many
    unmatched runs. Here each run looks up the next run of its length: O(n log n).
    """
    runs = [(m.start(), m.end()) for m in BACKTICK_RUN.finditer(text)] if "`" in text else []
    if not runs:
        return []
    by_length: dict[int, list[int]] = {}
    for index, (start, end) in enumerate(runs):
        by_length.setdefault(end - start, []).append(index)
    newlines = [i - 1 for i in _line_starts(text)[1:]]
    spans = []
    index = 0
    while index < len(runs):
        start, end = runs[index]
        same = by_length[end - start]
        later = bisect_right(same, index)
        line = bisect_left(newlines, end)
        line_end = newlines[line] if line < len(newlines) else len(text)
        if later < len(same) and runs[same[later]][0] < line_end:
            close = same[later]
            spans.append((start, runs[close][1]))
            index = close + 1
        else:
            index += 1
    return spans


def without_inline_code(text: str, fill: str = " ") -> str:
    """``text`` with each inline code span replaced by ``fill`` repeated to its length."""
    pieces, last = [], 0
    for start, end in inline_code_spans(text):
        pieces += [text[last:start], fill * (end - start)]
        last = end
    return "".join(pieces) + text[last:] if pieces else text


def _blank_math(match: re.Match[str]) -> str:
    return _blank(match) if TEX.search(match.group(match.lastgroup)) else match.group()


def _line_starts(text: str) -> list[int]:
    # the lines' lengths summed at C speed (a loop of text.find cost twice as much)
    starts = list(accumulate(map((1).__add__, map(len, text.split("\n"))), initial=0))
    starts.pop()  # past the end
    return starts


def read_document(
    path: str,
    text: str,
    language: str | None = None,
    extra_packs: tuple[str, ...] = (),
    primary: bool = False,
    shared_labels: frozenset[str] = frozenset(),
    on_definitions: Callable[[list[Definition]], None] | None = None,
) -> Document:
    """Build the Document for ``text`` (already decoded) in one pass over its blocks.

    ``language`` zh or en applies that rule pack to every sentence; None or "auto" lets
    each sentence's script choose (the document's own language is then the majority's).
    ``shared_labels``: the numbers of a references list in another file of its document
    (documents.Grouping): ``[n]`` citing one of them is a marker here too.
    ``on_definitions`` is called with the source definitions as soon as they are read,
    before the sentences (the engine begins checking their URLs then).
    """
    forced = language if language in LANGUAGES else None
    doc_language = forced or detect_language(text)
    traditional = traditional_characters("zh")
    reader = _Reader(path, text, doc_language, extra_packs,
                     bool(traditional and traditional.search(text)))
    reader.forced = forced
    reader.doc.primary = primary
    reader.shared_labels = shared_labels
    reader.on_definitions = on_definitions
    return reader.read()


@lru_cache(maxsize=16)
def _lexicon(language: str, extra_packs: tuple[str, ...], traditional: bool) -> Lexicon:
    """The built-in figure words merged with those of the configured packs."""
    return load_lexicon(load_rulepack(language, extra_packs, traditional).raw)


# Blank text kept before a table read alone: more than the figure reader looks back at
_TABLE_LEAD = 256


class _Reader:
    def __init__(self, path: str, text: str, language: str, extra_packs: tuple[str, ...],
                 traditional: bool):
        self.text = text
        self.extra_packs = extra_packs
        self.traditional = traditional  # the brief holds Traditional characters
        self.packs: dict[str, tuple[RulePack, Lexicon]] = {}
        pack, lexicon = self._pack(language)
        self.doc = Document(path, text, language, _line_starts(text), pack=pack,
                            traditional=traditional)
        self.pack = pack
        self.lexicon = lexicon
        self.join = "" if language == "zh" else " "
        self.forced: str | None = language
        self.html_tables: list[tuple[int, int]] = []
        self.skipped = _Spans()
        self.shared_labels: frozenset[str] = frozenset()  # see read_document
        self.on_definitions: Callable[[list[Definition]], None] | None = None  # see read_document
        self.lines: list[str] | None = None  # the text's lines, split when first needed
        self.marker_starts: list[int] = []

    # The passes, in order. Each leaves its results on self.doc.
    def read(self) -> Document:
        masked = self._mask_inline(self._mask_blocks(self.text))
        self.masked = masked
        self._scan_blocks(masked)
        if self.on_definitions is not None:
            self.on_definitions(self.doc.definitions)
        self._find_markers(masked)
        self._find_numbering()
        self._read_sentences(masked)
        return self.doc

    # 1. code blocks, front matter, raw HTML blocks -> blanks
    def _mask_blocks(self, text: str) -> str:
        lines = text.split("\n")
        out: list[str] = []
        fence: str | None = None
        previous_blank = True
        in_list = False
        in_container = False  # inside a content tab or admonition: indented text is prose
        in_footnote = False  # inside a [^n]: definition: indented paragraphs continue it
        start = 0
        if lines and lines[0].rstrip() == "---":
            for i in range(1, min(len(lines), 200)):
                if lines[i].rstrip() in ("---", "..."):
                    out = [_blank_text(line) for line in lines[: i + 1]]
                    start = i + 1
                    break
        for line in lines[start:]:
            if fence is not None:
                out.append(_blank_text(line))
                stripped = line.strip()
                if stripped.startswith(fence) and set(stripped) == {fence[0]}:
                    fence = None
                continue
            lead = line.lstrip(" \t")[:1]  # each block pattern needs its own first character
            opening = FENCE.match(line) if lead in _FENCE_LEADS else None
            if opening:
                fence = opening.group(1)
                out.append(_blank_text(line))
                continue
            blank = not line.strip()
            if not blank and _indent(line) < 4:
                in_container = lead in _CONTAINER_LEADS and bool(CONTAINER_OPENER.match(line))
                in_footnote = lead == "[" and bool(FOOTNOTE_DEFINITION.match(line))
            if (not blank and previous_blank and not in_list and not in_container
                    and not in_footnote and _indent(line) >= 4):
                out.append(_blank_text(line))
                continue  # indented code: stays "after a blank" until real text
            if not blank:
                in_list = ((lead in _LIST_LEADS or lead.isdigit()) and bool(LIST_ITEM.match(line))
                           ) or (in_list and _indent(line) >= 2)
            previous_blank = blank
            out.append(line)
        masked = "\n".join(out)
        return RAW_HTML_BLOCK.sub(_blank, masked)

    # 2. comments (keeping directives), inline code, tags, URLs in prose
    def _mask_inline(self, text: str) -> str:
        doc = self.doc

        def comment(match: re.Match[str]) -> str:
            directive = DIRECTIVE.fullmatch(match.group())
            if directive:
                doc.directives.append(_read_directive(directive, match.start()))
            return _blank(match)

        # Each pass only when its opening character occurs: most briefs have few of them.
        if "<!--" in text:
            text = HTML_COMMENT.sub(comment, text)
        if "`" in text:
            text = without_inline_code(text)
        if "$" in text or "\\(" in text or "\\[" in text:
            text = MATH.sub(_blank_math, text)
        if "{" in text:
            text = ATTRIBUTE_LIST.sub(_blank, text)
        return HTML_TAG.sub(_blank, text) if "<" in text else text

    # 3. blocks: headings, paragraphs (page-split ones rejoined), definitions, tables
    def _scan_blocks(self, masked: str) -> None:
        doc = self.doc
        starts = doc.line_starts
        lines = masked.split("\n")
        current: list[tuple[int, int]] = []  # spans of the lines of the open paragraph
        kind = "body"
        pending: Paragraph | None = None  # a paragraph interrupted by definitions
        in_references = False
        definition_open: Definition | None = None
        last_closed: Paragraph | None = None  # the body paragraph just ended, if nothing followed
        footnote_waiting: Definition | None = None  # a [^n]: an indented paragraph may continue
        # lines of reference lists without a heading
        listed = _headingless_references(lines, masked, starts)

        def take() -> Paragraph | None:
            """The open paragraph, joined to the one it continues across definitions."""
            nonlocal current, pending
            if not current:
                return None
            paragraph = Paragraph(kind, ((current[0][0], current[-1][1]),))
            if pending is not None and kind == "body":
                paragraph = Paragraph(
                    "body", pending.pieces + paragraph.pieces, pending.splits + (pending.end,)
                )
                pending = None
            current = []
            return paragraph

        def flush_pending() -> None:
            nonlocal pending
            if pending is not None:
                doc.paragraphs.append(pending)
                pending = None

        def close(flush: bool = False) -> None:
            """End the open paragraph; ``flush`` also ends one waiting for its continuation."""
            nonlocal last_closed
            paragraph = take()
            if paragraph is not None or flush:
                flush_pending()
            if paragraph is not None:
                doc.paragraphs.append(paragraph)
            last_closed = paragraph if paragraph is not None and paragraph.kind == "body" else (
                None if flush else last_closed)

        self.html_tables = [m.span() for m in HTML_TABLE.finditer(self.text)] \
            if "<table" in self.text or "<TABLE" in self.text else []
        html_rows = _Spans(self.html_tables)
        for number, line in enumerate(lines):
            start = starts[number]
            end = start + len(line.rstrip("\r"))
            stripped = line.strip()
            if self.html_tables and (html_rows.covers(start) or html_rows.covers(end - 1)):
                close(flush=True)
                definition_open = None
                if stripped:
                    doc.tables.append((start, end))
                continue
            if not stripped:
                close()
                if definition_open is not None and definition_open.style == "footnote":
                    footnote_waiting = definition_open
                definition_open = None
                continue
            if footnote_waiting is not None and _indent(line) >= 4 and not current:
                definition_open = footnote_waiting  # gd2md and pandoc indent the note's text
            footnote_waiting = None
            references = in_references or number in listed
            if definition_open is not None and not current and (
                    _indent(line) >= 2 or (references and not self._definitions_at(
                        line, start, end, True) and not ATX_HEADING.match(line))):
                definition_open = self._extend_definition(definition_open, end)
                continue
            if stripped[0] not in MARKUP_STARTS and current and len(stripped) > 40:
                current.append((start, end))  # plain prose continuing a paragraph
                continue
            found = self._definitions_at(line, start, end, references)
            if found:
                definition = found[-1]
                if number in listed and not in_references:
                    close(flush=True)  # a list glued to the last paragraph ends it
                elif current and kind == "body" and not self._ends_sentence(
                        masked, current[-1][1]):
                    pending = take()
                else:
                    close()
                    if (last_closed is not None and doc.paragraphs
                            and doc.paragraphs[-1] is last_closed
                            and not self._ends_sentence(masked, last_closed.end)):
                        pending = doc.paragraphs.pop()
                    last_closed = None
                doc.definitions.extend(found)
                definition_open = definition
                continue
            definition_open = None
            lead = stripped[0]  # each block pattern needs its own first character
            heading = ATX_HEADING.match(line) if lead == "#" else None
            setext = SETEXT_UNDERLINE.match(line) if lead in "=-" else None
            if setext and len(current) == 1 and kind == "body" and pending is None:
                first_start, first_end = current[0]
                current = []
                flush_pending()
                self._add_heading(1 if setext.group(1)[0] == "=" else 2, first_start, first_end)
                in_references = self._is_references_heading(masked[first_start:first_end])
                continue
            if heading or (lead in "-*_" and THEMATIC_BREAK.match(line)) or (
                    lead in _CONTAINER_LEADS and CONTAINER_OPENER.match(line)):
                close(flush=True)
                if heading:
                    text_start = start + heading.end()
                    self._add_heading(len(heading.group(1)), text_start, end, start)
                    in_references = self._is_references_heading(masked[text_start:end])
                continue
            if lead == "[" and LINK_REFERENCE_DEFINITION.match(line):
                close()
                continue
            if not current and self._is_references_heading(stripped.strip("*_:：# ")):
                in_references = True
                continue
            if lead == "|" and TABLE_ROW.match(line):
                close(flush=True)
                doc.tables.append((start, end))
                continue
            if ((lead in _LIST_LEADS or lead.isdigit()) and LIST_ITEM.match(line)
                    and not (current and kind == "body" and _indent(line) >= 4)):
                close(flush=True)
                kind = "list"
                current = [(start, end)]
                continue
            if lead == ">" and BLOCKQUOTE.match(line):
                if kind != "quote":
                    close()
                    kind = "quote"
                current.append((start, end))
                continue
            if not current:
                kind = "body"
            current.append((start, end))
        close(flush=True)

    def _ends_sentence(self, masked: str, end: int) -> bool:
        """Does the text before ``end`` close a sentence (or lead in to a block)?"""
        text = masked[max(0, end - 400) : end].replace(MARKER_FILL, " ")
        text = SUP_MARKER.sub("", text)
        text = FOOTNOTE_MARKER.sub("", text)
        text = text.rstrip()
        if text.endswith(("）", ")")):
            return True  # a closed parenthetical remark stands on its own
        text = text.rstrip(CLOSERS + " ")
        # A colon leads in to what follows (a list, a quote): a new block, not a page split.
        return not text or text[-1] in self.pack.sentence_enders + "。！？!?…：:"

    def _add_heading(self, level: int, start: int, end: int, line_start: int | None = None):
        raw = self.text[start:end]
        trimmed = raw.rstrip()
        if trimmed.endswith("#"):  # a closing run of #'s
            trimmed = re.sub(r"(?<![ \t])[ \t]+#+$", "", trimmed)  # from a run's start: linear
        self.doc.headings.append(
            Heading(level, trimmed.strip(), start, start + len(trimmed),
                    start if line_start is None else line_start)
        )

    def _is_references_heading(self, text: str) -> bool:
        text = text.strip().strip("*_:：# ").strip()
        return bool(text) and len(text) <= 40 and bool(self.pack.references_heading.match(text))

    def _definitions_at(self, line: str, start: int, end: int, in_references: bool):
        """The definitions a line opens: one, or several for an entry ``[3][4] …``."""
        lead = line.lstrip(" \t")[:1]  # each pattern needs its own first character
        for pattern, style, first in ((SUP_DEFINITION, "sup", "<"),
                                      (FOOTNOTE_DEFINITION, "footnote", "[")):
            match = pattern.match(line) if lead == first else None
            if match:
                return [self._definition(match, style, start, end, match.group(2))]
        match = UNICODE_DEFINITION.match(line) if lead in _SUPERSCRIPTS else None
        if match:
            return [self._definition(
                match, "unicode", start, end, match.group(1).translate(SUPERSCRIPT_DIGITS)
            )]
        if in_references:
            match = REFERENCE_ENTRY.match(line)
            if match:
                first = self._definition(match, "bracket", start, end,
                                         match.group(2) or match.group(3))
                more = [  # the span of "[4]" in "[3][4]"
                    first._replace(label=number.group(1), label_start=start + number.start(),
                                   label_end=start + number.end())
                    for number in re.finditer(r"\\?\[(\d+)\\?\]", match.group(1))
                ][1:]
                if more:  # [3][4] …: each label points at the whole entry
                    offset = match.start(1)
                    more = [d._replace(label_start=d.label_start + offset,
                                       label_end=d.label_end + offset) for d in more]
                return [first, *more]
        return []

    def _definition(self, match, style, start, end, label):
        body_start = start + match.end()
        body = self.text[body_start:end]
        return Definition(  # label, style, start, end, label_start, label_end, body, …
            label.strip(), style, start + match.start(1), end, start + match.start(1),
            start + match.end(1), body, body_start, tuple(_definition_urls(body, body_start)))

    def _extend_definition(self, definition: Definition, end: int) -> Definition:
        body = self.text[definition.body_start : end]
        urls = tuple(_definition_urls(body, definition.body_start))
        # every label of an entry [3][4] … grows with it
        for index in range(len(self.doc.definitions) - 1, -1, -1):
            if self.doc.definitions[index].start != definition.start:
                break
            self.doc.definitions[index] = self.doc.definitions[index]._replace(
                end=end, body=body, urls=urls)
        return definition._replace(end=end, body=body, urls=urls)

    # 4. markers in the text (not the labels of definitions)
    def _find_markers(self, masked: str) -> None:
        doc = self.doc
        taken = _Spans((d.start, d.end) for d in doc.definitions)
        if "]:" in masked:
            link_defs = [
                (m.start(), masked.find("\n", m.start()))
                for m in LINK_REFERENCE_LINE.finditer(masked)
            ]
            taken.add_all((s, e if e >= 0 else len(masked)) for s, e in link_defs)
        found: list[Marker] = []
        if "<" in masked:
            for match in SUP_MARKER.finditer(masked):
                at = match.start()
                if taken.covers(at) or (masked[at - 1 : at] in _EXPONENT_ENDS
                                        and EXPONENT_BASE.search(masked, max(0, at - 4), at)):
                    continue
                labels = _expand_labels(match.group(1) or match.group(2))
                found.append(Marker(labels, "sup", match.start(), match.end()))
        if "[^" in masked:
            for match in FOOTNOTE_MARKER.finditer(masked):
                if not taken.covers(match.start()):
                    label = (match.group(1).strip(),)
                    found.append(Marker(label, "footnote", match.start(), match.end()))
        bracket_labels = {d.label for d in doc.definitions if d.style == "bracket"}
        bracket_labels |= self.shared_labels
        if bracket_labels:
            taken.add_all((m.start, m.end) for m in found)  # [\[2\]](…) inside a <sup>
            for match in BRACKET_MARKER.finditer(masked):
                if not taken.covers(match.start()):
                    labels = _expand_labels(
                        next(g for g in match.groups() if g).replace("][", ","))  # [8][9]
                    if (match.start() and masked[match.start() - 1].isascii()
                            and masked[match.start() - 1].isalpha()
                            and not bracket_labels.issuperset(labels)):
                        continue  # a[0]: an index, unless it names a listed source
                    if (len(labels) > 1
                            and 2 * len(bracket_labels.intersection(labels)) <= len(labels)):
                        continue  # [1-10] or [0,1] citing mostly undefined numbers: an interval
                    found.append(Marker(labels, "bracket", match.start(), match.end()))
        # str's own search finds a superscript digit many times faster than re's scan of
        # the whole text for one; most briefs have none
        unicode_markers = UNICODE_MARKER.finditer(masked) if any(
            digit in masked for digit in SUPERSCRIPT_ORDER) else ()
        for match in unicode_markers:
            if not taken.covers(match.start()):
                labels = _expand_labels(
                    match.group(1).translate(SUPERSCRIPT_DIGITS).replace("˒", ","))
                found.append(Marker(labels, "unicode", match.start(), match.end()))
        found.sort(key=lambda m: m.start)
        doc.markers = found

    # 5. numbering of headings and paragraphs
    def _find_numbering(self) -> None:
        doc = self.doc
        items: list[tuple[int, NumberedItem]] = []
        for heading in doc.headings:
            start = heading.start
            while start < heading.end and self.text[start] in "*_ \t":
                start += 1  # ### **9.1 标题**
            item = _numbered_item(self.text, start, heading.level, "heading")
            if item:
                items.append((heading.start, item))
        for paragraph in doc.paragraphs:
            if paragraph.kind == "quote":  # each line of a blockquote may open an item
                lines = [(m.start() + paragraph.start, m.group()) for m in re.finditer(
                    r"[^\n]+", self.text[paragraph.start : paragraph.end])]
            else:
                lines = [(paragraph.start, self.text[paragraph.start : paragraph.end])]
            for line_start, line in lines:
                item = self._line_item(line_start, line, paragraph.kind)
                if item:
                    items.append((item.start, item))
        items.sort(key=lambda pair: pair[0])
        doc.numbered_items = [item for _, item in items]

    def _line_item(self, start: int, line: str, kind: str) -> NumberedItem | None:
        quoted = re.match(r"[ \t]*(?:>[ \t]?)+", line) if kind == "quote" else None
        offset = quoted.end() if quoted else 0
        listed = re.match(r"[ \t]*(\d{1,9})[.)](?:[ \t]|$)", line[offset:]) if (
            kind == "list" or quoted) else None
        if listed:
            return NumberedItem("list", int(listed.group(1)), start + offset + listed.start(1),
                                start + offset + listed.end(1) + 1, 0, "list")
        if kind == "list":
            bullet = re.match(r"[ \t]*[-*+][ \t]+", line)
            if bullet is None:
                return None
            offset = bullet.end()
        while offset < len(line) and line[offset] in " \t\u3000>":
            offset += 1
        return _numbered_item(self.text, start + offset, 0, "paragraph")

    # 6. sentences, figures, claim triggers, enumerations, tables
    def _read_sentences(self, masked: str) -> None:
        """Sentences are split per paragraph (page-split pieces joined); each takes the rule
        pack of its script (CJK ideographs: zh, else en) unless the language is forced.
        Figures and triggers are read once per language over the prose of that language's
        sentences (everything else blanked), so their offsets are the original ones."""
        doc = self.doc
        filled = _marker_filled(masked, doc.markers)
        blank = _blank_text(filled)  # also prose's and plain's: their line breaks are filled's
        prose = self._prose(filled, blank)
        plain = prose.replace(MARKER_FILL, " ")
        bounds: list[tuple[int, int, int, str]] = []  # paragraph, start, end, language
        for index, paragraph in enumerate(doc.paragraphs):
            joined, offsets = _join(prose, paragraph.pieces, self.join)
            # a paragraph in one piece (most): its offsets are the original ones shifted
            shift = offsets[0][1] if len(offsets) == 1 else None
            for start, end in self._sentence_bounds(joined):
                if shift is None:
                    o_start, o_end = _orig(offsets, start), _orig(offsets, end - 1) + 1
                else:
                    o_start, o_end = start + shift, end + shift
                bounds.append((index, o_start, o_end, self._language_of(plain, o_start, o_end)))
        self.skipped = _Spans(self._not_claim_sections(masked))
        skipped = self.skipped
        figures: list[Figure] = []
        triggers: list[Trigger] = []
        for language in LANGUAGES:
            spans = [(a, b) for _, a, b, lang in bounds if lang == language
                     and not skipped.covers(a)]
            if not spans:
                continue
            text = _keep(plain, spans, blank)
            pack, lexicon = self._pack(language)
            found = _within_sentences(find_figures(text, lexicon), text, spans, lexicon)
            if language == "en":
                titles = _Spans(_title_spans(text))
                found = [f for f in found if not titles.covers(f.start)]
            counts = self._enumerations(text, found, language)
            figures += [f for f in found if id(f) not in counts]
            triggers += self._triggers(text, pack, language)
        figures.sort(key=lambda f: f.start)
        triggers.sort(key=lambda t: t.start)
        figure_starts = [f.start for f in figures]
        trigger_starts = [t.start for t in triggers]
        marker_starts = [m.start for m in doc.markers]
        links = _links(masked)
        for index, o_start, o_end, language in bounds:
            sentence = Sentence(
                index, o_start, o_end,
                _within(doc.markers, marker_starts, o_start, o_end),
                _within(figures, figure_starts, o_start, o_end),
                _within(triggers, trigger_starts, o_start, o_end),
                language,
            )
            doc.sentences.append(self._framed(sentence, plain, links))
        doc.sentences = _covered(self._in_scenarios(doc.sentences, plain),
                                 self._document_source(masked),
                                 [e.figure for e in doc.enumerations])
        doc.own_data = self._own_data_declaration(plain)
        self._read_tables(masked)
        for heading in doc.headings:
            text = masked[heading.start : heading.end].replace(MARKER_FILL, " ")
            _, lexicon = self._pack(self._language_of(text, 0, len(text)))
            found = [
                f._replace(start=f.start + heading.start, end=f.end + heading.start)
                for f in find_figures(text, lexicon)
            ]
            if found:
                doc.heading_figures[heading.start] = tuple(found)

    def _document_source(self, masked: str) -> str:
        """原文链接：[…](…) / Translated from: … in the first paragraphs: the one source
        of the whole document (a translation, a reprint), before its first claim. ''
        when there is none."""
        first_claim = next((s.paragraph for s in self.doc.sentences if s.is_claim), 0)
        for paragraph in self.doc.paragraphs[: min(3, first_claim)]:
            text = self.text[paragraph.start : paragraph.end]
            if "://" not in text:
                continue
            pack, _ = self._pack(self._language_of(text, 0, len(text)))
            if any(entry.pattern.match(text) for entry in pack.document_sources):
                line, _ = self.doc.position(paragraph.start)
                return f"the document's source line (line {line})"
        return ""

    def _language_of(self, text: str, start: int, end: int) -> str:
        if self.forced:
            return self.forced
        return "zh" if HAN.search(text, start, end) else "en"

    def _pack(self, language: str) -> tuple[RulePack, Lexicon]:
        if language not in self.packs:
            traditional = self.traditional and language == "zh"
            self.packs[language] = (
                load_rulepack(language, self.extra_packs, traditional),
                builtin_lexicon(language, traditional) if not self.extra_packs
                else _lexicon(language, self.extra_packs, traditional))
        return self.packs[language]

    def _framed(self, sentence: Sentence, plain: str, links: list[tuple[int, int]]) -> Sentence:
        """What in the sentence is not a claim (own data, goals, hypotheticals, proposals,
        counts that introduce a list), and the prose attribution it carries, if any."""
        if not (sentence.figures or sentence.triggers):
            return sentence
        pack, _ = self._pack(sentence.language)
        text = plain[sentence.start : sentence.end]
        base = sentence.start
        if BOLD_LINE.fullmatch(text.strip()):  # **1、前四名工作时间分布**: a heading in bold
            return sentence._replace(not_claims=sentence.figures + sentence.triggers)
        framed: list = [x for x in (*sentence.figures, *sentence.triggers)
                        if _on_caption_line(plain, x.start)]
        # Framings and attributions decide only what an unmarked sentence is asked for.
        for framing in pack.framings if not sentence.markers else ():
            for match in framing.pattern.finditer(text):
                at = base + match.start()
                if (framing.name == "own" and not _WE.match(match.group())
                        and not self._attributed(text, pack)):
                    # 有 35% 的受访者表示, 40% of respondents, via our program: the whole
                    # clause is the document's own (unless the sentence names someone
                    # else's survey); "we have seen" frames only what follows it
                    clause = [b.end() for b in _CLAUSE_BREAK.finditer(text, 0, match.start())]
                    at = base + (clause[-1] if clause else 0)
                if framing.name == "aim":
                    framed += [t for t in sentence.triggers if at <= t.start
                               and not _CLAUSE_BREAK.search(plain, base + match.end(), t.start)]
                    continue
                framed += [f for f in sentence.figures if f.start >= at]
                framed += [t for t in sentence.triggers if t.start >= at]
        for figure in sentence.figures:
            if self._introduces_list(plain, sentence, figure, pack):
                framed.append(figure)
        framed_ids = {id(x) for x in framed}
        claims = [x for x in (*sentence.figures, *sentence.triggers) if id(x) not in framed_ids]
        attribution = ""
        if claims and not sentence.markers:
            first = min(x.start for x in claims)
            for start, end in links:
                if sentence.start <= start < sentence.end and (
                        start < first or any(start <= x.start < end for x in claims)) and (
                        self._names_a_source(plain, start, end, sentence.start, pack)):
                    attribution = "a link"
                    break
            if not attribution:
                for entry in pack.attributions:
                    match = entry.pattern.search(text)
                    if match:
                        stop = _CLAUSE_BREAK.search(text, match.end(), match.end() + 40)
                        words = text[match.start() : stop.start() if stop else match.end()]
                        attribution = f"“{' '.join(words.split())}”"
                        break
        if not framed and not attribution:
            return sentence
        return sentence._replace(not_claims=tuple(framed), attribution=attribution)

    @staticmethod
    def _attributed(text: str, pack: RulePack) -> bool:
        return any(entry.pattern.search(text) for entry in pack.attributions)

    def _own_data_declaration(self, plain: str) -> str:
        """"line N" of a sentence in the document's opening (its first fifth of paragraphs)
        by which it says it reports its own data set (本报告涵盖…平台的数据, this report is
        based on our survey of …: the pack's ``own_data_reports``), or ''."""
        opening = max(10, len(self.doc.paragraphs) // 5)
        for sentence in self.doc.sentences:
            if sentence.paragraph >= opening:
                break
            if self.doc.paragraphs[sentence.paragraph].kind == "quote" or (
                    self.skipped.covers(sentence.start)):
                continue
            pack, _ = self._pack(sentence.language)
            if any(entry.pattern.search(plain, sentence.start, sentence.end)
                   for entry in pack.own_data_reports):
                return f"line {self.doc.position(sentence.start)[0]}"
        return ""

    def _in_scenarios(self, sentences: list[Sentence], plain: str) -> list[Sentence]:
        """An example the author makes up (一家公司（在本文中稱為X）, a hypothetical firm,
        hereafter "Firm A"; the pack's ``scenario`` framing): the sentences after it in its
        paragraph describe that example, so their figures and triggers are not claims."""
        out = list(sentences)
        in_scenario = None  # the paragraph whose example is being described
        scenarios: dict[str, list[re.Pattern[str]]] = {}  # language -> its scenario framings
        for i, sentence in enumerate(out):
            if sentence.paragraph == in_scenario:
                if sentence.is_claim and not sentence.markers:
                    out[i] = sentence._replace(not_claims=sentence.figures + sentence.triggers)
                continue
            later = out[i + 1] if i + 1 < len(out) else None
            if later is None or later.paragraph != sentence.paragraph:
                continue
            patterns = scenarios.get(sentence.language)
            if patterns is None:
                pack, _ = self._pack(sentence.language)
                patterns = scenarios[sentence.language] = [
                    f.pattern for f in pack.framings if f.name == "scenario"]
            if any(pattern.search(plain, sentence.start, sentence.end) for pattern in patterns):
                in_scenario = sentence.paragraph
        return out

    def _names_a_source(self, plain: str, start: int, end: int, sentence_start: int,
                        pack: RulePack) -> bool:
        """A link that names where a claim comes from: a title (four words or more, or a
        long Chinese name), a report/study/数据/报告 word, or attribution words before it
        (according to [ONS], 据[国家统计局])."""
        text = plain[start:end]
        if len(text.split()) >= 4 or len(HAN.findall(text)) >= 8 or SOURCE_NOUN.search(text):
            return True
        before = plain[max(sentence_start, start - 30) : start - 1]
        return any(entry.pattern.search(before + "X") for entry in pack.attributions
                   if entry.name == "according-to")

    def _introduces_list(self, plain: str, sentence: Sentence, figure: Figure,
                         pack: RulePack) -> bool:
        """以下五个关键特性 / 分为两种： / the following three: a count of what the
        document lists next; recorded for FL306 with the items counted, when they can be.
        Also true for a small count in Chinese numerals of the author's own division of
        the subject (两大方向, 四项贡献), which FL306 cannot check."""
        if figure.qualifier != "exact" or figure.is_percent or figure.scale != 1:
            return False
        if figure.value > 20 or figure.value < 2 or figure.unit not in COUNT_WORDS:
            return False
        before = plain[max(sentence.start, figure.start - 12) : figure.start]
        after = plain[figure.end : min(sentence.end, figure.end + 24)]
        for intro in pack.list_intros:
            text = before if intro.name == "before" else after
            if intro.pattern.search(text):
                self.doc.list_counts.append(ListCount(figure, self._items_after(figure)))
                return True
        # 两大方向, 三个方面, 四项贡献: a small count in words of the author's own division
        # of the subject, not a statistic someone measured.
        return figure.numeral == "chinese" and figure.value <= 10 and figure.unit in FRAMING_UNITS

    def _items_after(self, figure: Figure) -> tuple[str, ...]:
        """The items the document lists after a count: enumerators (一是…二是…, 首先…最后)
        in its paragraph and the paragraphs after it, up to the next heading; () when
        they cannot be told."""
        doc = self.doc
        stop = next((h.line_start for h in doc.headings if h.line_start > figure.end),
                    len(self.text))
        text = self.masked[figure.end : stop]
        paragraph_end = next((p.end for p in doc.paragraphs if p.start <= figure.start < p.end),
                             figure.end)
        own = self.masked[figure.end : paragraph_end]
        for pattern in (_SHI_ITEMS, _PAREN_ITEMS):
            found = pattern.findall(own)
            if len(found) >= 2:
                return tuple(found)
        found = _ORDINAL_WORDS.findall(own)
        if len(found) >= 2 and found[0] == "首先" and found[-1] in ("最后", "最後"):
            return tuple(found)
        if own.rstrip().endswith(("：", ":", "︰")):
            following = [p for p in doc.paragraphs if p.start >= paragraph_end
                         and p.start < stop]
            items = []
            for paragraph in following:
                if paragraph.kind != "list":
                    break
                items.append(self.text[paragraph.start : paragraph.end].strip()[:20])
            if len(items) >= 2:
                return tuple(items)
        starts = _ORDINAL_STARTS.findall(text)
        last = next((i for i, w in enumerate(starts) if w.startswith(("最后", "最後", "Finally"))),
                    None)
        if last is not None and last >= 1 and starts[0] in ("首先", "First,", "Firstly,"):
            return tuple(starts[: last + 1])
        return ()

    def _not_claim_sections(self, masked: str) -> list[tuple[int, int]]:
        """Reference lists, bibliographies, reading lists, glossaries: from their heading
        (or a line such as **註釋：**) to the next heading of the same or a higher level."""
        doc = self.doc
        spans = []
        opened = None
        for heading in doc.headings:
            if opened is not None and heading.level <= opened.level:
                spans.append((opened.end, heading.line_start))
                opened = None
            if opened is None and self._is_not_claim_heading(heading.text):
                opened = heading
        if opened is not None:
            spans.append((opened.end, len(masked)))
        if "<dl" in self.text or "<DL" in self.text:  # an HTML glossary: definitions
            spans += [m.span() for m in DEFINITION_LIST.finditer(self.text)]
        for paragraph in doc.paragraphs:
            if paragraph.end - paragraph.start > 48:
                continue
            line = masked[paragraph.start : paragraph.end]
            if "\n" not in line.strip() and self._is_not_claim_heading(line):
                stop = next((h.line_start for h in doc.headings
                             if h.line_start > paragraph.start), len(masked))
                spans.append((paragraph.start, stop))
        return spans

    def _is_not_claim_heading(self, text: str) -> bool:
        text = text.strip()
        if "}" in text:  # {#id .class epub:type=…}
            text = re.sub(r"(?<!\s)\s*\{[^{}]*\}\s*$", "", text)
        text = text.strip().strip("*_:：# ").strip()
        if not text or len(text) > 40:
            return False
        pack, _ = self._pack(self._language_of(text, 0, len(text)))
        return bool(pack.not_claim_sections.match(text))

    def _read_tables(self, masked: str) -> None:
        """Each pipe or HTML table is one claim: its figures, its markers (in a cell,
        the title row or the caption) and whether a source line or note stands next to it."""
        doc = self.doc
        blocks: list[tuple[int, int, str]] = []
        for start, end in doc.tables:
            if blocks and blocks[-1][2] == "pipe" and _one_line_apart(self.text, blocks[-1][1],
                                                                     start):
                blocks[-1] = (blocks[-1][0], end, "pipe")
            else:
                blocks.append((start, end, "pipe"))
        html = _Spans(self.html_tables)  # HTML_TABLE's: sorted and disjoint
        blocks = [b for b in blocks if b[2] != "pipe" or not html.covers(b[0])]
        blocks += [(a, b, "html") for a, b in self.html_tables]
        blocks.sort()
        marker_starts = [m.start for m in doc.markers]
        skipped = self.skipped
        for start, end, kind in blocks:
            if skipped.covers(start) or DOT_LEADERS.search(self.text, start, end):
                continue  # a table of contents, or a table in a reference list
            # A cell border stops a figure: "5 | Chapter" is no "5 Chapter", nor is
            # "61</td><td>Government".
            cells = list(masked[start:end].replace("|", "\x02"))
            for tag in HTML_TAG.finditer(self.text, start, end):
                cells[tag.start() - start : tag.end() - start] = "\x02" * len(tag.group())
            # The table alone, after enough blank text to keep what the figure reader looks
            # back at (a few dozen characters, the line's start) as it is in the document;
            # blanking all the text before each table would be quadratic in long documents.
            before = max(0, start - _TABLE_LEAD)
            body = _blank_text(masked[before:start]) + "".join(cells)
            body = body.replace(MARKER_FILL, " ")
            _, lexicon = self._pack(self._language_of(body, start - before, end - before))
            figures = tuple(f._replace(start=f.start + before, end=f.end + before)
                            for f in find_figures(body, lexicon)) if before else \
                tuple(find_figures(body, lexicon))
            numbers = figures or _numeric_cells(self.text[start:end], start)
            markers = _within(doc.markers, marker_starts, start, end)
            doc.table_blocks.append(Table(
                start, end, kind, tuple(numbers), markers,
                bool(markers) or self._source_next_to(start, end)))

    def _source_next_to(self, start: int, end: int) -> bool:
        """A 资料来源：/Source:/Note: line, or a caption with a marker, directly above or
        below the table (blank lines between allowed)."""
        if self.lines is None:
            self.lines = self.text.split("\n")
            self.marker_starts = [m.start for m in self.doc.markers]
        lines = self.lines
        first, _ = self.doc.position(start)
        last, _ = self.doc.position(max(start, end - 1))
        for number in (*_nearby(lines, first - 2, -1), *_nearby(lines, last, 1)):
            line = lines[number].strip().lstrip("*_>#- ").strip()
            if TABLE_SOURCE.match(line):
                return True
            offset = self.doc.line_starts[number]
            index = bisect_left(self.marker_starts, offset)  # the first marker on the line
            if (index < len(self.marker_starts)
                    and self.marker_starts[index] < offset + len(lines[number])):
                return True
        return False

    def _prose(self, text: str, blank: str) -> str:
        """``text`` with all but the paragraphs blanked (``blank``: all of it blanked, whose
        slices are the blanked slices), and URLs and link targets too."""
        pieces = sorted(piece for p in self.doc.paragraphs for piece in p.pieces)
        parts = []
        last = 0
        for start, end in pieces:
            parts.append(blank[last:start])
            parts.append(text[start:end])
            last = end
        parts.append(blank[last:])
        prose = "".join(parts)
        if "://" in prose or "www." in prose:  # what every URL match holds
            prose = URL.sub(_blank, prose)
        return LINK_TARGET.sub(_blank, prose)

    def _enumerations(self, text: str, figures: list[Figure], language: str) -> set[int]:
        """Record 甲、乙、丙三类 enumerations; return the ids of the figures that are
        their counts."""
        counts: set[int] = set()
        if language != "zh":
            return counts
        for figure in figures:
            if figure.numeral != "chinese" or figure.qualifier not in ("exact",):
                continue
            before = text[max(0, figure.start - 240) : figure.start]
            # Neither list holds a stop (，。 a space…): each is found in the text after the
            # last one, and the list of items needs a 、 there (searched from every start
            # of the whole window, the patterns cost most of the reading of a brief).
            body = before[:-1] if before.endswith("\n") else before  # $ matches before it
            stop = _LIST_STOP.search(body[::-1])
            tail = before[len(body) - stop.start():] if stop else before
            match = ENUMERATION_BEFORE.search(tail) if "、" in tail else None
            pair = PAIR_BEFORE.search(tail) if not match and figure.value == 2 else None
            if pair and "等" not in pair.group(2):
                self.doc.enumerations.append(Enumeration(pair.groups(), figure))
                counts.add(id(figure))
                continue
            if not match or "等" in match.group(2):
                continue  # 甲、乙等三类: an open list, the count is a claim of its own
            last = tuple(p for p in re.split(r"和|及|与|以及|或", match.group(2)) if p)
            items = tuple(match.group(1).split("、")[:-1]) + last
            self.doc.enumerations.append(Enumeration(items, figure))
            counts.add(id(figure))
        return counts

    def _triggers(self, text: str, pack: RulePack, language: str) -> list[Trigger]:
        # Not one alternation: each trigger's matches are its own, overlapping another's.
        found = [
            Trigger(trigger.name, start, end)
            for trigger, spans in zip(pack.triggers, pack.trigger_scan.spans(text), strict=True)
            for start, end in spans
        ]
        if not found:
            return found
        titles = TITLE if "〈" in text else DOUBLE_TITLE  # the same matches then
        spans = [(m.start(), m.end()) for m in titles.finditer(text)]
        if language == "en":
            spans += _title_spans(text)
        titles = _Spans(spans)
        found = [t for t in found if not titles.covers(t.start)]
        found.sort(key=lambda t: t.start)
        return found

    def _sentence_bounds(self, text: str) -> list[tuple[int, int]]:
        bounds = []
        start = 0
        n = len(text)
        enders = self.pack.sentence_enders + "。！？!?"
        for match in _sentence_end_pattern(enders).finditer(text):
            end = match.end()
            if text[match.start()] == "." and not _is_sentence_period(text, match.start()):
                continue
            # A marker directly after the ending punctuation belongs to this sentence (bold too).
            follow = _MARKER_AFTER.match(text, end) if text[end : end + 1] in _MARKER_LEADS \
                else None
            if follow:
                end = follow.end()
            if text[start:end].strip(_SENTENCE_BLANKS):
                bounds.append(_trim(text, start, end))
            start = end
        if start < n and text[start:].strip(_SENTENCE_BLANKS):
            bounds.append(_trim(text, start, n))
        return bounds


# --- small helpers ---------------------------------------------------------------------


_END_PATTERNS: dict[str, re.Pattern[str]] = {}
_MARKER_AFTER = lazy(r"[ \t*_]*\x01+(?:[ \t*_]*\x01+)*[*_]*")
_MARKER_LEADS = frozenset(" \t*_" + MARKER_FILL)  # what a match of _MARKER_AFTER opens with
_SENTENCE_BLANKS = " \t\n\r\u3000" + MARKER_FILL  # what a sentence of only these is not


def _sentence_end_pattern(enders: str) -> re.Pattern[str]:
    pattern = _END_PATTERNS.get(enders)
    if pattern is None:
        cjk = "".join(c for c in enders if c not in ".!?") or "。"
        pattern = patterncache.compile(  # (?=…): where an ending can start, skipped to at C speed
            "(?=[" + re.escape(cjk) + r".!?])(?:"
            "[" + re.escape(cjk) + r"]+[" + re.escape(CLOSERS) + r"]*"
            r"|[.!?]+[" + re.escape(CLOSERS) + r"]*(?=[\s\x01]|$))",
            gate=True,  # its first characters named for re's search (firstchar.py)
        )
        _END_PATTERNS[enders] = pattern
    return pattern


def _is_sentence_period(text: str, at: int) -> bool:
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", text[max(0, at - 20) : at])
    if word:
        token = word.group(1).lower()
        if token in ABBREVIATIONS or (len(token) == 1 and text[at - 1].isupper()):
            return False
        if "." in token and len(token) <= 5:  # e.g., U.S.
            return False
    return True


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n\r\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\n\r\u3000":
        end -= 1
    return start, end


def _headingless_references(lines: list[str], text: str, offsets: list[int]) -> set[int]:
    """Line numbers of a references list written without a heading: a run of two or more
    entries [1] …, [2] … numbered one after another (blank lines between entries and
    wrapped lines within them allowed), after text that cites one of them."""
    found: set[int] = set()  # ``text``: the lines joined; ``offsets``: where each starts
    number = 0
    while number < len(lines):
        match = BRACKET_ENTRY.match(lines[number]) if "[" in lines[number] else None
        if match is None:
            number += 1
            continue
        expected = _next_label(lines[number], match)
        labels = [match.group(1)]
        entries, last, blank_before = 1, number, False
        for following in range(number + 1, len(lines)):
            line = lines[following]
            entry = BRACKET_ENTRY.match(line) if "[" in line else None
            if entry is not None:
                if int(entry.group(1)) != expected:
                    break
                expected = _next_label(line, entry)
                labels.append(entry.group(1))
                entries, last, blank_before = entries + 1, following, False
            elif not line.strip():
                blank_before = True
            elif blank_before or _opens_block(line):
                break
            else:
                last = following  # the entry wrapped onto this line
        if entries >= 2 and any(_cited_before(text, offsets[number], label) for label in labels):
            found.update(range(number, last + 1))
        number = last + 1
    return found


def _next_label(line: str, entry: re.Match[str]) -> int:
    """The label expected after this entry: [3][4] … is followed by [5]."""
    extra = re.match(r"(?:\\?\[\d{1,4}\\?\])*", line[entry.end() :]).group()
    return int(entry.group(1)) + 1 + len(re.findall(r"\d+", extra))


def _cited_before(text: str, offset: int, label: str) -> bool:
    """Is [label], alone or in a list ([1, 2], [1-3]), written before ``offset`` (not as a
    reference link ][label])?"""
    if label not in text[:offset]:
        return False
    return any(label in _expand_labels(m.group(1)) for m in CITED_LIST.finditer(text, 0, offset))


def _opens_block(line: str) -> bool:
    stripped = line.lstrip()
    return bool(ATX_HEADING.match(line)) or stripped.startswith(("<", "|", ">", "![", "```"))


def _indent(line: str) -> int:
    if line[:1] not in (" ", "\t"):
        return 0  # most lines
    width = 0
    for char in line:
        if char == " ":
            width += 1
        elif char == "\t":
            width += 4 - width % 4
        else:
            break
    return width


def _expand_labels(text: str) -> tuple[str, ...]:
    if text.isdigit():
        return (text,)
    labels: list[str] = []
    # (?<!\s): split from the first space of a run only, not from each (quadratic)
    for part in re.split(r"(?<!\s)\s*[,，、]\s*", text.strip()):
        bounds = re.split(r"(?<!\s)\s*[-–—~]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            low, high = int(bounds[0]), int(bounds[1])
            if low <= high and high - low <= 50:
                labels.extend(str(n) for n in range(low, high + 1))
                continue
        labels.append(part)
    return tuple(labels)


LINK_TEXT = lazy(r"\[[^\[\]\n]*\](?=\()")


def _definition_urls(body: str, body_start: int):
    # A URL written as a link's text ([https://a.org](https://archive/…)) is not what is cited.
    if ":" not in body and "](" not in body:
        return  # each kind of URL holds one or the other
    if "[" in body:
        body = LINK_TEXT.sub(lambda m: "[" + " " * (len(m.group()) - 2) + "]", body)
    for match in DEFINITION_URL.finditer(body):
        kind = match.lastgroup
        url = match.group(kind)
        start = match.start(kind)
        if kind == "link" and not SCHEME.match(url):
            continue  # a relative link to another page of the site, not a cited URL
        if kind == "bare":
            host = IPV6_HOST.match(url)  # its closing ] is no trailing punctuation
            keep = host.end() if host else 0
            url = url[:keep] + url[keep:].rstrip(URL_TRAILING)
            while url.endswith(")") and url.count("(") < url.count(")"):
                url = url[:-1]
        yield UrlSpan(url, body_start + start, body_start + start + len(url))


def _read_directive(match: re.Match[str], offset: int) -> Directive:
    keyword = match.group(1)
    kinds = {
        "factlint-disable": "disable",
        "factlint-enable": "enable",
        "factlint-disable-next-line": "disable-next-line",
        "factlint-disable-file": "disable-file",
    }
    start, end = offset, offset + len(match.group())
    kind = kinds.get(keyword)
    codes = tuple(c for c in re.split(r"[\s,]+", match.group(2).strip()) if c)
    if kind is None:
        return Directive("invalid", codes, start, end,
                         Phrase("directive.unknown", keyword=keyword))
    if not codes:
        return Directive("invalid", (), start, end, Phrase("directive.no-codes", keyword=keyword))
    return Directive(kind, codes, start, end)


def _numbered_item(text: str, start: int, level: int, block: str) -> NumberedItem | None:
    match = NUMBERING.match(text, start)
    if not match:
        return None
    style = match.lastgroup
    raw = match.group(style)
    if block == "paragraph" and style == "ar_dot":
        return None  # "1." opening a plain paragraph is a list Markdown did not see; skip
    if style in ("decimal", "dashed"):
        if block != "heading":
            return None  # "3.5 亿" or "2-3 天" opening a paragraph is a figure
        path = tuple(int(n) for n in re.split(r"[.．-]", raw))
        return NumberedItem(style, path[-1], match.start(), match.end(), level, block, path)
    if style == "circled":
        value = CIRCLED.index(raw) + 1
    elif style.startswith("cn"):
        value = _cn_small(raw)
        if value is None:
            return None
    else:
        value = int(raw)
    return NumberedItem(style, value, match.start(), match.end(), level, block)


def _cn_small(text: str) -> int | None:
    if "百" in text:
        hundreds, _, rest = text.partition("百")
        high = CN_DIGITS.get(hundreds, 1 if not hundreds else None)
        low = _cn_small(rest.lstrip("零〇")) if rest.lstrip("零〇") else 0
        return None if high is None or low is None else high * 100 + low
    if text == "十":
        return 10
    if "十" in text:
        tens, _, ones = text.partition("十")
        high = CN_DIGITS.get(tens, 1 if not tens else None)
        low = CN_DIGITS.get(ones, 0 if not ones else None)
        if high is None or low is None:
            return None
        return high * 10 + low
    return CN_DIGITS.get(text) if len(text) == 1 else None


def _marker_filled(masked: str, markers: Sequence[Marker]) -> str:
    if not markers:
        return masked
    parts = []
    last = 0
    for marker in markers:
        parts.append(masked[last : marker.start])
        parts.append(MARKER_FILL * (marker.end - marker.start))
        last = marker.end
    parts.append(masked[last:])
    return "".join(parts)


def _join(text: str, pieces, separator: str):
    """Join the pieces of a paragraph; offsets maps joined positions back to the original."""
    parts = []
    offsets = []  # (joined_start, original_start)
    position = 0
    for i, (start, end) in enumerate(pieces):
        if i:
            parts.append(separator)
            position += len(separator)
        offsets.append((position, start))
        parts.append(text[start:end])
        position += end - start
    return "".join(parts), offsets


def _orig(offsets, local: int) -> int:
    index = bisect_right(offsets, (local, float("inf"))) - 1
    joined_start, original_start = offsets[max(index, 0)]
    return original_start + local - joined_start


def _within(items: Sequence, starts: list[int], start: int, end: int) -> tuple:
    """The items (sorted by start, with ``starts``) that start in [start, end)."""
    return tuple(items[bisect_left(starts, start) : bisect_left(starts, end)])


class _Spans:
    """Sorted, non-overlapping enough spans with a fast 'does any cover x' test."""

    def __init__(self, spans=()):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def add_all(self, spans) -> None:
        self.spans = sorted(self.spans + list(spans))
        self.starts = [s for s, _ in self.spans]

    def covers(self, offset: int) -> bool:
        index = bisect_right(self.starts, offset) - 1
        return index >= 0 and self.spans[index][0] <= offset < self.spans[index][1]


def _within_sentences(found: list[Figure], text: str, spans: list[tuple[int, int]],
                      lexicon: Lexicon) -> list[Figure]:
    """``found`` with each figure that runs past the end of its sentence (``0`` and a ``B``
    that opens the next paragraph) read again inside that sentence alone."""
    starts = [start for start, _ in spans]
    kept: list[Figure] = []
    for figure in found:
        index = bisect_right(starts, figure.start) - 1
        start, end = spans[index] if index >= 0 else (0, len(text))
        if figure.end <= end:
            kept.append(figure)
            continue
        kept += [f._replace(start=f.start + start, end=f.end + start)
                 for f in find_figures(text[start:end], lexicon) if f.start + start >= figure.start]
    return kept


def _keep(text: str, spans: list[tuple[int, int]], blank: str) -> str:
    """``text`` with everything outside ``spans`` (sorted) blanked (``blank``: all of it
    blanked, whose slices are the blanked slices)."""
    parts = []
    last = 0
    for start, end in spans:
        if start < last:
            start = last
        parts.append(blank[last:start])
        parts.append(text[start:end])
        last = max(last, end)
    parts.append(blank[last:])
    return "".join(parts)


_QUOTED = lazy(r"(?=[“\"*_])(?:“([^“”\n]{6,200})”|\"([^\"\n]{6,200})\""
               r"|(?<![*\w])\*([^*\n]{6,200})\*(?!\*)|(?<![_\w])_([^_\n]{6,200})_(?![_\w]))")
_SMALL_WORDS = frozenset("a an the and or of to in on at by for with from as vs via".split())


def _title_spans(text: str) -> list[tuple[int, int]]:
    """Quoted or italic English text written in Title Case: the title of a cited work,
    whose numbers and ranking words are not the document's claims."""
    spans = []
    for match in _QUOTED.finditer(text):
        words = re.findall(r"[A-Za-z][A-Za-z'’-]*", match.group())
        words = [w for w in words if w.lower() not in _SMALL_WORDS]
        if len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.75 * len(words):
            spans.append(match.span())
    return spans


def _links(masked: str) -> list[tuple[int, int]]:
    """The text spans of Markdown links to pages ([text](https://…)), not markers."""
    if "](" not in masked:
        return []
    return [m.span(1) for m in MARKDOWN_LINK.finditer(masked)
            if not m.group(1).startswith("^")]


def _covered(sentences: list[Sentence], document_source: str = "",
             counts: Sequence[Figure] = ()) -> list[Sentence]:
    """An unmarked claim is covered by an attribution in an earlier sentence of its
    paragraph (the rest of the paragraph reports the same source); an attributed one by
    a marker on the next sentence (the note that closes the passage); and, in a document
    that cites by passage (fewer than half of its claims carry their own marker), by a
    marker in one of the next two sentences of its paragraph (a note closing a passage).
    A document that cites sentence by sentence gets no such cover: there a sentence
    without its marker is a fault. A figure restated from a sourced sentence elsewhere
    (a summary, a conclusion) is covered by it, and so is one that a sourced sentence
    gives as the count of the items it names (``counts``: 甲及乙两人). A document with a
    source line at its top (原文链接：) covers all its claims."""
    out = list(sentences)
    if document_source:
        return [s._replace(covered_by=document_source) if s.is_claim and not s.markers else s
                for s in out]
    claims = [s for s in out if s.is_claim]
    by_passage = 2 * sum(1 for s in claims if s.markers) < len(claims)
    sourced = {_figure_key(f): s for s in claims if s.markers for f in s.figures}
    marked = sorted((s.start, s.end) for s in out if s.markers)
    marked_starts = [a for a, _ in marked]
    reach = list(accumulate((b for _, b in marked), max))  # the furthest end so far
    for figure in counts:  # in a marked sentence: some span starts before it, ends after
        index = bisect_right(marked_starts, figure.start) - 1
        if index >= 0 and reach[index] > figure.start:
            sourced[_figure_key(figure)] = None
    for i, sentence in enumerate(out):
        if sentence.markers or not sentence.is_claim:
            continue
        later = [s for s in out[i + 1 : i + 3] if s.paragraph == sentence.paragraph]
        if (by_passage or sentence.attribution) and any(s.markers for s in later[:1 + by_passage]):
            out[i] = sentence._replace(covered_by="a marker later in the paragraph")
            continue
        earlier = [s for s in out[max(0, i - 12) : i] if s.paragraph == sentence.paragraph]
        if any(s.attribution and not s.markers for s in earlier):
            out[i] = sentence._replace(covered_by="the paragraph's attribution")
            continue
        figures = sentence.claim_figures
        if figures and not sentence.claim_triggers and all(
                _figure_key(f) in sourced for f in figures):
            out[i] = sentence._replace(covered_by="a sourced sentence stating the same figure")
    return out


def _on_caption_line(text: str, offset: int) -> bool:
    """Is ``offset`` on a short line that opens with a caption label (表1, Table 2.5)?
    (图3显示，…增长了5%。 in a long line is prose about a chart, not its caption.)"""
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
    return len(line) <= 80 and CAPTION.match(text, line_start) is not None


def _figure_key(figure: Figure) -> tuple:
    return (figure.unit_key, figure.value, figure.high, figure.is_percent)


def _one_line_apart(text: str, end: int, start: int) -> bool:
    return text.count("\n", end, start) <= 1


def _nearby(lines: list[str], index: int, step: int, reach: int = 3):
    """Up to ``reach`` non-blank line numbers from ``index`` going ``step``, stopping at
    the first one that is not blank (so the nearest block above or below)."""
    seen = 0
    while 0 <= index < len(lines) and seen < reach:
        if lines[index].strip():
            yield index
            return
        index += step
        seen += 1


_CELL_NUMBER = lazy(
    r"(?:(?<=\|)|(?<=>))\s*[-+]?[$£€¥￥]?\d[\d,.\u202f\u2009 ]*\s*[%％]?\s*(?=\||<)")


def _numeric_cells(text: str, offset: int) -> tuple[tuple[int, int], ...]:
    """Cells that hold only a number (not a year): a table of data without units."""
    spans = []
    for match in _CELL_NUMBER.finditer(text):
        value = match.group().strip()
        digits = re.sub(r"\D", "", value)
        if len(digits) == 4 and 1800 <= int(digits) <= 2100 and value.isdigit():
            continue
        spans.append((offset + match.start() + len(match.group()) - len(match.group().lstrip()),
                      offset + match.end()))
    return tuple(spans) if len(spans) >= 2 else ()
