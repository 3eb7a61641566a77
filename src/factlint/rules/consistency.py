"""FL309-FL312: figures that agree with themselves, with no fact file (SPEC §7).

Every rule reads the figures the Document already holds (`Sentence.figures`, with their
§3 intervals from `numbers.interval_for`) and the short stretches of text between them:
"从 A 增长到 B，增长 C" is three figures and the words in their gaps. A `_Figures` view of a
sentence gives those gaps once, with markers and Markdown emphasis taken out.

FL309 indexes statements by their subject words, so a brief of any length costs one
dictionary look-up per figure, never a comparison of every figure with every other.
The change words (增长, 下降, rose, fell…) are Chinese and English together: a brief
in either language may quote the other.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import TYPE_CHECKING

from factlint.finding import Finding
from factlint.lazyre import lazy
from factlint.messages import Message
from factlint.numbers import Figure, Interval, format_number, interval_for, normalise_unit
from factlint.rules import Rule

if TYPE_CHECKING:
    from factlint.document import Document, Sentence
    from factlint.rules import Context

_TAG = lazy(r"<[^<>\n]{0,200}>")
_EMPHASIS = "*_`~"
_SPECIAL = lazy(r"[<*_`~\n]")  # what _plain takes out or changes
_CLAUSE = lazy(r"[，,；;：:、（）()\[\]【】“”\"]")
_WORD = lazy(r"[A-Za-z][A-Za-z'’-]*")

_UP_ZH = "增长|增加|提高|提升|上升|上涨|扩大|攀升|增"
_DOWN_ZH = "下降|减少|降低|缩小|缩减|下滑|回落|萎缩|减|降"
_UP_EN = (r"rose|rise[sn]?|grew|grow(?:s|n|th)?|increase[sd]?|up|gain(?:ed|s)?|jump(?:ed|s)?"
          r"|climb(?:ed|s)?")
_DOWN_EN = (r"fell|fall(?:s|en)?|drop(?:ped|s)?|decline[sd]?|decrease[sd]?|down|reduc(?:ed|es|tion)"
            r"|cut|lower(?:ed)?|shr[au]nk")
_CHANGE = lazy(
    rf"{_UP_ZH}|{_DOWN_ZH}|从(?![业事])|由(?!于)|(?<![占达])到|(?<!截)至|较|(?<!占)比(?![重例])"
    rf"|(?<![A-Za-z])(?:{_UP_EN}|{_DOWN_EN}|from|to|than|versus|vs)(?![A-Za-z])")

# Characters without which a pattern below cannot match: one scan of a sentence's words
# decides whether the slower patterns are tried at all.
# (Plain character classes and literals: a lookbehind or IGNORECASE at the start of a
# pattern would make every position of the text a place to try.)
_MAY_CHANGE = lazy(r"[增减降升提扩攀缩滑落萎从由到至较比A-Za-z]")
_LATIN_LETTER = lazy(r"[A-Za-z]")
_MAY_GROW = (lazy(r"[从由是]"), lazy(r"[Ff]rom|FROM"))
_MAY_HOLD_PARTS = (lazy(r"[占]|其中|比重|比例|份额"),
                   lazy(r"[Ii]nclud|of wh|[Ss]hare|[Aa]ccount|[Mm]ake|[Mm]ade"))
_MAY_FALL = (lazy(r"[降减缩滑落萎]"),
             lazy(r"fell|[Ff]all|[Dd]rop|[Dd]eclin|[Dd]ecreas|[Dd]own|[Rr]educ|[Cc]ut"
                  r"|[Ll]ower|shr|time"))


# --- the words between figures -----------------------------------------------------------

# 从 / 由, then at most a year and a few characters: 从 2020 年的, 从原来的 (not 从业, 由于)
_FROM = lazy(r"(?:从(?![业事])|由(?!于))[^，,；;。\d]{0,3}(?:(?:19|20)\d{2}\s*年[底末初]?)?"
                   r"[^，,；;。\d]{0,3}$|(?<![A-Za-z])[Ff]rom\s*$")
_TO = lazy(r"^[^，,；;。]{0,16}?(?:到|至|为)[^，,；;。]{0,10}$"
                 r"|^[^,;]{0,30}(?<![A-Za-z])to\s*$")
_RATE = lazy(
    rf"^[，,\s]*(?:同比|比上年|较上年)?(?:(?P<up>{_UP_ZH}|增幅|涨幅|增速|增长率)|(?P<down>{_DOWN_ZH}|降幅))"
    r"(?P<le>了)?(?P<to>到|至)?(?:为|达到|达|约|近)?\s*$"
    rf"|^\s*(?:[,(]\s*)?(?:an?\s+|or\s+)?(?:(?P<upe>{_UP_EN})|(?P<downe>{_DOWN_EN}))"
    r"(?:\s+of|\s+by)?\s*$")
_LEAD_RATE = lazy(
    rf"(?<![A-Za-z])(?:(?P<upe>{_UP_EN})|(?P<downe>{_DOWN_EN}))(?:\s+by)?\s*$")
_FROM_ONLY = lazy(r"^\s*[Ff]rom\s*$")
_IS = lazy(r"^[^；;。]{0,12}是[^，,；;。]{0,14}$")
_OF = lazy(r"^\s*(?:[）)]\s*)?的\s*$")  # never \s*X?\s*: quadratic on spaces
_DOUBLING = lazy(r"^[，,\s]*(?:实现|规模|总量)?翻了?(?P<n>一|两|二|三|四)番")
_DOUBLINGS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4}
_OF_WHICH_EN = lazy(r"(?<![A-Za-z])(?:including|of which|of whom)(?![A-Za-z])")
_SHARE_CLAUSE = lazy(r"[，,；;：:（）()]")
_PARTS_END = lazy(r"其中|[；;（(占]|of which|including|share|account")
_SHARE_AFTER_PART = lazy(r"^[，,（(\s]*(?:占比|占|占到|比重为?|份额为?)[^，,；;。]{0,6}$"
                               r"|^\s*(?:\(|,\s*or)\s*$")
_SHARE = lazy(
    r"(?:占比|占|比重|比例|份额|占到)(?P<whole>[^，,；;。占]{0,10}?)(?:为|达到|达|约|仅为|仅|近|超过|超)?\s*$"
    r"|(?<![A-Za-z])(?:share|accounts?\s+for|accounted\s+for|makes?\s+up|made\s+up)"
    r"(?P<whole_en>(?:\s+of\s+[A-Za-z ]{0,30}?)?)(?:\s+(?:was|is|of|about|nearly|some))*\s*$")
_DECREASE_BEFORE = lazy(
    rf"(?:{_DOWN_ZH})了?\s*$|(?<![A-Za-z])(?:{_DOWN_EN})(?:\s+by)?\s*$")
# "decreased 3 times" may count occasions: only "by N times" is a multiple in English
_DECREASE_BY = lazy(
    rf"(?:{_DOWN_ZH})了?\s*$|(?<![A-Za-z])(?:{_DOWN_EN})\s+by\s*$")
_TIMES_AFTER = lazy(r"^\s*(?:lower|less|smaller|fewer|cheaper)(?![A-Za-z])")
_MINUS_RISE = lazy(
    rf"(?P<word>(?:{_UP_ZH}|增幅|涨幅)了?(?:为|达)?|(?<![A-Za-z])(?:{_UP_EN})(?:\s+by)?)"
    r"\s*(?P<figure>[-−－]\s*[0-9０-９][0-9０-９.．]*\s*(?:%|％|个百分点|per\s?cent)?)")
_SIGNED_NUMBER = lazy(r"[-−－](?=\s*[0-9０-９])")
_TIMES_UNITS = frozenset({"倍", "times", "time", "fold", "x"})
_POINT_UNITS = frozenset({"个百分点", "百分点", "percentage point", "percentage points",
                          "point", "points", "pp"})

# --- the subject of a figure (FL309) -------------------------------------------------------

_ZH_TRAILING = lazy(r"(?:累计|共计|合计|总计|达到|约为|已经|为|达|共|有|约|是|了|的|计|已|超"
                          r"|逾|近|仅|只|均|各)+$")
_EN_STOPWORDS = frozenset(
    "the a an of was were is are has had have reached reach reaches totalled totaled total "
    "about around some nearly almost over with to by at in on for and or than more less only "
    "just it its their there been be which that this these those some roughly approximately "
    "estimated".split())
_PERIOD = lazy(
    r"(?:19|20)\d{2}\s*年?(?:底|末|初|上半年|下半年|[一二三四1-4]季度)?"
    r"|上半年|下半年|前三季度|[一二三四]季度|全年|去年|今年|上年|明年|同期|\d{1,2}\s*月"
    r"|(?<![A-Za-z])(?:Q[1-4]|(?:19|20)\d{2}|last year|this year|next year)(?![A-Za-z0-9])")
_PROVINCES = ("北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏",
              "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南",
              "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏",
              "宁夏", "新疆", "香港", "澳门")
_CITIES = ("杭州", "宁波", "温州", "深圳", "广州", "珠海", "佛山", "东莞", "贵阳", "成都", "武汉",
           "南京", "苏州", "无锡", "西安", "郑州", "长沙", "合肥", "厦门", "青岛", "济南", "沈阳",
           "大连", "哈尔滨", "长春", "昆明", "南宁", "福州", "南昌", "太原", "石家庄", "兰州",
           "西宁", "银川", "乌鲁木齐", "拉萨", "呼和浩特", "海口", "雄安", "赣江新区")
# Place words: provinces, big cities, X省, X市, 全国…; in English a capitalised word inside a
# sentence (in a heading, any capitalised word). A word taken for a place wrongly can only
# keep two statements apart, never make a finding.
_PLACE = lazy(
    "|".join(_PROVINCES + _CITIES)
    + r"|全国|全省|全市|全区|全球|国内|国外|海外|境内|境外|\w{2}省"
    + r"|\w{2}[市县](?![场民值级域政委内区属长])"
    + r"|(?<=[a-z,;] )[A-Z][a-z]{2,}")
_HEADING_PLACE = lazy(_PLACE.pattern + r"|[A-Z][a-z]{2,}")

CLAUSE_WINDOW = 40  # characters before a figure that can hold its subject
HEAD_WINDOW = 80  # characters of a sentence before its first figure that the rules read
# the first characters of the place words, to skip _PLACE where none can start
_MAY_PLACE = lazy("[" + "".join(sorted({w[0] for w in _PROVINCES + _CITIES}))
                        + "全国海境省市县]")
MIN_HAN = 4
MIN_WORDS = 2
MAX_HAN = 12  # a longer run is cut: 如贵州以…汇聚数据商 is not compared whole
MAX_WORDS = 4
EPSILON = 1e-9
MAX_DISTINCT = 32  # distinct statements kept per subject: bounds the work per figure


def _of_which(text: str) -> bool:
    """其中 / including / of which: parts of the figure before follow."""
    return "其中" in text or bool(_LATIN_LETTER.search(text) and _OF_WHICH_EN.search(text))


def _may(test: tuple[re.Pattern[str], re.Pattern[str]], view: _Figures) -> bool:
    """Could the view's words hold one of the words `test` stands for (Chinese, then
    English)?"""
    return bool(test[0].search(view.words) or view.latin and test[1].search(view.words))


@dataclass(slots=True, eq=False, repr=False)
class _Figures:
    """A sentence's figures and the plain text before, between and after them."""

    doc: Document
    sentence: Sentence
    figures: tuple[Figure, ...]
    gaps: tuple[str, ...]  # gaps[i]: the text just before figures[i] (gaps[0]: its end)
    tail: str  # after the last figure
    words: str  # the gaps and the tail joined, for quick tests of the whole sentence
    latin: bool  # words holds a Latin letter (the English tests are tried only then)
    intervals: dict = field(default_factory=dict)  # figure start -> Interval

    @classmethod
    def of(cls, doc: Document, sentence: Sentence) -> _Figures:
        figures = sentence.figures
        # Before the first figure only the last words matter (its subject, a 从 or 占):
        # the whole text there is read only for a period or place word (`_context`).
        bounds = [max(sentence.start, figures[0].start - HEAD_WINDOW)]
        for figure in figures:
            bounds += (figure.start, figure.end)
        bounds.append(sentence.end)
        texts = _cut(doc, sentence, bounds)
        if texts is None:
            texts = [_plain(doc, sentence, bounds[i], bounds[i + 1])
                     for i in range(0, len(bounds) - 1, 2)]
        words = "\x00".join(texts)
        return cls(doc, sentence, figures, tuple(texts[:-1]), texts[-1], words,
                   _LATIN_LETTER.search(words) is not None)

    def after(self, i: int) -> str:
        """The text just after figures[i]."""
        return self.gaps[i + 1] if i + 1 < len(self.figures) else self.tail


