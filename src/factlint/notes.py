"""What a definition is: a source, a note that explains, or a note that repeats a source.

A footnote is not always a source. Books and reports write notes that explain ("The words
drone and UAV are used interchangeably."), and notes that point back to a source cited
before: ``Ibid.``, ``同上``, ``同注3``, ``見[6]``, an author–date pointer ``UAViators (2015)``
or a Chicago short note ``Smith, "Open Source," 12.`` after the full note. The citation
rules judge sources only; a repeat note counts as citing the source it points at.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from factlint.lazyre import lazy

if TYPE_CHECKING:
    from factlint.document import Definition
    from factlint.rulepack import RulePack

SOURCE, NOTE, REPEAT = "source", "note", "repeat"
CALCULATION = "calculation"  # a note that shows how a figure was worked out from others

# Case-insensitive words open with their first letter's cases written out ([sSſ]: what
# (?i:s) matches): a search then skips to those letters at C speed, where a pattern that
# opens case-insensitively is tried at every character (firstchar.py).
# Ibid., 同上, 同注3, 同 [7], 見[6], see note 3, op. cit.
REPEAT_NOTE = lazy(
    r"[iIİı](?i:bid\b|bidem\b|d\.(?:\s|$))|[oO](?i:p\.\s*cit\b)|[lL](?i:oc\.\s*cit\b)"
    r"|[sSſ](?i:ee\s+(?:above\s+)?n(?:ote)?\.?\s*\d)"
    r"|同上|同前|前揭|前引|同[註注]\s*\d|同\s*\\?\[\d|[見见]\s*\\?\[\d|參見\s*\\?\[\d|参见\s*\\?\[\d"
    r"|[見见]\s*[註注]\s*\d|同\s*\d{1,3}\s*$"
)
REPEAT_TARGET = lazy(r"(?:[註注]|\[|n(?:ote)?\.?)\s*(\d{1,4})", re.IGNORECASE)
# "UAViators (2015)", "Smith et al. (n.d.)": a pointer into an author-date bibliography
AUTHOR_DATE = lazy(
    r"\b[A-Z][\w'’-]+(?:\s+(?:et\s+al\.?|and\s+[A-Z][\w'’-]+))?,?\s*\((?:1[89]|20)\d\d[a-z]?\)"
    r"|\b[A-Z][\w'’-]+\s*\(n\.d\.\)"
)
NOTE_PREFIX = lazy(
    r"^\s*(?:译者注|譯者注|编者注|編者註|編者注|作者注|编注|編註|按|"
    r"(?i:translator'?s note|editor'?s note|author'?s note))\s*[:：]"
)
# What a source carries: a locator, a title, a citation year, a publisher, a GB/T type code
SOURCE_SIGNAL = lazy(
    r"https?://|www\.\S|doi\b|\b10\.\d{4,9}/|ISBN|ISSN|arXiv"
    r"|《[^《》]+》|〈[^〈〉]+〉|“[^“”]{4,}”|\"[^\"\s]+\s[^\"]{2,}\"|\*[^*\s][^*]{3,}\*|(?<!\w)_[^_\s][^_]{3,}_(?!\w)"
    r"|\]\(|\[(?:J|M|C|D|R|N|S|P|Z|EB/OL|DB/OL|J/OL|M/OL)\]"
    r"|\((?:1[89]|20)\d\d[a-z]?\)|[,，]\s*(?:1[89]|20)\d\d[a-z]?\s*(?:[.,;)]|$)|\bn\.d\."
    r"|(?:19|20)\d\d\s*[-/.年]\s*\d{1,2}\s*[-/.月]"
    r"|\b(?:Press|Publications|Publishing|Publishers|University|Journal|Proceedings)\b"
    r"|出版社|报社|報社|日报|日報|晚报|杂志|雜誌|学报|學報|期刊",
)
# A place in a work: P.8, pp. 3-5, 第24至26段, 附表, s. 5 (first letters written out as above)
PINPOINT = lazy(
    r"\b[pP](?i:p?\.\s*\d+(?:\s*[-–]\s*\d+)?|ages?\s+\d+)|\b[sSſ](?i:(?:ec)?\.\s*\d+)|§\s*\d+"
    r"|第\s*\d+\s*(?:至\s*\d+\s*)?[页頁段条條款章节節]|附表|附[註注]\s*\d|页码\s*\d|頁\s*\d"
)
YEAR = lazy(r"(?:1[89]|20)\d\d")
BOOK_TITLE = lazy(r"《[^《》]*》")
# GB/T 7714, ISO and industry standard numbers identify the document they name
STANDARD_NUMBER = lazy(r"\b(?:GB|GB/T|GB/Z|T/[A-Z]{2,}|ISO|IEC|IEEE|ANSI|DIN|JIS)\s*[\d.]+")
# one group per branch: m.lastindex is the one that matched; (?=…) skips other starts fast
TITLE = lazy(
    r"(?=[《“\"*\[])(?:《([^《》]+)》|“([^“”]{4,})”|(?<![=\w])\"([^\"]{4,})\""
    r"|\*([^*\s][^*]{3,})\*|\[([^\[\]\n]{4,})\]\()")
TITLE_NOISE = lazy(r"[\s,，.。:：\"“”]+")  # left out when titles are compared
DIGIT = lazy(r"\d")
# Bounded where a run of starts could each scan the rest of a line (quadratic).
ARITHMETIC = lazy(r"\d\s*[-–=+×*/÷]\s*[$¥€£]?\d[^=\n]{0,200}=|=\s*[$¥€£]?\d")
CJK_CLAUSE = lazy(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{4,}[，。；！？]"
                        r"|[，。；][^，。；]*[\u4e00-\u9fff]{4,}")
WORD = lazy(r"[A-Za-z][A-Za-z'’-]*")


class Kind(NamedTuple):
    kind: str  # source | note | repeat | calculation
    target: str | None = None  # the label a repeat note points back to, when known


A_SOURCE, A_NOTE = Kind(SOURCE), Kind(NOTE)  # the kinds most definitions have, made once


def titles_of(body: str) -> frozenset[str]:
    """The titles a definition names: 《…》, quoted, italic, or a link's text."""
    # each match fills one of TITLE's groups (the others are ''): joined, that one
    return frozenset([TITLE_NOISE.sub("", "".join(groups)).lower()
                      for groups in TITLE.findall(body)])


