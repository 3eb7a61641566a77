"""Figures: written numbers (Arabic, full-width, Chinese) with their qualifiers,
scales and units, and the interval of true values each one allows (SPEC §1, §3).

The words come from the rule packs' ``figures`` sections (rules/*.yaml); this module
compiles them once per `Lexicon` into a few alternation regexes, so `find_figures`
does one regex scan per paragraph plus a little work per candidate number.

Chinese numerals are read by the small reader below, not by cn2an (0.5.24): cn2an
adds a second dependency (``proces``), converts whole strings rather than telling
where a numeral ends in running text, and does not give the written precision (the
step of 二十 is 10) that 余/多 and rounding need; 十/二十三/一百零五/两/〇 and 万/亿
groups take sixty lines.
"""

# Annotations are evaluated here (no `from __future__ import annotations`): typing.NamedTuple
# compiles each field's annotation given as a string (typing.ForwardRef), ~0.14 M
# instructions a field at every start.

import math
import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, NamedTuple

from factlint.lazyre import lazy

__all__ = [
    "Figure",
    "Interval",
    "Lexicon",
    "QUALIFIER_KINDS",
    "builtin_lexicon",
    "find_figures",
    "interval_for",
    "load_lexicon",
    "normalise_unit",
    "parse_chinese_numeral",
    "parse_number",
    "split_unit",
]

QUALIFIER_KINDS = (
    "exact", "over", "at_least", "plus", "near", "about", "under", "at_most", "range",
)

# Positions a qualifier word can take in a pack entry.
_POSITIONS = ("before", "after_number", "after")

_FULLWIDTH = str.maketrans("０１２３４５６７８９，．％＋～", "0123456789,.%+~")