def _cut(doc: Document, sentence: Sentence, bounds: list[int]) -> list[str] | None:
    """What `_plain` gives for the stretches between ``bounds`` (first, each figure's start
    and end, sentence end), by slicing alone: markers cut out, when nothing else is to be
    taken out (most sentences). None otherwise."""
    text, markers = doc.text, sentence.markers
    pieces = []
    m = 0
    for i in range(0, len(bounds) - 1, 2):
        low, high = bounds[i], bounds[i + 1]
        while m < len(markers) and markers[m].end <= low:
            m += 1
        at, parts = low, []
        while m < len(markers) and markers[m].start < high:
            if markers[m].start < at or markers[m].end > high:
                return None  # a marker across a boundary: leave it to _plain
            parts.append(text[at:markers[m].start])
            at = markers[m].end
            m += 1
        piece = "".join(parts) + text[at:high] if parts else text[low:high]
        if _SPECIAL.search(piece):
            return None
        pieces.append(piece)
    return pieces


def _plain(doc: Document, sentence: Sentence, start: int, end: int) -> str:
    text = doc.text[start:end]
    for marker in reversed(sentence.markers):
        if start <= marker.start and marker.end <= end:
            text = text[: marker.start - start] + text[marker.end - start:]
    if "<" in text:
        text = _TAG.sub("", text)
    for mark in _EMPHASIS:  # str.translate is slow on Chinese text; `in` is not
        if mark in text:
            text = text.replace(mark, "")
    return text.replace("\n", " ") if "\n" in text else text