def pinpoints(body: str) -> frozenset[str]:
    if "附表" not in body and DIGIT.search(body) is None:
        return frozenset()  # every other pinpoint has a number
    return frozenset(re.sub(r"\s+", "", m.group()).lower() for m in PINPOINT.finditer(body))


def source_body(definition: Definition, pack: RulePack | None) -> str:
    """What a definition says, without the rule pack's source prefix (来源：), stripped."""
    body = definition.body.strip()
    if pack is not None and pack.source_prefix is not None:
        body = pack.source_prefix.sub("", body).strip()
    return body


def classify(definitions: Sequence[Definition], pack: RulePack | None,
             bodies: Sequence[str] | None = None,
             titles: Sequence[frozenset[str]] | None = None) -> list[Kind]:
    """The kind of each definition, in order (a repeat note may point at an earlier one).
    ``bodies`` and ``titles``: the source_body of each and the titles_of that body, when
    the caller has them already."""
    if bodies is None:
        bodies = [source_body(d, pack) for d in definitions]
    if titles is None:
        titles = [titles_of(body) for body in bodies]
    kinds: list[Kind] = []
    by_author: dict[str, _Sources] = {}  # earlier sources by author
    previous: str | None = None  # the source the last source or repeat note cited
    for definition, body, named in zip(definitions, bodies, titles, strict=True):
        author = _author(body)
        kind = _kind(body, definition, previous, by_author, author, named)
        kinds.append(kind)
        if kind.kind == SOURCE and len(body) > 20:
            sources = by_author.get(author)
            if sources is None:  # (not setdefault: it would make one for each source)
                sources = by_author[author] = _Sources()
            sources.add(definition.label, body, named)
            previous = definition.label
        elif kind.kind == REPEAT:
            previous = kind.target
    return kinds


