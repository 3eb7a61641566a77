"""Wordings of a figure that would hold for its true value (FL301's suggestions).

Given a figure as the brief writes it (``超120家``) and the true value (118), propose at
most three wordings, in this order:

1. **the same number, another qualifier**: more than the number → 超/more than, a little
   under it (within the ``near`` band) → 近/nearly, equal → the bare number: ``近120家``;
2. **the true value itself** in the figure's unit and scale, at the written precision or
   finer (``118家``, ``9.6亿元``, ``72%``): the one exact edit, which ``factlint fix
   --figures`` may apply;
3. **a round number with the writer's own qualifier**, on the figure's written step:
   over/at least/余 round down (``超110家``, ``over 1,000``), under round up, 约 and a
   bare figure with a written precision round to nearest (``约19%``, ``70%``), 近 rounds up
   only when the number as written cannot be kept.

A wording keeps the writer's notation: the qualifier word the writer used when its kind
stays, Chinese numerals (``七成``, ``九大``), the 万/亿 scale, thousands separators,
full-width digits, the spaces and unit words around the number. The exact-value verbs
before a figure (达, 累计, reached) are kept by the exact edit and left out of the shown
wordings.

Every wording is checked before it is offered: it is read back with the brief's own
figure reader (`find_figures`) in the figure's context and must give one figure over
exactly its text whose interval (`interval_for`, SPEC §3, with the same ratios and the
claim's tolerance) holds the true value. A candidate that does not read back so is
dropped, never shown.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from factlint.numbers import Figure, Lexicon, find_figures, interval_for

__all__ = ["Wording", "chinese_numeral", "in_unit", "wordings"]

LIMIT = 3

# The word a new qualifier kind is written with, when the writer's figure had another kind.
# Only words that read the same in Simplified and Traditional Chinese.
_NEW_WORDS = {
    "zh": {"over": "超", "near": "近"},
    "en": {"over": "more than", "near": "nearly"},
}

_ARABIC_NUMBER = re.compile(
    r"[0-9\uff10-\uff19](?:[0-9\uff10-\uff19]|[,\uff0c\u00a0\u202f\u2009 ](?=[0-9\uff10-\uff19]{3})"
    r"|[.\uff0e](?=[0-9\uff10-\uff19]))*")
_CN_CHARS = "零〇一二两兩三四五六七八九十百千万萬亿億"
_CHINESE_NUMBER = re.compile(rf"(?<=百分之)[{_CN_CHARS}]+|(?!百分之)[{_CN_CHARS}]+")
# (?<!…): a run of numerals is tried from its start only (from each: quadratic)
_TENTHS = re.compile(
    rf"(?<![{_CN_CHARS}])[{_CN_CHARS}]+成(?:[一二三四五六七八九](?![{_CN_CHARS}成]))?")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_SEPARATORS = ",\uff0c\u00a0\u202f\u2009 "
_OPENERS = re.compile(r"(?i)(?:between|from)\s+$")
_CONTEXT = 40  # characters of the figure's text read before it, as the figure reader does


@dataclass(frozen=True)
class Wording:
    """One way to write the figure that holds for the true value."""

    text: str         # as it would be written in the brief: 近120家
    kind: str         # its qualifier kind (numbers.QUALIFIER_KINDS)
    exact: bool       # the true value itself, in the figure's unit: an exact edit
    replacement: str  # what replaces the figure's whole span (keeps a leading 达/累计)


@dataclass(frozen=True)
class _Parts:
    """The figure's text cut around its number: lead + before + number + after."""

    lead: str      # exact-value words before the qualifier: 达, 累计, reached
    before: str    # the qualifier's place before the number, with currency: 超, over $
    number: str    # the number as written: 1,100, 七, １１５９
    after: str     # scale, unit and qualifiers after the number: 余家, 亿元以上, % 左右
    word: str      # the writer's qualifier word, where it is
    place: str     # before | after | none