_CN_DIGITS = {
    "零": 0, "〇": 0, "○": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "兩": 2, "贰": 2,
    "三": 3, "叁": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
# Only the everyday characters take part in figures found in prose; the financial
# forms (壹贰叁…) are accepted by parse_number for data cells.
_CN_PROSE_CHARS = "零〇一二两兩三四五六七八九十百千万萬亿億"

# Spaces within a figure; a single line break too (a number wrapped over two lines).
_SP = r"[ \t\u00a0\u3000\n]"
_D = r"[0-9\uff10-\uff19]"
# Thousands groups: 1,159 / 3 700 / 3\u2009700 / 3\u202f700 (a space only before three digits).
_GROUP_SEP = r"[,\uff0c\u00a0\u202f\u2009 ]"
_NUM = rf"(?:{_D}{{1,3}}(?:{_GROUP_SEP}{_D}{{3}})+(?!{_D})|{_D}+)(?:[.\uff0e]{_D}+)?"
# A number must not continue as a version, date, time, code or glued word.
_NUM_END = rf"(?![0-9\uff10-\uff19_]|[.\uff0e]{_D}|[-/:]{_D})"

_SPACES = " \t\u00a0\u3000\n"  # _SP's
_LATIN = lazy(r"[A-Za-z]")
_GROUPED = lazy(r"[0-9\uff10-\uff19]{1,3}(?:[,\uff0c][0-9\uff10-\uff19]{3})+")


# --------------------------------------------------------------------------- results


class Figure(NamedTuple):
    """A quantity stated in the text, with what it means.

    ``start``/``end`` cover qualifier + number + scale + unit as written.
    ``value`` is the stated figure after scaling (the low end for ranges), in the
    unit ``unit`` (percent figures are in percent: 68% → 68, 七成 → 70).
    """

    start: int
    end: int
    text: str
    qualifier: str
    qualifier_text: str
    value: float
    high: float | None
    step: float
    decimals: int
    scale: float
    scale_text: str
    unit: str
    is_percent: bool
    numeral: str

    @property
    def unit_key(self) -> str:
        """The unit folded for comparison: lower case, English plural made singular."""
        return normalise_unit(self.unit)


class Interval(NamedTuple):
    low: float
    high: float
    low_closed: bool
    high_closed: bool

    def contains(self, v: float) -> bool:
        if math.isnan(v):
            return False
        if v < self.low or (v == self.low and not self.low_closed):
            return False
        if v > self.high or (v == self.high and not self.high_closed):
            return False
        return True

    def widened(self, by: float) -> "Interval":
        return Interval(self.low - by, self.high + by, self.low_closed, self.high_closed)

    def __str__(self) -> str:
        if self.low == self.high and self.low_closed and self.high_closed:
            return f"[{format_number(self.low)}]"
        left = "[" if self.low_closed and math.isfinite(self.low) else "("
        right = "]" if self.high_closed and math.isfinite(self.high) else ")"
        return f"{left}{format_number(self.low)}, {format_number(self.high)}{right}"


def format_number(v: float) -> str:
    """A number as an editor reads it: thousands separators, no float noise, ∞."""
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    if math.isnan(v):
        return "nan"
    if v == int(v) and abs(v) < 1e18:
        return f"{int(v):,}"
    text = f"{v:,.10f}".rstrip("0").rstrip(".")
    return text


# --------------------------------------------------------------------------- lexicon


@dataclass(eq=False, repr=False)
class Lexicon:
    """The compiled ``figures`` sections of one or more rule packs. Never changed once
    made (not frozen: a frozen dataclass's generated methods cost ~2 M instructions to
    compile at every start)."""

    qualifier_kinds: Mapping[str, str]        # written word (casefolded) -> kind, any position
    scales: Mapping[str, float]                # word as written (exact case) -> multiplier
    glued_scales: Mapping[str, float]          # written right after the digits: 5k, 70B, 2.7bn
    units: frozenset[str]                      # Chinese measure words / units
    durations: frozenset[str]                  # 年, 月, years…: a number before them is no figure
    percent_words: frozenset[str]              # %, ％, per cent, percent (casefolded)
    point_units: frozenset[str]                # 个百分点, percentage points: percent points
    word_units: bool                           # take the next Latin word as the unit
    candidates: re.Pattern[str] = field(repr=False)
    arabic: re.Pattern[str] = field(repr=False)
    arabic_paired: re.Pattern[str] = field(repr=False)
    arabic_single: re.Pattern[str] = field(repr=False)
    chinese: re.Pattern[str] = field(repr=False)
    before: re.Pattern[str] = field(repr=False)
    blocked_before: re.Pattern[str] = field(repr=False)
    # The last characters of the words ``before`` / ``blocked_before`` read backwards
    # (_ends_of): before a number and its spaces, any other character without a case
    # means that nothing they find is written there (nothing_before).
    before_ends: frozenset[str] | None = field(repr=False)
    blocked_ends: frozenset[str] | None = field(repr=False)
    vague_before: re.Pattern[str] | None = field(repr=False)
    excluded: re.Pattern[str] = field(repr=False)


def _words(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _entries(section: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = section.get(key) or []
    if isinstance(value, Mapping):
        return [value]
    return [v for v in value if isinstance(v, Mapping)]


def _is_latin_word(word: str) -> bool:
    return bool(_LATIN.search(word))


def _alternation(words: Iterable[str], *, latin_bounds: bool = True) -> str:
    """Longest-first alternation; Latin words get word boundaries and ignore case."""
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        if not word:
            continue
        escaped = re.escape(word).replace(r"\ ", rf"{_SP}+")
        if latin_bounds and _is_latin_word(word):
            head = r"(?<![A-Za-z])" if word[0].isalpha() else ""
            tail = r"(?![A-Za-z])" if word[-1].isalpha() else ""
            escaped = f"{head}(?i:{escaped}){tail}"
        parts.append(escaped)
    return "|".join(parts) if parts else r"(?!x)x"


def _first_of(classes: Sequence[str], words: Iterable[str]) -> str:
    """A lookahead for the characters a match can start with (``classes``: the insides of
    character classes, and the first characters of ``words``), put before an alternation
    to skip the other positions of a text at C speed: Python's re tries every branch at
    every position otherwise. '' when a word has a Latin letter (matched ignoring case,
    where Unicode folds more than two letters together) or starts with a space."""
    words = [w for w in words if w]
    if any(_is_latin_word(w) or w[0].isspace() for w in words):
        return ""
    return "(?=[" + "".join(classes) + re.escape("".join(sorted({w[0] for w in words}))) + "])"


def _ends_of(words: Iterable[str]) -> frozenset[str] | None:
    """The last characters of ``words`` (the first ones of a match reading them backwards),
    None when one is a space (nothing_before cannot tell then)."""
    ends = frozenset(word[-1] for word in words if word)
    return None if ends.intersection(_SPACES) else ends


def _reversed(words: Iterable[str], not_words: Sequence[str] = ()) -> str:
    """Alternation of `words` spelt backwards, for reading leftwards from a number.

    A word that is the tail of a longer word in `not_words` does not count there
    (签约 42 个 is not "about 42"); Latin words must start at a word boundary.
    """
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        if not word:
            continue
        back = re.escape(word[::-1]).replace(r"\ ", rf"{_SP}+")
        if _is_latin_word(word):
            back = f"(?i:{back})" + ("(?![A-Za-z])" if word[0].isalpha() else "")
        for longer in not_words:
            if longer.endswith(word) and len(longer) > len(word):
                back += f"(?!{re.escape(longer[: -len(word)][::-1])})"
        parts.append(back)
    return "|".join(parts) if parts else r"(?!x)x"


def _merged_figures(packs: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Collect the figures sections: lists concatenate, later packs add words."""
    merged: dict[str, Any] = {
        "qualifiers": [], "scales": [], "percent": [], "units": [], "durations": [],
        "currencies": [], "range_separators": [], "ordinal_before": [], "vague_before": [],
        "exclude": [], "word_unit_stopwords": [], "not_qualifiers": [], "not_ordinals": [],
        "word_units": False,
    }
    for pack in packs:
        section = pack.get("figures") if isinstance(pack, Mapping) else None
        if not isinstance(section, Mapping):
            continue
        for key in ("qualifiers", "scales", "units", "percent", "range_separators"):
            merged[key].extend(_entries(section, key))
        for key in ("durations", "currencies", "ordinal_before", "vague_before", "exclude",
                    "word_unit_stopwords", "not_qualifiers", "not_ordinals"):
            merged[key].extend(_words(section.get(key)))
        merged["word_units"] = merged["word_units"] or bool(section.get("word_units"))
    return merged


def load_lexicon(packs: Sequence[Mapping[str, Any]]) -> Lexicon:
    """Compile the ``figures`` sections of `packs` (e.g. the zh pack plus a user pack)."""
    if isinstance(packs, Mapping):
        packs = [packs]
    fig = _merged_figures(packs)

    qualifier_kinds: dict[str, str] = {}
    by_position: dict[str, dict[str, str]] = {p: {} for p in _POSITIONS}
    not_followed: dict[str, list[str]] = {}
    for entry in fig["qualifiers"]:
        kind = str(entry.get("kind", ""))
        if kind not in QUALIFIER_KINDS:
            raise ValueError(f"figures.qualifiers: unknown kind {kind!r}")
        for position in _POSITIONS:
            for word in _words(entry.get(position)):
                by_position[position][word] = kind
                qualifier_kinds[word.casefold()] = kind
                if position == "after":
                    not_followed.setdefault(word, []).extend(
                        _words(entry.get("not_followed_by")))

    scales: dict[str, float] = {}
    glued: dict[str, float] = {}
    for entry in fig["scales"]:
        value = float(entry["value"])
        for word in _words(entry.get("words")):
            scales[word] = value
        for word in _words(entry.get("glued")):
            glued[word] = value

    percent_after: list[str] = []
    percent_before: list[str] = []
    tenths: list[str] = []
    for entry in fig["percent"]:
        percent_after += _words(entry.get("after"))
        percent_before += _words(entry.get("before"))
        tenths += _words(entry.get("tenths"))

    units: set[str] = set()
    points: set[str] = set()
    noun_parts: list[str] = []       # N大 + noun: 十大特色产业链, not 五大于三
    for entry in fig["units"]:
        units.update(_words(entry.get("words")))
        points.update(_words(entry.get("points")))
        for word in _words(entry.get("before_noun")):
            units.add(word)
            guard = "".join(f"(?!{re.escape(n)})" for n in _words(entry.get("not_followed_by")))
            noun_parts.append(rf"{re.escape(word)}(?=[\u4e00-\u9fff]){guard}")
    noun_units = {w for e in fig["units"] for w in _words(e.get("before_noun"))}
    durations = set(fig["durations"])

    range_between: list[str] = []
    range_pairs: list[tuple[str, str]] = []
    for entry in fig["range_separators"]:
        range_between += _words(entry.get("between"))
        for pair in entry.get("pairs") or []:
            range_pairs.append((str(pair[0]), str(pair[1])))

    currencies = fig["currencies"]
    stopwords = [w.casefold() for w in fig["word_unit_stopwords"]]

    # -- the core pattern: [between|from] [currency] A [[scale] sep [currency] B] ...
    zh_scales = [w for w in scales if not _is_latin_word(w)]
    word_scales = [w for w in scales if _is_latin_word(w)]
    cur = _alternation(currencies)
    sep_plain = [s for s in range_between if not _is_latin_word(s)]
    sep_words = [s for s in range_between if _is_latin_word(s)]
    opener_words = [p[0] for p in range_pairs]
    sep_plain_re = _alternation(sep_plain)
    sep_word_re = _alternation(sep_words)
    pair_re = _alternation({p[1] for p in range_pairs})
    glued_re = _alternation(glued, latin_bounds=False)
    after_number = by_position["after_number"]
    after_number_re = _alternation(after_number, latin_bounds=False)
    unit_words = (units - noun_units) | durations | points
    zh_units = [u for u in unit_words if not _is_latin_word(u)]
    noun_re = "|".join(noun_parts) or r"(?!x)x"
    # 5千瓦 is 5 kW, not 5 thousand 瓦: a unit that starts with a scale word wins.
    scale_led = [u for u in zh_units if any(u.startswith(w) for w in scales)]
    not_unit = f"(?!{_alternation(scale_led)})" if scale_led else ""
    latin_units = [u for u in unit_words if _is_latin_word(u)]
    pct_symbols = [p for p in percent_after if not _is_latin_word(p)]
    pct_words = [p for p in percent_after if _is_latin_word(p)]
    after_parts = []
    for word in sorted(by_position["after"], key=len, reverse=True):
        guard = "".join(f"(?!{re.escape(n)})" for n in not_followed.get(word, []))
        after_parts.append(f"(?:{_alternation([word])}){guard}")
    after_re = "|".join(after_parts) or r"(?!x)x"
    stop_re = _alternation(stopwords) if stopwords else r"(?!x)x"
    word_unit_re = (
        rf"|{_SP}++(?P<wunit>(?!(?:{stop_re}|{_alternation(pct_words)})(?![A-Za-z]))"
        rf"(?![A-Za-z]+ly(?![A-Za-z]))[A-Za-z][A-Za-z'’\-]*)"
        if fig["word_units"] else ""
    )
    cn_chars = _CN_PROSE_CHARS
    cn_sep = _alternation([s for s in sep_plain if s not in ("-",)])
    letters_guard = rf"(?!(?!(?:{glued_re})(?![A-Za-z0-9]))[A-Za-z])"

    def arabic(paired: bool, single: bool = False) -> re.Pattern[str]:
        # A [[scale] sep B] [余] [scale] [余] [% | unit] [以上]; starts at the digits.
        # Spaces are read possessively (++, *+, ?+): what follows them never starts with a
        # space, and giving spaces back would try every unit word at every space (slow).
        sep = (rf"{_SP}++(?:{pair_re}){_SP}++" if paired else
               rf"{_SP}*+(?:{sep_plain_re}){_SP}*+|{_SP}++(?:{sep_word_re}){_SP}++")
        if single:
            sep = r"(?!x)x"  # no range: "fell by 23% to 380,000" is two figures
        return lazy(
            rf"(?<![0-9A-Za-z\uff10-\uff19_.\uff0e,/\\:#@-])(?P<a>{_NUM})"
            rf"(?:(?:{_SP}?+{not_unit}(?P<ascale>{_alternation(zh_scales)}))?"
            rf"(?:{_SP}?+(?P<apct>{_alternation(pct_symbols)}))?"
            rf"(?P<sep>{sep})(?:{cur})?{_SP}?+(?P<b>{_NUM}))?"
            rf"{_NUM_END}{letters_guard}"
            rf"(?P<plus1>{after_number_re})?"
            rf"(?:(?P<gscale>{glued_re})(?![A-Za-z0-9])"
            rf"|{_SP}?+{not_unit}(?P<scale>{_alternation(zh_scales)})"
            rf"|{_SP}++(?P<wscale>{_alternation(word_scales)}))?"
            rf"(?P<plus2>{after_number_re})?"
            rf"(?:{_SP}?+(?P<pct>{_alternation(pct_symbols)})"
            rf"|{_SP}++(?P<pctw>{_alternation(pct_words)})"
            rf"|{_SP}?+(?P<unit>{_alternation(zh_units)}|{noun_re})"
            rf"|{_SP}++(?P<lunit>{_alternation(latin_units)})"
            rf"{word_unit_re})?"
            rf"(?:{_SP}?+(?P<qa>{after_re}))?"
        )

    chinese = lazy(
        rf"(?<![{cn_chars}0-9\uff10-\uff19])"
        rf"(?:(?P<cpct>{_alternation(percent_before)})(?P<cpn>[{cn_chars}]+)"
        rf"|(?P<cn>[{cn_chars}]+)(?:(?:{cn_sep})(?P<cn2>[{cn_chars}]+))?"
        rf"(?P<cplus>{after_number_re})?"
        rf"(?P<cunit>{_alternation(tenths)}|{_alternation(zh_units)}|{noun_re})"
        rf"(?P<chalf>(?<=成)[一二三四五六七八九](?![十百千万萬亿億成]))?)"
        rf"(?P<cqa>{after_re})?"
    )
    # Where a figure can start: a digit run, a Chinese-numeral run, 百分之.
    # A Chinese-numeral run is a candidate only when a unit (or 余/至…) can follow it: most
    # 一 and 二 in prose (统一, 之一, 一体化) are then skipped at C speed. A run is tried
    # from its first character only (`chinese` cannot start inside one either): tried from
    # each, a long run of numerals would cost quadratic time.
    candidates = lazy(
        _first_of([_D[1:-1], cn_chars], percent_before)
        + rf"(?:{_D}+|(?:{_alternation(percent_before)})"
        rf"|(?<![{cn_chars}])[{cn_chars}]+(?=(?:{cn_sep})[{cn_chars}]|(?:{after_number_re})?"
        rf"(?:{_alternation(tenths)}|{_alternation(zh_units)}|{noun_re})))"
    )

    # Words written before the number are read backwards from it, on the reversed
    # text: one anchored match, longest word first (不超过 before 超过).
    exact_words = [w for w, k in by_position["before"].items() if k == "exact"]
    other_words = [w for w, k in by_position["before"].items() if k != "exact"]
    not_q = fig["not_qualifiers"]
    before = lazy(
        rf"(?:{_SP}?(?P<cur>{_reversed(currencies)}))?"
        rf"(?:{_SP}+(?P<opener>{_reversed(opener_words)}))?"
        rf"(?:{_SP}*(?:了{_SP}*)?(?P<qb>{_reversed(other_words, not_q)}))?"  # not \s*了?\s*
        rf"(?:{_SP}*(?:了{_SP}*)?(?P<qx>{_reversed(exact_words, not_q)}))?"
    )
    vague = fig["vague_before"]
    # Latin words that point back (these 20 categories) block a number as labels do; the
    # Chinese ones (这, 数) are read only before Chinese numerals (_chinese_figure).
    blocked_words = fig["ordinal_before"] + [w for w in vague if _is_latin_word(w)]
    blocked_before = lazy(
        # *+: no word starts with a space, so giving spaces back never helps
        rf"{_SP}*+(?:{_reversed(blocked_words, fig['not_ordinals'])})")
    vague_before = lazy(_reversed(vague)) if vague else None
    excluded = lazy(
        _first_of([re.escape("《〈〔[［【(（")], fig["exclude"])
        + r"(?:《[^《》\n]{0,200}》|〈[^〈〉\n]{0,200}〉"
        r"|[〔\[［【(（]\s*\d{4}\s*[〕\]］】)）]\s*(?:第\s*)?\d+\s*号"  # one \s* before a digit
        + (f"|{_alternation(fig['exclude'])}" if fig["exclude"] else "") + ")"
    )
    return Lexicon(
        qualifier_kinds=qualifier_kinds,
        scales={**scales, **glued},
        glued_scales=glued,
        units=frozenset(units),
        durations=frozenset(d.casefold() for d in durations),
        percent_words=frozenset(p.casefold() for p in percent_after),
        point_units=frozenset(p.casefold() for p in points),
        word_units=bool(fig["word_units"]),
        candidates=candidates,
        arabic=arabic(False),
        arabic_paired=arabic(True),
        arabic_single=arabic(False, single=True),
        chinese=chinese,
        before=before,
        blocked_before=blocked_before,
        before_ends=_ends_of([*currencies, *opener_words, *by_position["before"], "了"]),
        blocked_ends=_ends_of(blocked_words),
        vague_before=vague_before,
        excluded=excluded,
    )


@cache
def builtin_lexicon(language: str, traditional: bool = False) -> Lexicon:
    """The lexicon of the built-in pack rules/<language>.yaml (cached); ``traditional``:
    its words in Traditional Chinese too."""
    from factlint.rulepack import builtin_pack_data

    return load_lexicon([builtin_pack_data(language, traditional)])


# --------------------------------------------------------------------------- numerals


def parse_chinese_numeral(text: str) -> tuple[float, float] | None:
    """Read 十, 二十三, 一百零五, 两万, 三千万, 一亿三千万, 二〇二五 → (value, step).

    ``step`` is one unit of the last non-zero digit (二十 → 10, 一百零五 → 1).
    Returns None for text that is not a well-formed numeral.
    """
    if not text:
        return None
    if all(ch in _CN_DIGITS for ch in text):
        if len(text) == 1:
            return float(_CN_DIGITS[text]), 1.0
        if not any(ch in "〇○零" for ch in text):
            return None        # 三五家 is "three to five", not 35
        digits = "".join(str(_CN_DIGITS[ch]) for ch in text)
        return float(digits), 1.0
    total = 0       # finished 亿 groups
    wan = 0         # finished 万 group under the current 亿
    section = 0     # below 万
    num = None
    place = 1.0
    last_small = 10**5
    last_big = 10**9
    for ch in text:
        if ch in _CN_DIGITS:
            if num is not None and num != 0 and _CN_DIGITS[ch] != 0:
                return None     # two digits in a row: 三五
            num = _CN_DIGITS[ch]
            if num:
                place = 1.0
        elif ch in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[ch]
            if unit >= last_small:
                return None
            if num == 0:
                return None
            section += (1 if num is None else num) * unit
            place = float(unit)
            num = None
            last_small = unit
        elif ch in _CN_BIG_UNITS:
            unit = _CN_BIG_UNITS[ch]
            group = section + (num or 0)
            if unit == 10**4:
                if group == 0 and wan == 0 and total == 0:
                    group = 1 if num is None and section == 0 else group
                if last_big == 10**4 or group == 0:
                    return None
                wan = group
                last_big = unit
            else:
                value = total + wan * 10**4 + group
                if value == 0:
                    value = 1
                total = value * 10**8
                wan = 0
                last_big = unit
            place *= unit
            section = 0
            num = None
            last_small = 10**5
        else:
            return None
    return float(total + wan * 10**4 + section + (num or 0)), place


def _arabic_value(raw: str) -> tuple[float, float, int, bool]:
    """Digits as written → (value, step of last non-zero digit, decimals, full-width?)."""
    fullwidth = any("\uff10" <= ch <= "\uff19" for ch in raw)
    plain = raw.translate(_FULLWIDTH)
    if not plain.isdigit():
        plain = re.sub(r"[,\u00a0\u202f\u2009 ]", "", plain)
    whole, _, frac = plain.partition(".")
    value = float(plain)
    digits = (whole + frac).rstrip("0")
    if not digits.strip("0"):
        step = 10.0 ** -len(frac) if frac else 1.0
    else:
        trailing = len(whole + frac) - len(digits)
        step = 10.0 ** (trailing - len(frac))
    return value, step, len(frac), fullwidth


_CELL_SCALES = {
    "万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "十亿": 1e9, "亿": 1e8, "億": 1e8,
    "千万": 1e7, "百万": 1e6, "十万": 1e5, "万": 1e4, "萬": 1e4, "千": 1e3,
    "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "bn": 1e9, "b": 1e9, "bln": 1e9, "tn": 1e12,
}
_CELL = lazy(
    # Each optional part carries the spaces before it: two `\s*` side by side would make
    # "1" + 600 spaces + "x" take quadratic time to fail.
    r"(?P<sign>[-+−]?)\s*(?:(?:US\$|HK\$|[$£€¥])\s*)?"
    r"(?P<num>(?:\d{1,3}(?:[,\u00a0\u202f\u2009 ]\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
    r"(?:[eE](?P<exp>[-+]?\d{1,3}))?"
    r"(?:\s*(?P<scale>万亿|千亿|百亿|十亿|亿|億|千万|百万|十万|万|萬|千|"
    r"(?i:thousand|million|billion|trillion|mn|mln|bn|bln|tn|k|m|b)))?"
    r"(?:\s*(?P<pct>%|‰|(?i:per\s*cent|percent|pct))|\s*)"
)
_CELL_CN = lazy(
    r"(?P<pctpre>百分之)?(?P<cn>[零〇○一壹二两兩贰三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬亿億]+)"
    r"(?P<tenths>成)?"
)


def parse_number(text: str) -> float | None:
    """A data-file cell or fact value → float: "1,159", "68%", "１１５９", "3.5万",
    "十二", "七成" (70), "百分之六十八" (68). None when it is not a number."""
    if not isinstance(text, str):
        if isinstance(text, bool) or not isinstance(text, (int, float)):
            return None
        try:
            value = float(text)
        except OverflowError:  # an integer beyond any float
            return None
        return value if math.isfinite(value) else None
    cell = unicodedata.normalize("NFKC", text).strip()
    if not cell:
        return None
    match = _CELL.fullmatch(cell)
    if match:
        value = float(re.sub(r"[,\u00a0\u202f\u2009 ]", "", match["num"]))
        if match["exp"]:
            try:
                value *= 10.0 ** int(match["exp"])
            except OverflowError:  # 1e999: no finite number
                return None
        if match["scale"]:
            value *= _CELL_SCALES[match["scale"].lower()]
        if match["sign"] in ("-", "−"):
            value = -value
        if match["pct"] == "‰":
            value /= 10
        return value if math.isfinite(value) else None
    match = _CELL_CN.fullmatch(cell)
    if match:
        read = parse_chinese_numeral(match["cn"])
        if read is None:
            return None
        value = read[0]
        if match["tenths"]:
            if match["pctpre"]:
                return None
            value *= 10
        return value
    return None


def normalise_unit(unit: str) -> str:
    """Fold a unit for comparison: NFKC, lower case, simple English plurals singular."""
    folded = unicodedata.normalize("NFKC", unit).strip().casefold()
    if folded in ("per cent", "percent", "pct"):
        return "%"
    if _LATIN.search(folded) and len(folded) > 3 and not folded.endswith("ss"):
        if folded.endswith("ies"):
            return folded[:-3] + "y"
        if folded.endswith(("ches", "shes", "xes", "sses")):
            return folded[:-2]
        if folded.endswith("s"):
            return folded[:-1]
    return folded


def split_unit(unit: str, lexicon: Lexicon) -> tuple[float, str]:
    """A fact file's unit → (scale, unit): "亿元" → (1e8, "元"), "%" → (1, "%"),
    "million people" → (1e6, "people"), "成" → (10, "%")."""
    text = unicodedata.normalize("NFKC", unit or "").strip()
    if not text:
        return 1.0, ""
    if text.casefold() in lexicon.percent_words or text in ("%", "％"):
        return 1.0, "%"
    if text == "成":
        return 10.0, "%"
    if text in lexicon.units or text.casefold() in lexicon.point_units:
        return 1.0, text                              # 千瓦, 千克: units, not 千 + 瓦
    for word in sorted(lexicon.scales, key=len, reverse=True):
        if _is_latin_word(word):
            match = re.match(rf"(?i:{re.escape(word)})(?![A-Za-z])\s*", text)
            if match and (len(word) > 1 or match.end() < len(text)):
                rest = text[match.end():]
                return (lexicon.scales[word],
                        "%" if rest.casefold() in lexicon.percent_words else rest)
        elif text.startswith(word) and (len(text) > len(word) or word not in lexicon.units):
            rest = text[len(word):].strip()
            return lexicon.scales[word], "%" if rest.casefold() in lexicon.percent_words else rest
    return 1.0, text


# --------------------------------------------------------------------------- finding


def _excluded_spans(text: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    return [m.span() for m in lexicon.excluded.finditer(text)]


def _overlaps(spans: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Does [start, end) overlap one of ``spans`` (sorted, disjoint, with their ``starts``)?"""
    index = bisect_left(starts, end) - 1
    return index >= 0 and spans[index][1] > start


def _is_year(raw: str) -> bool:
    return len(raw) == 4 and raw.isdigit() and 1800 <= int(raw) <= 2100


_BACK_WINDOW = 40


def find_figures(text: str, lexicon: Lexicon) -> list[Figure]:
    """Every figure stated in `text`, in order, as non-overlapping spans."""
    figures: list[Figure] = []
    spans: list[tuple[int, int]] | None = None
    consumed = 0
    for candidate in lexicon.candidates.finditer(text):
        pos = candidate.start()
        if pos < consumed:
            continue
        if text[pos] in _CN_PROSE_CHARS:
            match = lexicon.chinese.match(text, pos)
            if match is None:
                continue
            consumed = match.end()
            figure = _chinese_figure(text, match, lexicon)
        else:
            match = lexicon.arabic.match(text, pos)
            if match is None:
                continue
            consumed = match.end()
            if _quick_reject(match, lexicon):
                continue
            back = _Before.read(text, pos, lexicon)
            if back.opener:
                paired = lexicon.arabic_paired.match(text, pos)
                if paired is not None and paired["b"] is not None:
                    match = paired
                    consumed = match.end()
                else:
                    back = back.without_opener(text, pos, lexicon)
            figure = _arabic_figure(text, match, back, lexicon)
            if figure is None and match["b"] is not None:
                single = lexicon.arabic_single.match(text, pos)
                if single is not None:
                    consumed = single.end()
                    figure = _arabic_figure(text, single, back, lexicon)
        if figure is None or not _is_quantity(text, figure):
            continue
        if spans is None:
            spans = _excluded_spans(text, lexicon)
            starts = [s for s, _ in spans]
        if spans and _overlaps(spans, starts, figure.start, figure.end):
            continue
        if figures and figure.start < figures[-1].end:
            continue
        figures.append(figure)
    return figures


_FORMULA = frozenset("×*=^÷")
_FOOTNOTE_NUMBER = lazy(r"[0-9]+  +[a-z]")  # Center 1  reports: a PDF's footnote number
_CURRENCY_UNITS = frozenset("$ £ € ¥ ￥ US$ HK$ A$ C$ USD GBP EUR CNY RMB".split())
# (?<![A-Za-z]): a run of letters is read from its start only (from each: quadratic)
_VERSION_BEFORE = lazy(
    r"(?:\b[A-Z][A-Za-z0-9-]*+|\b[a-z]|(?<![A-Za-z])[A-Za-z]+[0-9])[ \t]+$")


def _is_quantity(text: str, figure: Figure) -> bool:
    """Numbers that read as figures but are not: versions (IBM i 7.2, BY 4.0), a spec
    range from 0 or 1 (1 - 10 characters), a year with 左右, an age in parentheses
    (（5岁男孩家长）), geometry (45 度线) and formulas (1 × 1), a PDF footnote number
    left in the text (Center 1  reports), a version such as 2+deb7u3, a count of one in
    digits (1个嵌入向量, 1 vector: an article, as 一个 is)."""
    after = text[figure.end : figure.end + 3]
    before = text[max(0, figure.start - 24) : figure.start]
    plain = not (figure.scale_text or figure.is_percent or figure.unit in _CURRENCY_UNITS)
    if figure.numeral != "chinese":
        if plain and figure.decimals and _VERSION_BEFORE.search(before):
            return False
        if (plain and figure.qualifier == "range" and figure.value in (0, 1)
                and figure.high is not None and figure.high <= 100):
            return False
        if plain and 1800 <= figure.value <= 2100 and figure.value == int(figure.value) \
                and not figure.unit and not figure.decimals and "," not in figure.text:
            return False
        if after[:1].isalpha() and figure.text.endswith("+"):
            return False
        if (plain and figure.qualifier == "exact" and figure.value == 1 and figure.unit
                and figure.high is None and not figure.decimals):
            return False
        if (plain and figure.qualifier == "exact" and figure.value < 100
                and _FOOTNOTE_NUMBER.match(text, figure.start, figure.end + 3)):
            return False
    stripped_after = after.lstrip(" \t")
    stripped_before = before.rstrip(" \t")
    if stripped_after[:1] in _FORMULA or stripped_before[-1:] in _FORMULA:
        return False
    if figure.unit in ("度",) and after[:1] in ("线", "線", "角"):
        return False
    if figure.unit in ("岁", "歲"):
        opened = max(before.rfind("（"), before.rfind("("))
        if opened > max(before.rfind("）"), before.rfind(")")):
            return False
    return True


@dataclass(eq=False, repr=False)
class _Before:
    """What is written just before a number: qualifier, range opener, currency."""

    start: int
    kind: str = "exact"
    word: str = ""
    opener: str = ""
    currency: str = ""
    cur_start: int = -1

    @classmethod
    def read(cls, text: str, pos: int, lexicon: Lexicon, *, openers: bool = True) -> "_Before":
        if nothing_before(text, pos, lexicon.before_ends):
            return cls(pos)  # what the pattern finds there, without reading the window
        window = text[max(0, pos - _BACK_WINDOW):pos][::-1]
        m = lexicon.before.match(window)
        if m is None or not m.end():
            return cls(pos)
        if m["opener"] and not openers:
            # "from 10 firms" is no range: the opener and what precedes it are not
            # part of the figure.
            return cls._plain(pos, m)
        back = cls(pos - m.end())
        if m["cur"]:
            back.currency = m["cur"][::-1]
            back.cur_start = pos - m.end("cur")
        if m["opener"]:
            back.opener = m["opener"][::-1]
        if m["qb"]:
            back.word = m["qb"][::-1]
            back.kind = lexicon.qualifier_kinds[back.word.casefold()]
        elif m["qx"]:
            back.word = m["qx"][::-1]
        return back

    @classmethod
    def _plain(cls, pos: int, m: re.Match[str]) -> "_Before":
        if not m["cur"]:
            return cls(pos)
        return cls(pos - m.end("cur"), currency=m["cur"][::-1], cur_start=pos - m.end("cur"))

    def without_opener(self, text: str, pos: int, lexicon: Lexicon) -> "_Before":
        return _Before.read(text, pos, lexicon, openers=False)


def nothing_before(text: str, at: int, ends: frozenset[str] | None) -> bool:
    """Is no word of a pattern that reads words (and spaces before them) backwards from
    ``at`` written there: the character before ``at`` and its spaces is none of the words'
    ``ends`` and has no case (Latin words match ignoring case)? Decided here, a number
    spares the pattern's match (most numbers follow a word no pattern knows)."""
    if ends is None:
        return False
    while at and text[at - 1] in _SPACES:
        at -= 1
    if not at:
        return True
    char = text[at - 1]
    return char not in ends and char.lower() == char == char.upper()


def _blocked(text: str, start: int, lexicon: Lexicon) -> bool:
    if nothing_before(text, start, lexicon.blocked_ends):
        return False
    window = text[max(0, start - 16):start][::-1]
    return lexicon.blocked_before.match(window) is not None


def _quick_reject(m: re.Match[str], lexicon: Lexicon) -> bool:
    """Numbers that are never figures, whatever is written before them."""
    raw = m["a"]
    if len(raw) > 1 and raw[0] in "0０" and raw[1] not in ".．":
        return True                                   # 0771-…, 007: codes
    if len(raw) > 9 and raw.isdigit():
        return True                                   # phone numbers, IDs
    unit = m["unit"] or m["lunit"] or m.groupdict().get("wunit")
    return bool(unit) and unit.casefold() in lexicon.durations   # 2025年, 3月, 5 years


_LINE_LEAD = frozenset(" \t\u3000#>*|-")


def _section_number(text: str, m: re.Match[str], unit_text: str) -> bool:
    """``6.1 项目类型`` or ``2 Government`` at the start of a line: a heading's number."""
    if m["b"] is not None or m["plus1"] or m["plus2"] or m["qa"] or m["pct"] or m["pctw"]:
        return False
    if m["gscale"] or m["scale"] or m["wscale"]:
        return False
    i = m.start() - 1
    while i >= 0 and text[i] != "\n":
        if text[i] not in _LINE_LEAD:
            return False
        i -= 1
    after = text[m.end("a"):m.end("a") + 1]
    if after not in (" ", "\t", "\u3000"):
        return False
    return "." in m["a"] or "．" in m["a"] or unit_text[:1].isupper()


def _arabic_figure(
    text: str, m: re.Match[str], back: _Before, lexicon: Lexicon
) -> Figure | None:
    raw_a = m["a"]
    plain_a = raw_a.translate(_FULLWIDTH)
    unit_text = m["unit"] or m["lunit"] or m.groupdict().get("wunit") or ""
    number_start = back.cur_start if back.currency else m.start()
    if _blocked(text, number_start, lexicon):
        return None
    if back.start == m.start() and _section_number(text, m, unit_text):
        return None

    kind, q_word = back.kind, back.word
    plus = m["plus1"] or m["plus2"]
    if plus:
        kind, q_word = lexicon.qualifier_kinds[plus.casefold()], plus
    if m["qa"]:
        kind, q_word = lexicon.qualifier_kinds[m["qa"].casefold()], m["qa"]
    if m["b"] is not None:
        kind = "range"
        q_word = back.opener or m["sep"].strip(" \t\u00a0\u3000")

    scale_text = m["gscale"] or m["scale"] or m["wscale"] or ""
    scale = 1.0
    if scale_text:
        scale = lexicon.scales.get(scale_text) or lexicon.scales.get(scale_text.lower(), 1.0)
    is_percent = bool(m["pct"] or m["pctw"])
    if m["apct"] and not is_percent:
        return None                                   # 10%-20 家: not one figure
    currency = back.currency
    unit = "%" if is_percent else currency or unit_text
    if not (scale_text or unit) and kind in ("exact", "range") and not (
            lexicon.word_units and _GROUPED.fullmatch(raw_a)):
        return None                                   # a bare number is no figure (380,000 is)
    if (_is_year(plain_a) and not (scale_text or is_percent or currency)
            and (not unit or _is_latin_word(unit)) and kind in ("exact", "range")):
        return None                                   # in 2024, 2015–16
    value, step, decimals, fullwidth = _arabic_value(raw_a)

    high = None
    a_scale = scale
    if m["b"] is not None:
        b_value, _, _, b_full = _arabic_value(m["b"])
        if m["ascale"]:
            a_scale = lexicon.scales[m["ascale"]]
        high = b_value * scale
        fullwidth = fullwidth or b_full
        if _is_year(plain_a) and not (scale_text or is_percent or currency):
            return None
        if high < value * a_scale:
            return None                               # 10-5: not a range (a code or a date)
    start = back.start
    end = m.end()
    return Figure(
        start=start,
        end=end,
        text=text[start:end],
        qualifier=kind,
        qualifier_text=q_word,
        value=_clean(value * a_scale),
        high=None if high is None else _clean(high),
        step=_clean(step * a_scale),
        decimals=decimals,
        scale=a_scale,
        scale_text=m["ascale"] or scale_text,
        unit=unit,
        is_percent=is_percent,
        numeral="fullwidth" if fullwidth else "arabic",
    )


def _chinese_figure(text: str, m: re.Match[str], lexicon: Lexicon) -> Figure | None:
    start = m.start()
    end = m.end()
    if m["cpct"]:
        read = parse_chinese_numeral(m["cpn"])
        if read is None:
            return None
        value, step = read
        unit, is_percent, scale, scale_text = "%", True, 1.0, ""
        numeral_text = m["cpn"]
    else:
        numeral_text = m["cn"]
        read = parse_chinese_numeral(numeral_text)
        if read is None or numeral_text[0] in "百千万萬亿億":
            return None                                # 百家争鸣, 千家万户, 千万元计: not counts
        value, step = read
        unit = m["cunit"]
        if unit.casefold() in lexicon.durations:
            return None
        if value == 1 and unit not in ("成",):
            return None                                # 一个, 一种, 一批: an article
        if value == 0:
            return None                                # 零部件: a word, not zero parts
        if lexicon.vague_before and lexicon.vague_before.match(text[max(0, start - 4):start][::-1]):
            return None                                # 数十家, 几百个
        scale, scale_text, is_percent = 1.0, "", False
        for big in ("万亿", "亿", "億", "万", "萬"):
            if numeral_text.endswith(big) and len(numeral_text) > len(big):
                scale, scale_text = (
                    float(lexicon.scales.get(big, _CN_BIG_UNITS.get(big, 1e12))), big)
                break
        if unit == "成":
            scale, scale_text, unit, is_percent = 10.0, "成", "%", True
            value *= 10
            step *= 10
            if m["chalf"]:  # 三成五 = 35 %
                value += _CN_DIGITS[m["chalf"]]
                step = 1.0
    if _blocked(text, start, lexicon):
        return None
    back = _Before.read(text, start, lexicon, openers=False)
    if back.currency:
        back = _Before(start)
    q_start, kind, q_word = back.start, back.kind, back.word
    if m["cplus"]:
        kind, q_word = lexicon.qualifier_kinds[m["cplus"].casefold()], m["cplus"]
    if m["cqa"]:
        kind, q_word = lexicon.qualifier_kinds[m["cqa"].casefold()], m["cqa"]
    high = None
    if m["cn2"]:
        read2 = parse_chinese_numeral(m["cn2"])
        if read2 is None:
            return None
        high = read2[0] * (10 if scale_text == "成" else 1)
        if high < value:
            return None
        kind = "range"
        q_word = text[m.end("cn"):m.start("cn2")]
    return Figure(
        start=q_start,
        end=end,
        text=text[q_start:end],
        qualifier=kind,
        qualifier_text=q_word,
        value=value,
        high=high,
        step=step,
        decimals=0,
        scale=scale,
        scale_text=scale_text,
        unit=unit,
        is_percent=is_percent,
        numeral="chinese",
    )


# --------------------------------------------------------------------------- intervals


def _clean(x: float) -> float:
    """Drop binary noise from scaled decimals (2.7 × 1e9, 0.9 × 70) so that bounds
    compare equal to the same number read from a data file."""
    if not math.isfinite(x) or x == 0:
        return x
    if type(x) is float and x.is_integer() and abs(x) < 1e12:
        return x  # twelve digits or fewer: %.12g gives it back as it is
    return float(f"{x:.12g}")


def _half_precision(figure: Figure) -> float:
    """Half a unit of the last written digit, for figures written to a precision."""
    if figure.scale != 1 or figure.is_percent or figure.decimals:
        return figure.scale / (2 * 10**figure.decimals)
    return 0.0


def interval_for(
    figure: Figure,
    near_ratio: float = 0.9,
    about_ratio: float = 0.05,
    tolerance: float | None = None,
) -> Interval:
    """The true values for which `figure` holds (SPEC §3)."""
    s = figure.value
    kind = figure.qualifier
    inf = math.inf
    if kind == "range":
        interval = Interval(s, figure.high if figure.high is not None else s, True, True)
    elif kind == "over":
        interval = Interval(s, inf, False, False)
    elif kind == "at_least":
        interval = Interval(s, inf, True, False)
    elif kind == "plus":
        interval = Interval(s, s + figure.step, False, False)
    elif kind == "near":
        interval = Interval(near_ratio * s, s, True, False)
    elif kind == "about":
        spread = abs(about_ratio * s)
        half = _half_precision(figure)
        if half > spread:
            interval = Interval(s - half, s + half, True, False)
        else:
            interval = Interval(s - spread, s + spread, True, True)
    elif kind == "under":
        interval = Interval(-inf, s, False, False)
    elif kind == "at_most":
        interval = Interval(-inf, s, False, True)
    else:
        half = _half_precision(figure)
        interval = Interval(s - half, s + half, True, half == 0)
    if tolerance:
        interval = interval.widened(abs(tolerance))
    return Interval(_clean(interval.low), _clean(interval.high),
                    interval.low_closed, interval.high_closed)