def _interval(ctx: Context, figure: Figure, view: _Figures | None = None) -> Interval:
    """The figure's §3 interval (kept on its sentence's view: several rules ask)."""
    if view is None:
        return interval_for(figure, ctx.settings.near_ratio, ctx.settings.about_ratio)
    key = (figure.start, ctx.settings.near_ratio, ctx.settings.about_ratio)
    interval = view.intervals.get(key)
    if interval is None:
        interval = interval_for(figure, ctx.settings.near_ratio, ctx.settings.about_ratio)
        view.intervals[key] = interval
    return interval


def _finite(interval: Interval) -> bool:
    return math.isfinite(interval.low) and math.isfinite(interval.high)


def _overlap(a: Interval, b: Interval) -> bool:
    if a.low < b.high and b.low < a.high:
        return True
    low, high = max(a.low, b.low), min(a.high, b.high)
    if low < high:
        return True
    return low == high and a.contains(low) and b.contains(low)


def _meets(claimed: Interval, low: float, high: float) -> bool:
    """Does the stated result (an interval) meet the computed range [low, high]?"""
    return _overlap(claimed.widened(EPSILON * max(1.0, abs(low), abs(high))),
                    Interval(low, high, True, True))


def _quoted(doc: Document, figure: Figure) -> str:
    return f"“{doc.text[figure.start:figure.end].strip()}”"