def wordings(
    figure: Figure,
    true_value: float,
    text: str,
    lexicon: Lexicon,
    language: str,
    near_ratio: float = 0.9,
    about_ratio: float = 0.05,
    tolerance: float | None = None,
    limit: int = LIMIT,
) -> list[Wording]:
    """Wordings of ``figure`` (found in ``text`` at its offsets) that hold for
    ``true_value`` (in the figure's base unit, as the checks compare it)."""
    if not math.isfinite(true_value) or text[figure.start:figure.end] != figure.text:
        return []
    parts = _cut(figure)
    if parts is None:
        return []
    checker = _Checker(figure, true_value, text, lexicon, near_ratio, about_ratio, tolerance)
    found: list[Wording] = []
    for candidate in _candidates(figure, parts, true_value, language, near_ratio):
        if candidate is None or any(w.text == candidate.text for w in found):
            continue
        if checker.holds(candidate.text) and checker.holds(candidate.replacement):
            found.append(candidate)
        if len(found) == limit:
            break
    return found


def in_unit(
    figure: Figure,
    true_value: float,
    text: str,
    lexicon: Lexicon,
    scale_text: str,
    unit: str,
    near_ratio: float = 0.9,
    about_ratio: float = 0.05,
    tolerance: float | None = None,
) -> Wording | None:
    """``figure`` with the same number in another scale and unit (the fact's: 亿, 元),
    when that wording holds for ``true_value``: FL307's "meant 10亿元?"."""
    if (figure.is_percent or not math.isfinite(true_value)
            or text[figure.start:figure.end] != figure.text):
        return None
    parts = _cut(figure)
    if parts is None or (figure.scale_text and figure.scale_text in parts.number):
        return None
    after = parts.after
    at = after.find(figure.unit) if figure.unit else -1
    if figure.unit and at < 0 or not figure.unit and unit:
        return None
    if figure.unit and unit and unit != figure.unit:
        after = after[:at] + unit + after[at + len(figure.unit):]
    if figure.scale_text:
        where = after.find(figure.scale_text)
        if where < 0 or (at >= 0 and where > at):
            return None
        after = after[:where] + scale_text + after[where + len(figure.scale_text):]
    elif scale_text:
        at = at if at >= 0 else len(after) - len(after.lstrip())
        after = after[:at] + scale_text + after[at:]
    if after == parts.after:
        return None
    core = parts.before + parts.number + after
    wording = Wording(core, figure.qualifier, False, parts.lead + core)
    checker = _Checker(figure, true_value, text, lexicon, near_ratio, about_ratio, tolerance)
    if checker.holds(wording.text) and checker.holds(wording.replacement):
        return wording
    return None


# --- cutting the written figure -----------------------------------------------------------


def _cut(figure: Figure) -> _Parts | None:
    text = figure.text
    pattern = _ARABIC_NUMBER
    if figure.numeral == "chinese":
        pattern = _TENTHS if figure.scale_text == "成" else _CHINESE_NUMBER
    numbers = list(pattern.finditer(text))
    if not numbers:
        return None
    first, last = numbers[0], numbers[-1]
    if figure.qualifier != "range":
        last = first
    before, after = text[: first.start()], text[last.end():]
    number = text[first.start(): last.end()]
    word, place, lead = figure.qualifier_text, "none", ""
    folded = before.casefold()
    if figure.qualifier == "range":
        word = ""
    if word and word.casefold() in folded:
        at = folded.rindex(word.casefold())
        place = "before"
        if figure.qualifier == "exact":
            rest = before[at + len(word):]
            lead, before = before[: at + len(word)] + rest[: len(rest) - len(rest.lstrip())], \
                rest.lstrip()
            word, place = "", "none"
        else:
            lead, before = before[:at], before[at:]
    elif word and word.casefold() in after.casefold():
        place = "after"
    elif word:
        return None  # the qualifier is not where the reader found it: leave the figure alone
    if figure.qualifier == "range":
        before = _OPENERS.sub("", before)
    return _Parts(lead, before, number, after, word, place)


