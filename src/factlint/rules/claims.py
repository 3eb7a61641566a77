"""FL201, FL202, FL203: every claim carries a numbered source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from factlint.documents import book_of
from factlint.finding import Finding
from factlint.lazyre import lazy
from factlint.messages import Message, Quoted
from factlint.rules import Rule

if TYPE_CHECKING:
    from factlint.document import Document, Sentence
    from factlint.rules import Context


def _quoted(doc, figures) -> tuple[Quoted, Message | str]:
    """The first three figures, quoted, and how many more there are."""
    shown = Quoted(" ".join(doc.text[f.start:f.end].split()) for f in figures[:3])
    more = (Message("FL201.more", count=len(figures) - 3, total=len(figures))
            if len(figures) > 3 else "")
    return shown, more


# Units of money. A document that reports its own data set counted what it measured; what
# others raised, earned or paid (融资 60 亿美元, $3 million in revenue) comes from elsewhere.
_MONEY = lazy(r"(?i:(?:元|圆|圓|镑|鎊|币|幣)$|^(?:[$£€¥￥]|[A-Z]{1,2}\$|USD|GBP|EUR|CNY|RMB"
              r"|HKD|JPY|dollars?|pounds?|euros?|yuan|yen)$)")


def _needs_source(sentence: Sentence) -> bool:
    """Unmarked, not covered by a later marker or the paragraph's attribution."""
    return not sentence.markers and not sentence.covered_by


def check_unsourced_figure(ctx: Context) -> Iterator[Finding]:
    """A sentence (or a table) states a figure and cites nothing.

    A number without a source cannot be checked by an editor or trusted by a reader.
    Not figures that need a source: a count that sums up or introduces a list the
    document gives (甲、乙、丙三类, 以下五个特性：, left to FL306); the document's own
    data, goals, hypotheticals and proposals (本次调查, 力争, 如果, we find, aims to);
    a sentence whose paragraph closes with a marker one or two sentences later; a
    figure attributed in prose (据…, according to…, a link: FL203 instead). A table is
    one claim, sourced by a marker in it or a 资料来源：/Source: line or note next to it.
    A brief configured as `primary` is its own source; so is one whose opening says it
    reports its own data set (本报告涵盖…平台的数据, this report is based on our survey),
    but for its money figures.

    Bad:
        全省已汇聚数据商 1159 家。

    Good:
        全省已汇聚数据商 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
    """
    doc = ctx.doc
    if doc.primary:
        return
    cited: dict | None = None  # read on the first unsourced figure
    for index, sentence in enumerate(doc.sentences):
        figures = sentence.claim_figures
        if doc.own_data:
            figures = tuple(f for f in figures if _MONEY.search(f.unit))
        if not figures:
            continue
        notes = _only_notes(ctx, sentence)
        if notes or (_needs_source(sentence) and not sentence.attribution):
            without = (Message("FL201.only-note", notes=", ".join(notes)) if notes
                       else Message("FL201.no-source"))
            if doc.own_data:
                without = Message("FL201.own-data", without=without, own=doc.own_data)
            if cited is None:
                cited = _cited_figures(ctx)
            figures_shown, more = _quoted(doc, figures)
            yield UNSOURCED_FIGURE.at(
                doc, figures[0].start, figures[0].end,
                Message("FL201.figure" if len(figures) == 1 else "FL201.figures",
                        figures=figures_shown, more=more, without=without,
                        nearby=_nearby_sources(ctx, index, figures, cited)),
            )
    if not doc.own_data:
        yield from _unsourced_tables(doc)


def _figure_key(figure) -> tuple:
    """The same figure, however it is introduced (共 1159 家, 达1159家)."""
    return figure.qualifier, figure.value, figure.high, figure.unit_key, figure.is_percent


def _specific(figure) -> bool:
    """A figure unlikely to recur by chance: three or more digits, or decimals."""
    digits = sum(c.isdigit() for c in figure.text)
    return figure.decimals > 0 or digits >= 3


def _source_labels(ctx: Context, sentence: Sentence) -> tuple[str, ...]:
    """The markers a sentence cites sources with, as written (none when it cites notes only)."""
    if not sentence.markers or _only_notes(ctx, sentence):
        return ()
    from factlint.rules.citations import shown

    labels: list[str] = []
    for marker in sentence.markers:
        labels += [shown(marker.style, label) for label in marker.labels
                   if shown(marker.style, label) not in labels]
    return tuple(labels)


def _cited_figures(ctx: Context) -> dict[tuple, tuple[str, int, tuple[str, ...]]]:
    """Each specific figure written in a sourced sentence -> (its text, its line, the
    markers cited)."""
    doc = ctx.doc
    found: dict[tuple, tuple[str, int, tuple[str, ...]]] = {}
    for sentence in doc.sentences:
        labels = _source_labels(ctx, sentence) if sentence.figures else ()
        for figure in sentence.figures if labels else ():
            if _specific(figure):
                found.setdefault(_figure_key(figure), (" ".join(figure.text.split()),
                                                       doc.position(figure.start)[0], labels))
    return found