def _number(v: float, percent: bool = False) -> str:
    shown = format_number(round(v, 2) if abs(v) < 1e15 else v)
    return shown + ("%" if percent else "")


def _range(low: float, high: float, percent: bool = False) -> str:
    if abs(high - low) < 0.005:
        return _number(low, percent)
    return f"{_number(low, percent)}–{_number(high, percent)}"


_unit = lru_cache(maxsize=4096)(normalise_unit)  # Figure.unit_key, without redoing NFKC


def _is_times(figure: Figure) -> bool:
    return _unit(figure.unit) in _TIMES_UNITS


def _is_points(figure: Figure) -> bool:
    return _unit(figure.unit) in _POINT_UNITS


def _sentences_with_figures(doc: Document) -> list[_Figures]:
    """The views of the brief's sentences that state figures, built once for the four rules
    (a one-brief memo: the engine runs every rule on one Document before the next)."""
    if _LAST_VIEWS and _LAST_VIEWS[0] is doc:
        return _LAST_VIEWS[1]
    views = [_Figures.of(doc, s) for s in doc.sentences if s.figures]
    _LAST_VIEWS[:] = [doc, views]
    return views


_LAST_VIEWS: list = []


# --- FL309 ---------------------------------------------------------------------------------


@dataclass(eq=False, repr=False)
class Statement:
    """A figure stated for a subject (FL309), in plain values so that statements of the
    briefs of one run can be compared after each was checked on its own (--across-briefs).

    Its interval is worked out only when its subject was stated before, and its period and
    place only when another statement of its subject disagrees with it: most figures of
    most briefs never pay for either."""

    key: tuple[str, str, bool]  # subject words, unit, percent or not
    text: str  # the figure as written
    path: str
    start: int  # offsets of the figure in its brief
    end: int
    read_interval: Callable[[], Interval] | None = field(default=None, repr=False)
    read_context: Callable[[], tuple[str, str]] | None = field(default=None, repr=False)
    span: tuple[int, int, int, int] | None = None  # line, column, end line, end column
    line_text: str = ""
    found_interval: Interval | None = None
    found_context: tuple[str, str] | None = None

    @property
    def interval(self) -> Interval:
        if self.found_interval is None:
            self.found_interval = self.read_interval()
            self.read_interval = None
        return self.found_interval

    @property
    def context(self) -> tuple[str, str]:
        """(period, place) it is stated for; '' where the brief does not say."""
        if self.found_context is None:
            self.found_context = self.read_context() if self.read_context else ("", "")
            self.read_context = None
        return self.found_context

    def settled(self) -> Statement:
        """The same statement with everything read, ready to leave its process."""
        self.found_interval, self.found_context = self.interval, self.context
        return self


class StatementIndex:
    """Statements by subject: each new one is compared with the few distinct values of
    its subject, never with every figure."""

    def __init__(self) -> None:
        self.buckets: dict[tuple[str, str, bool], list[Statement]] = {}

    def conflict(self, statement: Statement) -> Statement | None:
        """An earlier statement this one cannot hold with, unless another earlier one of the
        same period and place agrees with it (the conflict was reported there already)."""
        bucket = self.buckets.get(statement.key)
        if not bucket:
            return None
        interval = statement.interval
        for other in bucket:
            if not _overlap(interval, other.interval):
                break
        else:
            return None  # every value of this subject so far allows this one
        period, place = statement.context
        against = None
        for other in bucket:
            other_period, other_place = other.context
            if _compatible(period, other_period) and _compatible(place, other_place):
                if _overlap(statement.interval, other.interval):
                    return None
                against = against or other
        return against

    def add(self, statement: Statement) -> None:
        bucket = self.buckets.get(statement.key)
        if bucket is None:
            self.buckets[statement.key] = [statement]
        elif len(bucket) < MAX_DISTINCT and not any(statement.interval == other.interval
                                                    for other in bucket):
            bucket.append(statement)  # repeats of one value are kept once


def statements(ctx: Context, for_run: bool = False) -> Iterator[Statement]:
    """Every figure of the brief that states a level of a named subject, in order.
    ``for_run``: with positions, line text and context read, for --across-briefs."""
    doc = ctx.doc
    headings = sorted((h.start, h.text) for h in doc.headings)
    for view in _sentences_with_figures(doc):
        for i, figure in enumerate(view.figures):
            unit = _unit(figure.unit)
            if unit in _TIMES_UNITS or unit in _POINT_UNITS:  # _is_times, _is_points
                continue
            subject = _subject(view.gaps[i])
            if not subject:
                continue
            statement = Statement(
                (subject, unit, figure.is_percent),
                doc.text[figure.start:figure.end].strip(), doc.path, figure.start, figure.end,
                partial(_interval, ctx, figure, view), partial(_context, view, i, headings))
            if for_run:
                statement.span = doc.span(figure.start, figure.end)
                statement.line_text = doc.line_text(statement.span[0])
                statement.settled()
            yield statement