def _without_qualifier(parts: _Parts) -> tuple[str, str]:
    """(before, after) with the writer's qualifier word taken out."""
    before, after = parts.before, parts.after
    if parts.place == "before":
        rest = before[len(parts.word):]
        rest = rest.removeprefix("了")
        before = rest.lstrip() if not parts.lead or parts.lead[-1:].isspace() else rest
        if parts.word[:1].isupper() and before[:1].isalpha():  # About $3m → $3m
            before = before[:1].upper() + before[1:]
    elif parts.place == "after":
        at = after.casefold().rindex(parts.word.casefold())
        if at == 0 or not after[at - 1].isspace() or at + len(parts.word) < len(after):
            after = after[:at] + after[at + len(parts.word):]
        else:
            after = after[:at].rstrip() + after[at + len(parts.word):]
    return before, after


def _with_word(parts: _Parts, word: str) -> tuple[str, str]:
    """(before, after) with ``word`` as the qualifier in front of the number."""
    before, after = _without_qualifier(parts)
    written = word + (" " if word[-1:].isascii() and word[-1:].isalpha() else "")
    starts = (parts.before or parts.number)[:1]
    if not parts.lead and starts.isupper() and written[:1].isalpha():  # Over 1,100 → Nearly
        written = written[:1].upper() + written[1:]
    return written + before, after


# --- candidates ---------------------------------------------------------------------------


def _candidates(figure: Figure, parts: _Parts, v: float, language: str, near_ratio: float):
    s = figure.value
    words = _NEW_WORDS["zh" if language.startswith("zh") else "en"]
    kind = figure.qualifier
    counted = figure.numeral == "chinese" and not figure.is_percent
    same = None
    if kind != "range" and not counted:
        if v > s and kind != "over":
            same = _worded(parts, parts.number, "over", word=words["over"])
        elif v == s and kind != "exact":
            same = _worded(parts, parts.number, "exact")
        elif near_ratio * s <= v < s and kind != "near":
            same = _worded(parts, parts.number, "near", word=words["near"])
    yield same
    yield _exact_value(figure, parts, v)
    if kind == "range" or (counted and kind == "exact"):
        return
    if kind == "near" and same is not None:
        return
    rounded = _rounded(figure, v)
    if rounded is not None and rounded != s:
        shown = rounded if figure.is_percent else rounded / figure.scale
        number = _number_text(figure, parts, rounded, _exact_decimals(shown, figure.decimals))
        yield _worded(parts, number, kind, keep_word=True)


def _worded(parts: _Parts, number: str | None, kind: str, word: str = "",
            keep_word: bool = False, exact: bool = False) -> Wording | None:
    """The figure written with ``number`` and the qualifier of ``kind``: the writer's own
    word (``keep_word``), a new ``word``, or none."""
    if number is None:
        return None
    if keep_word:
        before, after = parts.before, parts.after
    elif word:
        before, after = _with_word(parts, word)
    else:
        before, after = _without_qualifier(parts)
    core = before + number + after
    return Wording(core, kind, exact, parts.lead + core)


def _exact_value(figure: Figure, parts: _Parts, v: float) -> Wording | None:
    """The true value in the figure's unit and scale; 七成 stays in 成 when it can (七成,
    else 72%)."""
    number = None
    if figure.scale_text == "成":
        if v % 10 == 0:
            number = _number_text(figure, parts, v, 0)
        if number is None:
            decimals = _exact_decimals(v, 0)
            number = f"{v:.{decimals}f}%"
    else:
        n = v if figure.is_percent else v / figure.scale
        number = _number_text(figure, parts, v, _exact_decimals(n, figure.decimals))
    return _worded(parts, number, "exact", exact=True)