def _nearby_sources(ctx: Context, index: int, figures, cited) -> Message | str:
    """Where a source for an unsourced sentence may be found, when the brief shows it: the
    same figure cited elsewhere, else the sources of the nearest sourced sentences of its
    paragraph. Empty when there is no such evidence."""
    doc = ctx.doc
    for figure in figures:
        hit = cited.get(_figure_key(figure)) if _specific(figure) else None
        if hit is not None:
            return Message("FL201.also-stated", figure=hit[0], line=hit[1],
                           sources=_sources(hit[2]))
    sentence = doc.sentences[index]
    nearest: list[tuple[int, tuple[str, ...]]] = []
    for step in (-1, 1):
        at = index + step
        while 0 <= at < len(doc.sentences) and doc.sentences[at].paragraph == sentence.paragraph:
            labels = _source_labels(ctx, doc.sentences[at])
            if labels:
                nearest.append((doc.position(doc.sentences[at].start)[0], labels))
                break
            at += step
    if not nearest:
        return ""
    if len(nearest) == 2 and nearest[0][1] == nearest[1][1]:
        nearest = nearest[:1]
    if len(nearest) == 1:
        return Message("FL201.paragraph-cites", sources=_sources(nearest[0][1]),
                       line=nearest[0][0])
    return Message("FL201.paragraph-cites-two", sources=_sources(nearest[0][1]),
                   line=nearest[0][0], sources2=_sources(nearest[1][1]), line2=nearest[1][0])


def _sources(labels: tuple[str, ...]) -> str:
    return ", ".join(labels)


def _unsourced_tables(doc: Document) -> Iterator[Finding]:
    for table in doc.table_blocks:
        if table.sourced or not table.figures:
            continue
        first = table.figures[0]
        start, end = (first.start, first.end) if hasattr(first, "start") else first
        line, _ = doc.position(table.start)
        if hasattr(first, "start"):
            quoted, more = _quoted(doc, table.figures)
            shown = Message("FL201.quoted-more", figures=quoted, more=more)
        else:
            shown = Message("FL201.table-cells", count=len(table.figures))
        yield UNSOURCED_FIGURE.at(doc, start, end,
                                  Message("FL201.table", line=line, figures=shown))


def _only_notes(ctx: Context, sentence) -> tuple[str, ...]:
    """The notes a sentence cites when it cites notes only (a note is not a source)."""
    if not sentence.markers:
        return ()
    return book_of(ctx.doc, ctx.book).only_notes(ctx.doc, sentence.markers)


def check_unsourced_claim(ctx: Context) -> Iterator[Finding]:
    """A ranking, superlative or "first" claim that cites nothing.

    "位居全国前列", "全国首创", "the largest" are claims of fact like any figure;
    the rule pack lists the words that make a sentence such a claim. A goal
    (打造全国领先的…, to become the most…) is not a claim of fact, nor are the words
    of a quoted title. A brief that is its own source (`primary`, or a report of its own
    data set) ranks what it measured itself.

    Bad:
        该市人工智能企业数量位居全国前列。

    Good:
        该市人工智能企业数量位居全国前列<sup>1</sup>。

        <sup>1</sup> 来源：某报，《人工智能产业发展报告》
    """
    doc = ctx.doc
    if doc.primary or doc.own_data:
        return
    for sentence in doc.sentences:
        triggers = sentence.claim_triggers
        if (triggers and _needs_source(sentence) and not sentence.attribution
                and not sentence.claim_figures):
            trigger = triggers[0]
            words = doc.text[trigger.start : trigger.end]
            yield UNSOURCED_CLAIM.at(
                doc, trigger.start, trigger.end,
                Message("FL202.unsourced-claim", trigger=trigger.name, words=words),
            )


def check_attribution_without_number(ctx: Context) -> Iterator[Finding]:
    """A figure or claim attributed in prose, without a numbered source.

    "据国家统计局数据", "according to the ONS", "(Smith 2021)" or a link before the
    claim tell the reader where it comes from, but not in a form the brief's sources
    list, the fact file and `factlint sources` can follow. Later sentences of the same
    paragraph that report the same source are not reported again.

    Bad:
        据国家统计局数据，全省数据企业达 1159 家。

    Good:
        据国家统计局数据，全省数据企业达 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：国家统计局，《统计公报》
    """
    doc = ctx.doc
    if doc.primary or doc.own_data:
        return
    for sentence in doc.sentences:
        if not (sentence.attribution and _needs_source(sentence) and sentence.is_claim):
            continue
        claims = sentence.claim_figures or sentence.claim_triggers
        yield ATTRIBUTION_WITHOUT_NUMBER.at(
            doc, claims[0].start, claims[0].end,
            Message("FL203.attributed",
                    claim=" ".join(doc.text[claims[0].start:claims[0].end].split()),
                    attribution=sentence.attribution),
        )


UNSOURCED_FIGURE = Rule("FL201", "unsourced-figure", "error", check_unsourced_figure)
UNSOURCED_CLAIM = Rule("FL202", "unsourced-claim", "warning", check_unsourced_claim)
ATTRIBUTION_WITHOUT_NUMBER = Rule("FL203", "attribution-without-number", "info",
                                  check_attribution_without_number)

RULES = (UNSOURCED_FIGURE, UNSOURCED_CLAIM, ATTRIBUTION_WITHOUT_NUMBER)