def han_run(clause: str) -> str:
    """The Chinese words that end right before a figure, spaces dropped: 汇聚数据商 1159 家:
    at most MAX_HAN + 8 Han characters and spaces before the last that is not a space, read
    by one match over the clause reversed (a loop over its characters cost twice as much)."""
    clause = clause.rstrip(" \u3000")
    run = _HAN_RUN.match(clause[::-1]).end()
    return clause[len(clause) - run:].replace(" ", "").replace("\u3000", "")


_HAN_RUN = lazy(rf"[\u4e00-\u9fff \u3000]{{0,{MAX_HAN + 8}}}")  # compiled once, then kept


def _subject(before: str) -> str:
    """The subject words right before a figure, folded: 汇聚数据商, 'agency registered'."""
    clause = _CLAUSE.split(before[-CLAUSE_WINDOW:])[-1]
    if _MAY_CHANGE.search(clause) and _CHANGE.search(clause):
        return ""  # 增长到, from … to: a change, not a level
    run = han_run(clause)
    if run:  # the place is compared on its own (_context): 杭州汇聚数据商 → 汇聚数据商
        han = _PLACE.sub("", run) if _MAY_PLACE.search(run) else run
        han = _ZH_TRAILING.sub("", han)[-MAX_HAN:]
        return han if len(han) >= MIN_HAN else ""
    words = [w.casefold() for w in _WORD.findall(clause)]
    content = [w for w in words if w not in _EN_STOPWORDS][-MAX_WORDS:]
    return " ".join(content) if len(content) >= MIN_WORDS else ""


