"""FL410-FL414: the cited source says so. They run with `check --evidence` (or `evidence:
true` in the configuration), over what `factlint sources` read of each cited source; the
reading and matching are in factlint.evidence, these rules only report."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from factlint.finding import Finding
from factlint.messages import Message
from factlint.rules import Rule

if TYPE_CHECKING:
    from factlint.evidence import SourceEvidence
    from factlint.rules import Context


def _assessments(ctx: Context):
    if ctx.evidence is None:
        return []
    settings = ctx.settings
    return ctx.evidence.assessments(ctx.doc, settings.near_ratio, settings.about_ratio)


def _labels(ctx: Context, labels) -> str:
    sources = ctx.evidence.sources
    return ", ".join(sources[lb].cited.label for lb in labels if lb in sources)


def check_figure_not_in_source(ctx: Context) -> Iterator[Finding]:
    """A figure that none of the sources its sentence cites states.

    The cited page (or its snapshot from `factlint sources`) is read, and every figure it
    states in the same unit is compared with the brief's, in any spelling (1159, 1,159,
    1 159, 一千一百五十九; 10亿元 = 100000万元; 68% = 百分之六十八) and with qualifiers on
    either side (SPEC §3). The message names what the source says next to the same words,
    which is how a mistyped figure shows itself.

    Bad:
        汇聚数据商 1195 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《年报》，https://example.org/report (the page says 1159 家)

    Good:
        汇聚数据商 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：某局，《年报》，https://example.org/report (the page says 1159 家)
    """
    for item in _assessments(ctx):
        if item.verdict != "not-found":
            continue
        cited = _labels(ctx, item.labels)
        instead = Message("FL410.instead", closest=item.closest) if item.closest else ""
        yield FIGURE_NOT_IN_SOURCE.at(
            ctx.doc, item.figure.start, item.figure.end,
            Message("FL410.not-in-source", figure=item.figure.text.strip(), cited=cited,
                    instead=instead))


def check_figure_in_other_source(ctx: Context) -> Iterator[Finding]:
    """A figure its cited source does not state, but another source of the brief does.

    The marker probably points at the wrong source: cite the one that says it.

    Bad:
        汇聚数据商 1159 家<sup>2</sup>。

        <sup>1</sup> 来源：https://example.org/merchants (says 1159 家)
        <sup>2</sup> 来源：https://example.org/other (does not)

    Good:
        汇聚数据商 1159 家<sup>1</sup>。

        <sup>1</sup> 来源：https://example.org/merchants (says 1159 家)
        <sup>2</sup> 来源：https://example.org/other (does not)
    """
    for item in _assessments(ctx):
        if item.verdict == "other-source":
            yield FIGURE_IN_OTHER_SOURCE.at(
                ctx.doc, item.figure.start, item.figure.end,
                Message("FL411.in-other-source", figure=item.figure.text.strip(),
                        cited=_labels(ctx, item.labels), label=item.label,
                        snippet=item.snippet))


def _at_source(rule: Rule, source: SourceEvidence, message: Message) -> Finding:
    cited = source.cited
    return Finding.of(cited.path, cited.line, cited.column, cited.end_line, cited.end_column,
                      rule.code, rule.name, rule.severity, message)


def _sources(ctx: Context) -> list[SourceEvidence]:
    if ctx.evidence is None:
        return []
    return [s for s in ctx.evidence.sources.values() if s.cited.path]


def check_source_title_mismatch(ctx: Context) -> Iterator[Finding]:
    """A cited page whose title, og:title and h1 all differ from the title its definition gives.

    The URL is probably another article's. Titles are compared after folding case, width
    and punctuation, a piece at a time ("Title - Site name"), allowing small differences.

    Bad:
        <sup>1</sup> 来源：某局，《数据产业报告》，https://example.org/news/2 (titled 招聘公告)

    Good:
        <sup>1</sup> 来源：某局，《数据产业报告》，https://example.org/news/1 (titled 数据产业报告)
    """
    sources = _sources(ctx)
    if not sources:
        return
    from factlint.evidence import title_matches  # only with evidence gathered

    for source in sources:
        read = source.text
        if read is None or not source.cited.title or not read.titles:
            continue
        if not title_matches(source.cited.title, read.titles):
            shown = read.og_title or read.title or read.h1
            yield _at_source(SOURCE_TITLE_MISMATCH, source,
                             Message("FL412.title", label=source.cited.label,
                                     title=source.cited.title, page=shown))


def check_source_changed(ctx: Context) -> Iterator[Finding]:
    """A figure the source's snapshot states that the live page no longer does.

    The page changed after `factlint sources` kept its text: the figure may have been
    corrected, or the page replaced. Read it again and run `factlint sources --update`.

    Bad:
        汇聚数据商 1159 家<sup>1</sup>。 (the snapshot says 1159 家, the page today 1200 家)

    Good:
        汇聚数据商 1159 家<sup>1</sup>。 (snapshot and page both say 1159 家)
    """
    for item in _assessments(ctx):
        if item.verdict == "changed":
            yield SOURCE_CHANGED.at(
                ctx.doc, item.figure.start, item.figure.end,
                Message("FL413.changed", figure=item.figure.text.strip(), label=item.label,
                        snippet=item.snippet))


def check_source_unreadable(ctx: Context) -> Iterator[Finding]:
    """A cited source that could not be read as text, and why: a scanned PDF, a login
    wall, a binary file, a body over the size cap.

    Its figures cannot be checked against it; keep a readable copy (a `file:` source in
    the fact file) or quote the page.

    Bad:
        <sup>1</sup> 来源：https://example.org/scan.pdf (a scan with no text layer)

    Good:
        <sup>1</sup> 来源：https://example.org/report.pdf (a PDF with text)
    """
    for source in _sources(ctx):
        if source.text is None and source.problem:
            yield _at_source(SOURCE_UNREADABLE, source,
                             Message("FL414.unreadable", label=source.cited.label,
                                     locator=source.cited.locator, problem=source.problem))


FIGURE_NOT_IN_SOURCE = Rule("FL410", "figure-not-in-source", "warning", check_figure_not_in_source)
FIGURE_IN_OTHER_SOURCE = Rule("FL411", "figure-in-other-source", "warning",
                              check_figure_in_other_source)
SOURCE_TITLE_MISMATCH = Rule("FL412", "source-title-mismatch", "warning",
                             check_source_title_mismatch)
SOURCE_CHANGED = Rule("FL413", "source-changed", "warning", check_source_changed)
SOURCE_UNREADABLE = Rule("FL414", "source-unreadable", "info", check_source_unreadable)

RULES = (FIGURE_NOT_IN_SOURCE, FIGURE_IN_OTHER_SOURCE, SOURCE_TITLE_MISMATCH, SOURCE_CHANGED,
         SOURCE_UNREADABLE)