AUTHOR_END = lazy(r"[,，]")


def _author(body: str) -> str:
    end = AUTHOR_END.search(body)
    return (body[: end.start()] if end else body).strip().lower()


class _Sources:
    """The sources of one author so far, in order, with the notes that name each title:
    titles are indexed when a short note first asks, so a note is matched against the
    sources that share one of its titles, not against all of them (an author cited a
    thousand times)."""

    def __init__(self) -> None:
        self.notes: list[tuple[str, str]] = []  # (label, body)
        self.titles: list[frozenset[str]] = []  # of each note
        self.by_title: dict[str, list[int]] | None = None  # title -> notes naming it

    def add(self, label: str, body: str, titles: frozenset[str]) -> None:
        self.notes.append((label, body))
        self.titles.append(titles)
        if self.by_title is not None:
            self._index(len(self.notes) - 1)

    def _index(self, index: int) -> None:
        for title in self.titles[index]:
            self.by_title.setdefault(title, []).append(index)

    def latest_naming(self, titles: frozenset[str], longer_than: int) -> str | None:
        """The label of the latest note longer than ``longer_than`` that names every one
        of ``titles`` (not empty), or None."""
        if self.by_title is None:
            self.by_title = {}
            for index in range(len(self.notes)):
                self._index(index)
        naming = [self.by_title.get(title, ()) for title in titles]
        for index in reversed(min(naming, key=len)):
            label, other = self.notes[index]
            if len(other) > longer_than and titles <= self.titles[index]:
                return label
        return None


def _kind(body: str, definition: Definition, previous: str | None,
          by_author: dict[str, _Sources], author: str, titles: frozenset[str]) -> Kind:
    if not body:
        return A_SOURCE  # empty: malformed, judged as a source
    if REPEAT_NOTE.match(body) or (len(body) <= 40 and not definition.urls
                                   and REPEAT_NOTE.search(body)):
        target = REPEAT_TARGET.search(body)
        if target:
            return Kind(REPEAT, target.group(1))
        return Kind(REPEAT, previous)
    if not definition.urls:
        short = _short_note_target(body, by_author, author, titles)
        if short is not None:
            return Kind(REPEAT, short)
        if "(" in body and AUTHOR_DATE.search(body) and not TITLE.search(body):
            return Kind(REPEAT)  # points into the bibliography
    if NOTE_PREFIX.match(definition.body):
        return A_NOTE
    if definition.urls or "《" in body or SOURCE_SIGNAL.search(body) or STANDARD_NUMBER.search(
            body):
        return A_SOURCE
    if ARITHMETIC.search(body):
        return Kind(CALCULATION)
    if _reads_as_prose(body):
        return A_NOTE
    return A_SOURCE  # a bare name ("央广网"): too thin, for FL106


def _reads_as_prose(body: str) -> bool:
    """A sentence, not a bare title: Chinese clauses, or English words mostly in lower case
    ("The words drone and UAV are used …", not "Teaching Public Service in the Digital Age")."""
    if CJK_CLAUSE.search(body):
        return True
    words = WORD.findall(body)
    return len(words) >= 4 and sum(w[0].islower() for w in words) * 2 >= len(words)


def _short_note_target(body: str, by_author: dict[str, _Sources], author: str,
                       titles: frozenset[str]) -> str | None:
    """A Chicago short note: an earlier, longer note names the same author and title (the
    body's ``author`` and ``titles``)."""
    if len(body) > 160:
        return None
    earlier = by_author.get(author)
    if not earlier or len(author) < 3:
        return None
    if not titles:
        return None
    return earlier.latest_naming(titles, len(body))


def is_complete_reference(body: str) -> bool:
    """A print reference a reader can find without a URL: a title or publisher with a year
    (outside the title: 《2024年报告》 dates nothing) or a place in the work (a book, an
    article, a statute with its section)."""
    dated = YEAR.search(body) and YEAR.search(BOOK_TITLE.sub("", body))
    return bool(dated or PINPOINT.search(body)) and bool(SOURCE_SIGNAL.search(body))