def _last(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.findall(text)
    return re.sub(r"\s+", "", found[-1]) if found else ""


def _first(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    return re.sub(r"\s+", "", found.group()) if found else ""


def _context(view: _Figures, i: int, headings: list) -> tuple[str, str]:
    """(period, place) a figure is stated for: the last period word before it in its
    sentence and the first place word (the sentence's subject: 如贵州以…面向全国…), else
    those in the rest of the sentence, else in the heading above it ('' when none)."""
    doc = view.doc
    before = _plain(doc, view.sentence, view.sentence.start, view.figures[i].start)
    rest = view.after(i)
    period = _last(_PERIOD, before) or _last(_PERIOD, rest)
    place = _first(_PLACE, before) or _first(_PLACE, rest)
    if not period or not place:
        heading = _heading_above(headings, view.sentence.start)
        if heading:
            period = period or _last(_PERIOD, heading)
            place = place or _first(_HEADING_PLACE, heading)
    return period, place


def _heading_above(headings: list, offset: int) -> str:
    index = bisect_right(headings, (offset, "\uffff")) - 1
    return headings[index][1] if index >= 0 else ""


def _compatible(a: str, b: str) -> bool:
    return not a or not b or a == b


def check_inconsistent_figure(ctx: Context) -> Iterator[Finding]:
    """The same quantity stated twice with values that cannot both hold.

    "The same quantity" is the same subject words right before the figure (at least four
    Chinese characters or two English words, after dropping particles such as 达/为/共),
    the same unit, and no different year, period or place word around them: 2023年 and
    2024年 are two quantities, not a conflict. Figures in a change (增长到, from … to) are
    left out. The finding is at the later statement and names where the other one is.

    Bad:
        全省汇聚数据商 1159 家<sup>1</sup>。

        截至目前，全省汇聚数据商 1195 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》

    Good:
        全省汇聚数据商 1159 家<sup>1</sup>。

        截至目前，全省汇聚数据商 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
    """
    doc = ctx.doc
    index = StatementIndex()
    for statement in statements(ctx):
        other = index.conflict(statement)
        if other is not None:
            if other.span is None:
                other.span = doc.span(other.start, other.end)
            yield INCONSISTENT.at(doc, statement.start, statement.end,
                                  _conflict_message(statement, other))
        index.add(statement)


def across_briefs(briefs: Iterable[list[Statement]]) -> list[Finding]:
    """FL309 between the briefs of one run (--across-briefs): each brief's statements
    against those of the briefs before it (conflicts within a brief are found per brief)."""
    index = StatementIndex()
    found = []
    for brief in briefs:
        for statement in brief:
            other = index.conflict(statement)
            if other is not None:
                line, column, end_line, end_column = statement.span
                found.append(INCONSISTENT.at_position(
                    statement.path, line, column, _conflict_message(statement, other),
                    end_line, end_column))
        for statement in brief:
            index.add(statement)
    return found


def _conflict_message(statement: Statement, other: Statement) -> Message:
    where = Message("FL309.at", line=other.span[0], column=other.span[1])
    if other.path != statement.path:
        where = Message("FL309.at-file", path=other.path, line=other.span[0],
                        column=other.span[1])
    return Message("FL309.disagrees", text=statement.text, quantity=statement.key[0],
                   other=other.text, where=where)


# --- FL310 ---------------------------------------------------------------------------------


def _bounds(ctx: Context, figure: Figure) -> tuple[float, float] | None:
    interval = _interval(ctx, figure)
    return (interval.low, interval.high) if _finite(interval) else None


def _change(ctx, a: Figure, b: Figure) -> tuple[float, float, float, float] | None:
    """(lowest, highest relative change in %, lowest, highest difference) from a to b."""
    ra, rb = _bounds(ctx, a), _bounds(ctx, b)
    if ra is None or rb is None or ra[0] <= 0:
        return None
    ratios = [(y - x) / x * 100 for x in ra for y in rb]
    differences = [y - x for x in ra for y in rb]
    return min(ratios), max(ratios), min(differences), max(differences)


def _same_kind(a: Figure, b: Figure) -> bool:
    return a.is_percent == b.is_percent and _unit(a.unit) == _unit(b.unit)


def _direction(match: re.Match[str]) -> int:
    groups = match.groupdict()
    return 1 if (groups.get("up") or groups.get("upe")) else -1


def _growth_problem(ctx, doc, a: Figure, b: Figure, c: Figure, sign: int,
                    times_plus_one: bool) -> str:
    """Why `c` cannot be the change from `a` to `b` ('' when it can). `sign` is +1 for a
    rise (增长, up), -1 for a fall (下降, down)."""
    change = _change(ctx, a, b)
    if change is None:
        return ""
    low, high, dlow, dhigh = change
    if sign < 0:
        low, high, dlow, dhigh = -high, -low, -dhigh, -dlow
    claimed = _interval(ctx, c)
    stated = _quoted(doc, c)
    span = Message("FL310.span", a=_quoted(doc, a), b=_quoted(doc, b))
    if _is_times(c):
        ra, rb = _bounds(ctx, a), _bounds(ctx, b)
        factors = [y / x for x in ra for y in rb]
        offset = 1 if times_plus_one else 0
        if sign < 0 or _meets(claimed, min(factors) - offset, max(factors) - offset):
            return ""  # a fall by a multiple is FL312's
        return Message("FL310.times-plus-one" if times_plus_one else "FL310.times",
                       stated=stated, span=span, factor=_range(min(factors), max(factors)))
    if c.is_percent:
        if _meets(claimed, low, high):
            return ""
        relative = _range(low, high, True)
        if a.is_percent and b.is_percent and _meets(claimed, dlow, dhigh):
            return Message("FL310.points-not-percent", stated=stated, span=span,
                           relative=relative, points=_range(dlow, dhigh))
        return Message("FL310.change", stated=stated, span=span, change=relative)
    if _is_points(c):
        if not (a.is_percent and b.is_percent) or _meets(claimed, dlow, dhigh):
            return ""
        return Message("FL310.change-points", stated=stated, span=span,
                       points=_range(dlow, dhigh))
    if _same_kind(a, c):
        if _meets(claimed, dlow, dhigh):
            return ""
        return Message("FL310.difference", stated=stated, span=span,
                       difference=_range(dlow, dhigh))
    return ""


def _doubling_problem(ctx, doc, a: Figure, b: Figure, doubling: re.Match[str]) -> str:
    factor = 2 ** _DOUBLINGS[doubling["n"]]
    ra, rb = _bounds(ctx, a), _bounds(ctx, b)
    if not ra or not rb or ra[0] <= 0:
        return ""
    factors = [y / x for x in ra for y in rb]
    if min(factors) - EPSILON <= factor <= max(factors) + EPSILON:
        return ""
    return Message("FL310.doubling", stated=doubling.group().strip("，, "), factor=factor,
                   a=_quoted(doc, a), b=_quoted(doc, b),
                   actual=_range(min(factors), max(factors)))


def _growths(ctx, doc, view: _Figures) -> Iterator[tuple[Figure, str]]:
    """从 A 增长到 B，增长 C / from A to B, up C / grew C from A to B / 从 A 到 B，翻一番."""
    figures, gaps = view.figures, view.gaps
    n = len(figures)
    for i in range(n - 1):
        a, b = figures[i], figures[i + 1]
        if not _same_kind(a, b) or not _FROM.search(gaps[i][-CLAUSE_WINDOW:]) \
                or not _TO.search(gaps[i + 1]):
            continue
        doubling = _DOUBLING.match(view.after(i + 1))
        if doubling:
            problem = _doubling_problem(ctx, doc, a, b, doubling)
            if problem:
                yield b, problem
            continue
        rate = _RATE.match(gaps[i + 2]) if i + 2 < n else None
        c = figures[i + 2] if rate else None
        if rate and not (rate["to"] and not _is_times(c)):  # 增长到25% is a level
            problem = _growth_problem(ctx, doc, a, b, c, _direction(rate),
                                      bool(rate["le"]) or not rate["to"])
            if problem:
                yield c, problem
        lead = _LEAD_RATE.search(gaps[i - 1][-CLAUSE_WINDOW:]) if i >= 1 else None
        if lead and _FROM_ONLY.match(gaps[i]) and figures[i - 1].is_percent:
            c = figures[i - 1]  # English: "grew 25% from 120 firms to 160 firms"
            problem = _growth_problem(ctx, doc, a, b, c, _direction(lead), False)
            if problem:
                yield c, problem


def _multiples(ctx, doc, view: _Figures) -> Iterator[tuple[Figure, str]]:
    """A 是 B 的 N倍."""
    figures, gaps = view.figures, view.gaps
    for i in range(len(figures) - 2):
        a, b, n = figures[i], figures[i + 1], figures[i + 2]
        if not (_is_times(n) and _same_kind(a, b) and _IS.search(gaps[i + 1])
                and _OF.match(gaps[i + 2])):
            continue
        ra, rb = _bounds(ctx, a), _bounds(ctx, b)
        if not ra or not rb or rb[0] <= 0:
            continue
        factors = [x / y for x in ra for y in rb]
        if not _meets(_interval(ctx, n), min(factors), max(factors)):
            yield n, Message("FL310.multiple", a=_quoted(doc, a), b=_quoted(doc, b),
                             stated=_quoted(doc, n), actual=_range(min(factors), max(factors)))


def _shares_of_total(ctx, doc, view: _Figures) -> Iterator[tuple[Figure, str]]:
    """共 T，其中 P，占比 C%."""
    figures, gaps = view.figures, view.gaps
    for i in range(len(figures) - 2):
        t, p, c = figures[i], figures[i + 1], figures[i + 2]
        if not (c.is_percent and _same_kind(t, p) and not t.is_percent
                and _of_which(gaps[i + 1]) and _SHARE_AFTER_PART.match(gaps[i + 2])):
            continue
        rt, rp = _bounds(ctx, t), _bounds(ctx, p)
        if not rt or not rp or rt[0] <= 0:
            continue
        shares = [y / x * 100 for x in rt for y in rp]
        if not _meets(_interval(ctx, c), min(shares), max(shares)):
            yield c, Message("FL310.share", part=_quoted(doc, p), whole=_quoted(doc, t),
                             actual=_range(min(shares), max(shares), True),
                             stated=_quoted(doc, c))


def check_arithmetic_mismatch(ctx: Context) -> Iterator[Finding]:
    """A stated growth, difference, multiple or share that disagrees with its own figures.

    从120家增长到160家 is a rise of 33.3 %, not 25 %; 是…的3倍 must be the ratio of the
    two figures; 增长了2倍 is ×3 but 增长到2倍 is ×2; 翻一番 is ×2; 其中 30 家占比 25 % needs
    a whole of 120. Between two percentages, 提高5个百分点 and 提高25% are different
    claims, and the message says which one the figures support. Every figure is taken
    at its written precision (SPEC §3), so 33% for 120 → 160 holds.

    Bad:
        园区企业从120家增长到160家，增长25%<sup>1</sup>。

        <sup>1</sup> 来源：某局，《园区年报》

    Good:
        园区企业从120家增长到160家，增长33.3%<sup>1</sup>。

        <sup>1</sup> 来源：某局，《园区年报》
    """
    doc = ctx.doc
    for view in _sentences_with_figures(doc):
        if len(view.figures) < 2 or not _may(_MAY_GROW, view) \
                and not _may(_MAY_HOLD_PARTS, view):
            continue
        found = [*_growths(ctx, doc, view), *_multiples(ctx, doc, view),
                 *_shares_of_total(ctx, doc, view)]
        for figure, problem in found:
            yield ARITHMETIC.at(doc, figure.start, figure.end, problem)


# --- FL311 ---------------------------------------------------------------------------------


def _parts(ctx, doc, view: _Figures) -> Iterator[tuple[Figure, str]]:
    """W，其中 P1、P2 / W, including P1 and P2: the parts are the figures of W's unit after
    其中 up to the next 其中 or ；, leaving out changes (其中新增, 较上年增加)."""
    figures, gaps = view.figures, view.gaps
    for i in range(1, len(figures)):
        if not _of_which(gaps[i]):
            continue
        whole = figures[i - 1]
        limit = _interval(ctx, whole, view).high
        if whole.is_percent or not math.isfinite(limit):
            continue
        parts = []
        for j in range(i, len(figures)):
            if j > i and _PARTS_END.search(gaps[j]):
                break  # another 其中, a new clause run, or an aside: （约 1.2 亿）, 占总量的
            clause = _CLAUSE.split(gaps[j])[-1]
            if _same_kind(figures[j], whole) and not (_MAY_CHANGE.search(clause)
                                                      and _CHANGE.search(clause)):
                parts.append(figures[j])
        total = sum(_interval(ctx, p, view).low for p in parts)
        if not parts or total <= limit + EPSILON * max(1.0, abs(limit)):
            continue
        if len(parts) == 1:
            yield parts[0], Message("FL311.part", part=_quoted(doc, parts[0]),
                                    whole=_quoted(doc, whole))
        else:
            shown = " + ".join(_quoted(doc, p) for p in parts)
            yield parts[-1], Message("FL311.parts", parts=shown, total=_number(total),
                                     whole=_quoted(doc, whole))


def _share_groups(ctx, doc, view: _Figures) -> Iterator[tuple[Figure, str]]:
    """Shares of one whole in one sentence, grouped by the whole they name (占全国的…)."""
    groups: dict[str, list[Figure]] = {}
    for i, figure in enumerate(view.figures):
        if not figure.is_percent:
            continue
        clause = _SHARE_CLAUSE.split(view.gaps[i][-CLAUSE_WINDOW:])[-1]
        share = _SHARE.search(clause)
        if share is None:
            continue
        if _CHANGE.search(clause):
            return  # 占比从20%提高到25%: one share at two times, not two parts
        whole = (share["whole"] or share["whole_en"] or "").strip()
        groups.setdefault(whole.casefold(), []).append(figure)
    for shares in groups.values():
        low = sum(_interval(ctx, s, view).low for s in shares)
        if len(shares) >= 2 and low > 100 + EPSILON:
            shown = " + ".join(_quoted(doc, s) for s in shares)
            yield shares[-1], Message("FL311.shares", shares=shown, low=_number(low, True))


def check_parts_exceed_whole(ctx: Context) -> Iterator[Finding]:
    """Parts that exceed their stated whole, or shares of one whole above 100 %.

    After 其中 / including / of which, the parts (same unit, in the same clause run) cannot
    add up to more than the whole written just before. Shares of one whole (占比, 占…的,
    share of, accounts for) in one sentence cannot add up to more than 100 % once each is
    taken at the low end of its written precision (33.4% ≥ 33.35%). Shares of different
    wholes (占全国的, 占全省的) and of different times (占比从…提高到…) are not added.

    Bad:
        全省共有数据企业 120 家，其中国有企业 50 家、民营企业 80 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《企业名录》

    Good:
        全省共有数据企业 120 家，其中国有企业 50 家、民营企业 70 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《企业名录》
    """
    doc = ctx.doc
    for view in _sentences_with_figures(doc):
        if len(view.figures) < 2 or not _may(_MAY_HOLD_PARTS, view):
            continue
        for figure, problem in [*_parts(ctx, doc, view), *_share_groups(ctx, doc, view)]:
            yield PARTS.at(doc, figure.start, figure.end, problem)


# --- FL312 ---------------------------------------------------------------------------------


def check_impossible_figure_phrase(ctx: Context) -> Iterator[Finding]:
    """A decrease of more than the whole: 降低3倍, 减少200%, fell by 150%, 增长-5%.

    Something can fall by at most 100 %. "降低3倍" or "three times lower" usually means
    "to a third" (a fall of about 67 %), "减少200%" may mean "to a third" or "by two thirds",
    and "增长-5%" is a fall of 5 %. Write what the figures say.

    Bad:
        采用新工艺后，能耗降低3倍<sup>1</sup>。

        <sup>1</sup> 来源：某局，《节能报告》

    Good:
        采用新工艺后，能耗降低到原来的三分之一<sup>1</sup>。

        <sup>1</sup> 来源：某局，《节能报告》
    """
    doc = ctx.doc
    for view in _sentences_with_figures(doc):
        if not _may(_MAY_FALL, view):
            continue
        for i, figure in enumerate(view.figures):
            decrease = _DECREASE_BEFORE.search(view.gaps[i][-CLAUSE_WINDOW:])
            stated = _quoted(doc, figure)
            if _is_times(figure) and (_DECREASE_BY.search(view.gaps[i][-CLAUSE_WINDOW:])
                                      or _TIMES_AFTER.match(view.after(i))):
                fraction = 100 * (1 - 1 / figure.value) if figure.value > 1 else None
                usual = (Message("FL312.usual", fraction=format_number(figure.value),
                                 fall=_number(fraction, True)) if fraction is not None else "")
                yield IMPOSSIBLE.at(doc, figure.start, figure.end,
                                    Message("FL312.multiple-decrease", stated=stated,
                                            usual=usual))
            elif figure.is_percent and decrease and _interval(ctx, figure).low > 100:
                yield IMPOSSIBLE.at(
                    doc, figure.start, figure.end,
                    Message("FL312.over-100", stated=stated))
    for start, end, match in _negative_rises(doc):
        figure_text = re.sub(r"^[-−－]\s*", "", match["figure"])
        yield IMPOSSIBLE.at(
            doc, start, end,
            Message("FL312.negative-rise", stated=match.group().strip(), figure=figure_text))


def _negative_rises(doc: Document) -> Iterator[tuple[int, int, re.Match[str]]]:
    """增长-5%, rose by -5%: found from each minus sign in a sentence (a figure reader
    does not read the sign), so a brief pays only for the minus signs it has."""
    text = doc.text
    if "-" not in text and "−" not in text and "－" not in text:
        return  # no sign to start from: three scans at C speed, not one of the pattern
    starts = [s.start for s in doc.sentences]
    found = []
    for sign in _SIGNED_NUMBER.finditer(text):  # what _MINUS_RISE's figure starts with
        at = sign.start()
        index = bisect_right(starts, at) - 1
        sentence = doc.sentences[index] if index >= 0 else None
        if sentence is not None and at < sentence.end:
            low = max(sentence.start, at - CLAUSE_WINDOW)
            window = text[low:min(sentence.end, at + CLAUSE_WINDOW)]
            for match in _MINUS_RISE.finditer(window):
                if low + match.start("figure") == at:
                    found.append((sign.group(), at, low + match.end("figure"), match))
    for sign in "-−－":  # in the order of the signs, then of the text, as they always were
        yield from ((at, end, match) for written, at, end, match in found if written == sign)


INCONSISTENT = Rule("FL309", "inconsistent-figure", "warning", check_inconsistent_figure)
ARITHMETIC = Rule("FL310", "arithmetic-mismatch", "warning", check_arithmetic_mismatch)
PARTS = Rule("FL311", "parts-exceed-whole", "warning", check_parts_exceed_whole)
IMPOSSIBLE = Rule("FL312", "impossible-figure-phrase", "warning",
                  check_impossible_figure_phrase)

RULES = (INCONSISTENT, ARITHMETIC, PARTS, IMPOSSIBLE)
