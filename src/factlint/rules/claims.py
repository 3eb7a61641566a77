"""FL201, FL202: every claim carries a numbered source."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from factlint.finding import Finding
from factlint.rules import Rule

if TYPE_CHECKING:
    from factlint.engine import Context


def _quoted(doc, figures) -> str:
    shown = [f"“{doc.text[f.start:f.end].strip()}”" for f in figures[:3]]
    more = f" and {len(figures) - 3} more" if len(figures) > 3 else ""
    return ", ".join(shown) + more


def check_unsourced_figure(ctx: Context) -> Iterator[Finding]:
    """A sentence states a figure and cites nothing.

    A number without a source cannot be checked by an editor or trusted by a reader.
    A count that sums up a list written just before it (甲、乙、丙三类) is the author's
    own framing and is left to FL306.

    Bad:
        全省已汇聚数据商 1159 家。

    Good:
        全省已汇聚数据商 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《数据交易年报》
    """
    doc = ctx.doc
    for sentence in doc.sentences:
        notes = _only_notes(ctx, sentence)
        if sentence.figures and (not sentence.markers or notes):
            figures = sentence.figures
            noun = "figure" if len(figures) == 1 else "figures"
            verb = "is" if len(figures) == 1 else "are"
            without = (f"cited only with note {', '.join(notes)}, which explains rather than "
                       "names a source" if notes else "stated without a source")
            yield UNSOURCED_FIGURE.at(
                doc, figures[0].start, figures[0].end,
                f"{noun} {_quoted(doc, figures)} {verb} {without}: cite where "
                f"{'it comes' if len(figures) == 1 else 'they come'} from",
            )


def _only_notes(ctx: Context, sentence) -> tuple[str, ...]:
    """The notes a sentence cites when it cites notes only (a note is not a source)."""
    if not sentence.markers:
        return ()
    from factlint.documents import book_of

    return book_of(ctx.doc, ctx.book).only_notes(ctx.doc, sentence.markers)


def check_unsourced_claim(ctx: Context) -> Iterator[Finding]:
    """A ranking, superlative or "first" claim that cites nothing.

    "位居全国前列", "全国首创", "the largest" are claims of fact like any figure;
    the rule pack lists the words that make a sentence such a claim.

    Bad:
        该市人工智能企业数量位居全国前列。

    Good:
        该市人工智能企业数量位居全国前列<sup>1</sup>。

        <sup>1</sup> 来源：某报，《人工智能产业发展报告》
    """
    doc = ctx.doc
    for sentence in doc.sentences:
        if sentence.triggers and not sentence.markers and not sentence.figures:
            trigger = sentence.triggers[0]
            words = doc.text[trigger.start : trigger.end]
            yield UNSOURCED_CLAIM.at(
                doc, trigger.start, trigger.end,
                f"{trigger.name} claim “{words}” cites no source: add a citation",
            )


UNSOURCED_FIGURE = Rule("FL201", "unsourced-figure", "error", check_unsourced_figure)
UNSOURCED_CLAIM = Rule("FL202", "unsourced-claim", "warning", check_unsourced_claim)

RULES = (UNSOURCED_FIGURE, UNSOURCED_CLAIM)