def _rounded(figure: Figure, v: float) -> float | None:
    """A multiple of the figure's step on the side its qualifier needs."""
    step = figure.step
    if not step or step <= 0 or v <= 0:
        return None
    ratio = v / step
    kind = figure.qualifier
    if kind in ("over", "plus"):
        m = math.ceil(ratio) - 1 if ratio == int(ratio) else math.floor(ratio)
    elif kind == "at_least":
        m = math.floor(ratio)
    elif kind in ("under", "near"):
        m = math.floor(ratio) + 1
    elif kind == "at_most":
        m = math.ceil(ratio)
    elif kind == "about":
        m = round(ratio)
    elif kind == "exact" and (figure.scale != 1 or figure.is_percent or figure.decimals):
        m = round(ratio)
    else:
        return None
    return m * step if m > 0 else None


def _exact_decimals(n: float, written: int) -> int:
    """Decimals that write ``n`` itself, or the written precision when it has too many."""
    for decimals in range(0, written + 3):
        if abs(round(n, decimals) - n) <= 1e-9 * max(1.0, abs(n)):
            return max(decimals, 0)
    return written


def _number_text(figure: Figure, parts: _Parts, value: float, decimals: int) -> str | None:
    """``value`` (in the figure's base unit) written as the writer writes the number."""
    if figure.is_percent and figure.scale_text == "成":
        tenths = value / 10
        if tenths != int(tenths) or not 0 < tenths < 10:
            return None
        return _counted(int(tenths)) + "成"
    n = value if figure.is_percent else value / figure.scale
    n = round(n, decimals)
    if figure.numeral == "chinese":
        if n != int(n) or n <= 0:
            return None
        written = _counted(int(n))
        if figure.scale_text and parts.number.endswith(figure.scale_text):
            written += figure.scale_text
        return written
    digits = f"{n:.{decimals}f}"
    whole, _, fraction = digits.partition(".")
    separator = next((c for c in parts.number if c in _SEPARATORS), "")
    if separator and len(whole) > 3:
        groups = []
        while len(whole) > 3:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = separator.join([whole, *groups])
    point = "．" if "．" in parts.number or figure.numeral == "fullwidth" else "."
    written = whole + (point + fraction if fraction else "")
    if figure.numeral == "fullwidth":
        written = written.translate(_FULLWIDTH)
    return written


# --- Chinese numerals ---------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 105 → 一百零五, 2300 → 二千三百, 12000 → 一万二千."""
    if n <= 0 or n >= 10**8:
        raise ValueError(f"no Chinese numeral written here for {n}")
    if n >= 10**4:
        high, low = divmod(n, 10**4)
        tail = "" if not low else ("零" if low < 1000 else "") + _below_wan(low)
        return _below_wan(high) + "万" + tail
    return _below_wan(n)


def _counted(n: int) -> str:
    """A numeral before a measure word: 两家, 两成, not 二家."""
    return "两" if n == 2 else chinese_numeral(n)


def _below_wan(n: int) -> str:
    if 10 <= n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    out, zero = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit)
        if digit:
            if zero and out:
                out.append("零")
            out.append(_CN_DIGITS[digit] + name)
            zero = False
        else:
            zero = True
    return "".join(out)


# --- checking a wording -------------------------------------------------------------------


class _Checker:
    """Reads a wording back in the figure's place and asks §3 whether it holds."""

    def __init__(self, figure: Figure, v: float, text: str, lexicon: Lexicon,
                 near_ratio: float, about_ratio: float, tolerance: float | None):
        line_start = text.rfind("\n", 0, figure.start) + 1
        line_end = text.find("\n", figure.end)
        self.before = text[max(line_start, figure.start - _CONTEXT): figure.start]
        self.after = text[figure.end: line_end if line_end >= 0 else len(text)][:12]
        self.v = v
        self.lexicon = lexicon
        self.ratios = (near_ratio, about_ratio, tolerance)

    def holds(self, written: str) -> bool:
        start = len(self.before)
        for read in find_figures(self.before + written + self.after, self.lexicon):
            if read.start == start and read.end == start + len(written):
                return interval_for(read, *self.ratios).contains(self.v)
        return False
